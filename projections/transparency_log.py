"""The transparency log: a Merkle tree (RFC 6962) over every stored event, kept incrementally.

Leaf i is the i-th event of the notification log: its notification id and chain hash
(``audit/standalone_verifier.leaf_data``). Each event adds its leaf, the perfect subtrees
it completes, a row naming the event (aggregate, version, type) and the tree's size, in
one transaction with the tracking position, like every read model. Signed tree heads
(audit/seals.py) are signatures over this tree's root; inclusion and consistency proofs
(audit/proofs.py) are read from its nodes.

Its rows depend on notification ids, which a copy of the store need not share: replay
does not compare it (``compared_in_replay``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.merkle import MerkleLog
from projections.base import Put, ReadModelProjection, ReadModelView

NODE, LEAF, TREE, EVENT = "node", "leaf", "tree", "event"
SIZE_KEY = "size"


@dataclass(frozen=True)
class LeafEvent:
    """What the log knows of the event behind a leaf, to name it when it goes missing."""

    index: int
    notification_id: int
    chain_hash: str
    aggregate_id: str
    version: int
    event_type: str


class ViewNodes:
    """The tree's nodes as rows of the view (``node`` rows keyed ``level:index``)."""

    def __init__(self, view: ReadModelView) -> None:
        self.view = view
        self.pending: list[Put] = []

    def get(self, level: int, index: int) -> bytes:
        doc = self.view.get(NODE, f"{level}:{index}")
        if doc is None:
            raise LookupError(f"the transparency log has no node {level}:{index}")
        return bytes.fromhex(doc["h"])

    def put_many(self, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        self.pending.extend(Put(NODE, f"{level}:{index}", {"h": value.hex()})
                            for level, index, value in nodes)


def tree_size(view: ReadModelView) -> int:
    doc = view.get(TREE, SIZE_KEY)
    return int(doc["size"]) if doc else 0


def tree(view: ReadModelView) -> MerkleLog:
    """The log as the view holds it (read-only use: roots and proofs)."""
    return MerkleLog(ViewNodes(view), tree_size(view))


def leaf_index(view: ReadModelView, event_id: str) -> int | None:
    doc = view.get(EVENT, event_id)
    return int(doc["i"]) if doc else None


def leaf_event(view: ReadModelView, index: int) -> LeafEvent | None:
    doc = view.get(LEAF, str(index))
    if doc is None:
        return None
    return LeafEvent(index, int(doc["n"]), doc["c"], doc["a"], int(doc["v"]), doc["t"])


class TransparencyLogProjection(ReadModelProjection):
    name = "transparency_log"
    compared_in_replay = False
    topics = ()  # every event is a leaf

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        nodes = ViewNodes(self.view)
        log = MerkleLog(nodes, tree_size(self.view))
        index = log.size
        log.append([(tracking.notification_id, domain_event.chain_hash)])
        topic = get_topic(type(domain_event))
        leaf = Put(LEAF, str(index), {
            "n": tracking.notification_id, "c": domain_event.chain_hash,
            "a": str(domain_event.originator_id), "v": domain_event.originator_version,
            "t": topic.partition(":")[2] or topic})
        by_event = Put(EVENT, str(domain_event.event_id), {"i": index})
        self.write(tracking, [*nodes.pending, leaf, by_event,
                              Put(TREE, SIZE_KEY, {"size": log.size})])
