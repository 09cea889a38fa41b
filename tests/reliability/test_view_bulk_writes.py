"""The views' bulk write path (one statement per batch) keeps each row's own fields."""

from __future__ import annotations

import hashlib
import json

import pytest
from eventsourcing.persistence import Tracking

from projections.base import Delete, Put, ReadModelView, digest
from tests.integration.test_projection_views import open_view

KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("kind", KINDS)
def test_one_doc_written_under_several_kinds_lands_in_each_partition(kind: str) -> None:
    entry = {"event_id": "e1", "person_id": "anna"}
    with open_view(kind) as view:
        view.write_with_tracking([Put("by_aggregate", "e1", entry, partition="r1"),
                                  Put("by_actor", "e1", entry, partition="anna")],
                                 Tracking("app", 1))
        assert view.find("by_aggregate", "r1") == [entry]
        assert view.find("by_actor", "anna") == [entry]
        assert view.find("by_actor", "r1") == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_key_put_twice_in_one_write_keeps_the_last_doc(kind: str) -> None:
    with open_view(kind) as view:
        view.write_with_tracking([Put("report", "r1", {"v": 1}, partition="c1"),
                                  Put("report", "r2", {"v": 1}, partition="c1"),
                                  Put("report", "r1", {"v": 2}, partition="c2")],
                                 Tracking("app", 1))
        assert view.get("report", "r1") == {"v": 2}
        assert view.find("report", "c2") == [{"v": 2}]
        assert view.find("report", "c1") == [{"v": 1}]


@pytest.mark.parametrize("kind", KINDS)
def test_a_row_put_then_deleted_in_one_write_is_gone(kind: str) -> None:
    with open_view(kind) as view:
        view.write_with_tracking([Put("report", "r1", {"v": 1}), Delete("report", "r1"),
                                  Put("report", "r2", {"v": 2})], Tracking("app", 1))
        assert view.get("report", "r1") is None
        assert view.get("report", "r2") == {"v": 2}


def _decoded_digest(view: ReadModelView) -> str:
    """The digest as first defined: decode every row, encode it canonically again."""
    sha = hashlib.sha256()
    for row in view.rows():
        sha.update(json.dumps([row.kind, row.key, row.partition, row.doc], sort_keys=True,
                              separators=(",", ":"), ensure_ascii=False).encode())
        sha.update(b"\n")
    return sha.hexdigest()


@pytest.mark.parametrize("kind", ["popo", *KINDS])
def test_the_digest_over_stored_text_equals_the_decoded_digest(kind: str) -> None:
    docs = [{"namn": "Äldreboende Ekhagen", "b": [1.5, None, {"z": 1, "a": "ö"}], "a": 2},
            {"value": 1e-7, "big": 2**62, "flag": True, "text": "quote \" and \\ slash"}]
    with open_view(kind) as view:
        view.write_with_tracking([Put("report", f"r{n}", doc, partition=f"c{n % 2}")
                                  for n, doc in enumerate(docs)], Tracking("app", 1))
        view.write_with_tracking([Put("unit", "u1", docs[0], partition="VON")],
                                 Tracking("app", 2))
        assert digest(view) == _decoded_digest(view)
