"""One walk over the notification log, in order: the chain links, the tree, the seals.

``audit.verify.verify_store`` feeds it from a store; ``audit.replay`` feeds it the
notifications it copies, so that each is read and decoded once for the copy, the check
and the read models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Mapper, Notification

from domain.chain import GENESIS_HASH, BrokenLink, compute_hash
from domain.merkle import CompactRange, leaf_data, leaf_hash


@dataclass(frozen=True)
class Seal:
    """A published head of the log: the root over its first ``tree_size`` events."""

    tree_size: int
    root_hash: str


@dataclass
class VerifyReport:
    events_checked: int = 0
    aggregates: int = 0
    broken: BrokenLink | None = None
    broken_notification_id: int | None = None
    notification_gaps: list[tuple[int, int]] = field(default_factory=list)
    head: Seal = field(default_factory=lambda: Seal(0, GENESIS_HASH))
    seal_problem: str | None = None
    log_problem: str | None = None
    snapshot_problem: str | None = None

    @property
    def ok(self) -> bool:
        return (self.broken is None and self.seal_problem is None and self.log_problem is None
                and self.snapshot_problem is None)

    def problems(self) -> list[str]:
        found = []
        if self.broken is not None:
            b = self.broken
            found.append(f"{b.event_type or 'event'} of aggregate {b.originator_id} version "
                         f"{b.originator_version} (notification {self.broken_notification_id})"
                         f": {b.reason}")
        found += [p for p in (self.seal_problem, self.log_problem, self.snapshot_problem) if p]
        return found


def type_name(topic: str) -> str:
    return topic.partition(":")[2] or topic


class ChainWalk:
    """Each event's chain link (its version follows the aggregate's last, it links to the
    previous hash, its content gives its hash), the tree over every event, the seals."""

    def __init__(self, mapper: Mapper[Any], seals: Iterable[Seal] = ()) -> None:
        self.mapper = mapper
        self.report = VerifyReport()
        self.expected = {s.tree_size: s for s in seals}
        self.heads: dict[str, tuple[int, str]] = {}
        self.tree = CompactRange()
        self.last_id = 0

    @property
    def broken(self) -> bool:
        return self.report.broken is not None

    def check_all(self, notifications: Iterable[Notification]) -> None:
        """Checks the notifications in order, up to the first broken link (then stops for
        good, the report's head at the events before it)."""
        if self.broken:
            return
        report, tree, expected = self.report, self.tree, self.expected
        for n in notifications:
            if n.id != self.last_id + 1 and self.last_id:
                report.notification_gaps.append((self.last_id, n.id))
            event, broken = check_link(self.mapper, n, self.heads)
            if broken is not None:
                report.broken, report.broken_notification_id = broken, n.id
                report.head = head_of(tree)
                return
            tree.append(leaf_hash(leaf_data(n.id, event.chain_hash)))
            self.last_id = n.id
            report.events_checked += 1
            sealed = expected.get(tree.size) if expected else None
            if sealed is not None and tree.root().hex() != sealed.root_hash:
                report.seal_problem = report.seal_problem or (
                    f"the log's first {sealed.tree_size} events differ from the sealed ones "
                    f"(root {tree.root().hex()}, sealed {sealed.root_hash}): the history "
                    "up to the seal was changed")

    def finish(self) -> VerifyReport:
        """The report after the last event: aggregates, head, seals beyond the log."""
        report, tree = self.report, self.tree
        if self.broken:
            return report
        report.aggregates = len(self.heads)
        report.head = head_of(tree)
        beyond = [s for s in self.expected.values() if s.tree_size > tree.size]
        if beyond and report.seal_problem is None:
            sealed = min(beyond, key=lambda s: s.tree_size)
            report.seal_problem = (f"the store holds {tree.size} events, but a seal covers "
                                   f"{sealed.tree_size}: events were deleted")
        return report


def head_of(tree_so_far: CompactRange) -> Seal:
    if tree_so_far.size == 0:
        return Seal(0, GENESIS_HASH)
    return Seal(tree_so_far.size, tree_so_far.root().hex())


def check_link(mapper: Mapper[Any], notification: Any,
               heads: dict[str, tuple[int, str]]) -> tuple[Any, BrokenLink | None]:
    """Decodes the event and checks its link to the aggregate's last verified event."""
    oid = str(notification.originator_id)
    version = int(notification.originator_version)
    try:
        event: Any = mapper.to_domain_event(notification)
    except Exception as exc:
        return None, _broken(notification, f"stored event cannot be decoded: {exc}", "", "")
    last_version, last_hash = heads.get(oid, (0, GENESIS_HASH))
    if version != last_version + 1:
        return event, _broken(notification, "version gap: an event is missing or reordered",
                              str(last_version + 1), str(version))
    prev_hash = getattr(event, "prev_hash", None)
    if prev_hash != last_hash:
        return event, _broken(notification, "link to the previous event does not match",
                              last_hash, str(prev_hash))
    recomputed = compute_hash(event)
    if recomputed != event.chain_hash:
        return event, _broken(notification, "content does not match its hash", recomputed,
                              event.chain_hash)
    heads[oid] = (version, event.chain_hash)
    return event, None


def _broken(notification: Any, reason: str, expected: str, found: str) -> BrokenLink:
    return BrokenLink(str(notification.originator_id), int(notification.originator_version),
                      reason, expected, found, type_name(notification.topic))
