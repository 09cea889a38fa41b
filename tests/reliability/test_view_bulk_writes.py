"""The views' bulk write path (one statement per batch) keeps each row's own fields."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import Tracking

from projections.base import Delete, Put
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
def test_a_row_put_then_deleted_in_one_write_is_gone(kind: str) -> None:
    with open_view(kind) as view:
        view.write_with_tracking([Put("report", "r1", {"v": 1}), Delete("report", "r1"),
                                  Put("report", "r2", {"v": 2})], Tracking("app", 1))
        assert view.get("report", "r1") is None
        assert view.get("report", "r2") == {"v": 2}
