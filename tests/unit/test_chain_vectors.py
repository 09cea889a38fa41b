"""Known-answer vectors: the chain's canonical encoding and the log's tree, as recorded.

tests/vectors/chain_v1.jsonl holds 41 stored events (the VON organisation, delår 2022
opened, an edit, a klarmarkering, an attestering) written by the encoding this version
uses, with their canonical bytes, chain hashes and the Merkle root over them. Every later
version must decode them to the same bytes and hashes: a change to the encoding breaks
every existing store, so it must come as a new, versioned encoding, never as an edit.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from audit import standalone_verifier
from domain import merkle
from domain.chain import canonical_bytes, compute_hash
from infrastructure.eventstore import ArsplanStore

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "chain_v1.jsonl"


def _vectors() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    header, *events = (json.loads(line) for line in VECTORS.read_text().splitlines())
    return header, events


@pytest.fixture(scope="module")
def decoded() -> list[tuple[dict[str, Any], Any]]:
    store = ArsplanStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    _, events = _vectors()
    out = [(v, store.mapper.to_domain_event(StoredEvent(
        originator_id=UUID(v["originator_id"]), originator_version=v["originator_version"],
        topic=v["topic"], state=base64.b64decode(v["state"])))) for v in events]
    store.close()
    return out


def test_every_recorded_event_encodes_to_the_recorded_bytes_and_hash(
        decoded: list[tuple[dict[str, Any], Any]]) -> None:
    header, _ = _vectors()
    assert header["format"] == "arsplan-chain-vectors-v1" and len(decoded) == header["events"]
    for vector, event in decoded:
        assert base64.b64encode(canonical_bytes(event)).decode() == vector["canonical"]
        assert compute_hash(event) == vector["chain_hash"] == event.chain_hash


def test_the_log_of_the_vectors_has_the_recorded_root() -> None:
    header, events = _vectors()
    tree = merkle.CompactRange()
    for v in events:
        tree.append(merkle.leaf_hash(merkle.leaf_data(v["notification_id"], v["chain_hash"])))
    assert tree.root().hex() == header["merkle_root"]


def test_the_standalone_verifier_hashes_as_the_engine_does() -> None:
    _, events = _vectors()
    for v in events[:5]:
        data = merkle.leaf_data(v["notification_id"], v["chain_hash"])
        assert standalone_verifier.leaf_data(v["notification_id"], v["chain_hash"]) == data
        assert standalone_verifier.leaf_hash(data) == merkle.leaf_hash(data)
        assert standalone_verifier.chain_hash(
            v["prev_hash"], base64.b64decode(v["canonical"])) == v["chain_hash"]
    left, right = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert standalone_verifier.node_hash(left, right) == merkle.node_hash(left, right)
