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

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.merkle import MerkleLog
from projections.base import EncodedRow, Put, ReadModelProjection, ReadModelView

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


class _BatchNodes:
    """The nodes a batch adds, kept in memory for the appends after them (the batch's
    view would hand out copies of its rows); older nodes are read from the view."""

    def __init__(self, view: ReadModelView) -> None:
        self.older = ViewNodes(view)
        self.added: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        found = self.added.get((level, index))
        if found is None:
            found = self.added[(level, index)] = self.older.get(level, index)
        return found

    def edge(self, size: int) -> dict[tuple[int, int], bytes] | None:
        """The nodes the next append reads (the perfect subtrees a tree of ``size``
        ends in), if this batch holds them all."""
        wanted = [(level, (size >> level) - 1) for level in range(size.bit_length())
                  if size >> level & 1]
        found = {node: self.added[node] for node in wanted if node in self.added}
        return found if len(found) == len(wanted) else None

    def put_many(self, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        for level, index, value in nodes:
            self.added[(level, index)] = value


@functools.cache
def _type_name(event_class: type) -> str:
    topic = get_topic(event_class)
    return json.dumps(topic.partition(":")[2] or topic, ensure_ascii=False)


class TransparencyLogProjection(ReadModelProjection):
    """Each event: its leaf, the nodes it completes, the rows naming it, the tree's size.

    The rows are written in storage form (``EncodedRow``, canonical JSON built directly):
    nothing reads them back while the batch is open, because the batch's tree (its size
    and the nodes it added) is kept here until the batch ends.
    """

    name = "transparency_log"
    compared_in_replay = False
    topics = ()  # every event is a leaf
    batch_size = 2000

    def __init__(self, view: ReadModelView) -> None:
        super().__init__(view)
        self._in_batch = False
        self._batch_log: MerkleLog | None = None
        # The last batch's tree size and the nodes an append to it reads: the next batch
        # starts without reading the view, so it need not wait for the last one's commit.
        # A tree of a given size over the log is one tree, so the size identifies them.
        self._edge: tuple[int, dict[tuple[int, int], bytes]] | None = None

    @contextmanager
    def writing_to(self, view: ReadModelView) -> Iterator[None]:
        with super().writing_to(view):
            self._in_batch, self._batch_log = True, None
            try:
                yield
            finally:
                log = self._batch_log
                if log is not None and isinstance(log.nodes, _BatchNodes):
                    edge = log.nodes.edge(log.size)
                    self._edge = (log.size, edge) if edge is not None else None
                self._in_batch, self._batch_log = False, None

    def _log(self) -> MerkleLog:
        """The tree as the view has it; within a batch, the one kept since its start."""
        if self._batch_log is not None:
            return self._batch_log
        nodes, size = _BatchNodes(self.view), tree_size(self.view)
        if self._in_batch and self._edge is not None and self._edge[0] == size:
            nodes.added.update(self._edge[1])
        log = MerkleLog(nodes, size)
        if self._in_batch:
            self._batch_log = log
        return log

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        log = self._log()
        index, position = log.size, tracking.notification_id
        chain_hash, aggregate_id = domain_event.chain_hash, str(domain_event.originator_id)
        rows: list[EncodedRow] = [(NODE, f"{level}:{i}", "", position, f'{{"h":"{value.hex()}"}}')
                                  for level, i, value in log.append([(position, chain_hash)])]
        # Byte for byte canonical_json of each doc (keys sorted, no spaces).
        rows.append((LEAF, str(index), "", position,
                     f'{{"a":"{aggregate_id}","c":"{chain_hash}","n":{position},'
                     f'"t":{_type_name(cast(type, type(domain_event)))},'
                     f'"v":{domain_event.originator_version}}}'))
        rows.append((EVENT, str(domain_event.event_id), "", position, f'{{"i":{index}}}'))
        self.write(tracking, [Put(TREE, SIZE_KEY, {"size": log.size})], rows)
