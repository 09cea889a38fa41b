"""Whole-store verification for auditors: every chain, the log's tree, the seals, the snapshots.

One walk over the notification log, in order:

- each event's chain: its version follows the aggregate's last, it links to the previous
  event's hash, its content gives its own hash;
- the Merkle root over every event (leaf = notification id and chain hash, as in the
  transparency log): a published seal (tree size, root) must equal the root over the
  store's first ``tree_size`` events, so a deleted event, a deleted tail or a history
  rewritten with recomputed hashes all fail against it;
- the live transparency log, when given: its root must be the store's, and where it is
  not, the first leaf whose event is missing or changed is named;
- every snapshot: it must be the state the events give at its version.

Each failure names the event type, the aggregate, the version and the notification id.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Snapshot

from audit.chain_walk import ChainWalk, Seal, VerifyReport, check_link, head_of, type_name
from domain.merkle import CompactRange, leaf_data, leaf_hash
from projections.base import ReadModelView
from projections.transparency_log import leaf_event, tree, tree_size

# Idempotency bookkeeping, derived from the events and normalised differently by older
# versions: not part of what a snapshot must reproduce.
SNAPSHOT_BOOKKEEPING = frozenset({"_command_versions", "_command_fingerprints"})

__all__ = ["ChainWalk", "IncrementalVerifier", "Seal", "VerifyReport", "verify_store"]


def verify_store(app: Application[Any], *, batch_size: int = 1000,
                 seal: Seal | None = None, seals: Iterable[Seal] = (),
                 log_view: ReadModelView | None = None, check_snapshots: bool = True,
                 progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Walks the whole log once; stops at the first broken link."""
    walk = ChainWalk(app.mapper, [*seals, *([seal] if seal else [])])
    while notifications := app.recorder.select_notifications(walk.last_id + 1, batch_size):
        walk.check_all(notifications)
        if walk.broken:
            return walk.report
        if progress is not None:
            progress(walk.report.events_checked)
    report = walk.finish()
    if log_view is not None:
        report.log_problem = _compare_with_log(app, log_view, report.head, batch_size)
    if check_snapshots and getattr(app, "snapshots", None) is not None:
        report.snapshot_problem = _check_snapshots(app, walk.heads)
    return report


def _compare_with_log(app: Application[Any], view: ReadModelView, head: Seal,
                      batch_size: int) -> str | None:
    """Compares the store with the transparency log; names the first leaf that differs."""
    logged = tree_size(view)
    common = min(logged, head.tree_size)
    if common and tree(view).root(common).hex() == _prefix_root(app, common, batch_size):
        if logged <= head.tree_size:
            return None  # the log may lag the store; it never leads it
        missing = leaf_event(view, head.tree_size)
        return _missing(missing, "is in the transparency log but not in the store")
    index = 0
    last_id = 0
    while True:
        notifications = app.recorder.select_notifications(last_id + 1, batch_size)
        for n in notifications:
            logged_leaf = leaf_event(view, index)
            if logged_leaf is None:
                return None
            event: Any = app.mapper.to_domain_event(n)
            if (logged_leaf.notification_id, logged_leaf.chain_hash) != (n.id, event.chain_hash):
                return _missing(logged_leaf, "differs from the store's event at that place, or "
                                             "is missing from the store")
            index += 1
            last_id = n.id
        if not notifications:
            return _missing(leaf_event(view, index),
                            "is in the transparency log but not in the store")


def _prefix_root(app: Application[Any], size: int, batch_size: int) -> str:
    prefix = CompactRange()
    last_id = 0
    while prefix.size < size:
        notifications = app.recorder.select_notifications(last_id + 1, batch_size)
        if not notifications:
            break
        for n in notifications[:size - prefix.size]:
            event: Any = app.mapper.to_domain_event(n)
            prefix.append(leaf_hash(leaf_data(n.id, event.chain_hash)))
            last_id = n.id
    return prefix.root().hex()


def _missing(leaf: Any, what: str) -> str:
    if leaf is None:
        return f"the transparency log is longer than the store: an event {what}"
    return (f"{leaf.event_type} of aggregate {leaf.aggregate_id} version {leaf.version} "
            f"(notification {leaf.notification_id}, leaf {leaf.index}) {what}")


def _check_snapshots(app: Application[Any], heads: dict[str, tuple[int, str]]) -> str | None:
    snapshots: Any = getattr(app, "snapshots", None)
    for oid in heads:
        for snapshot in snapshots.get(_uuid(oid)):
            problem = _check_snapshot(app, snapshot)
            if problem is not None:
                return problem
    return None


def _check_snapshot(app: Application[Any], snapshot: Any) -> str | None:
    version = snapshot.originator_version
    where = (f"the snapshot of {type_name(snapshot.topic)} {snapshot.originator_id} at version "
             f"{version}")
    events: list[Any] = list(app.events.get(snapshot.originator_id, lte=version))
    if not events or events[-1].originator_version != version:
        return f"{where} has no event at its version"
    if snapshot.state.get("_last_hash") != events[-1].chain_hash:
        return f"{where} does not match its chain hash"
    replayed: Any = None
    for event in events:
        replayed = event.mutate(replayed)
    expected = Snapshot.take(replayed).state
    transcoder = app.mapper.transcoder
    for key, value in snapshot.state.items():
        if key in SNAPSHOT_BOOKKEEPING:
            continue
        if key not in expected or transcoder.encode(value) != transcoder.encode(expected[key]):
            return f"{where} differs from its events in {key!r}"
    return None


def _uuid(oid: str) -> UUID:
    return UUID(oid)


class IncrementalVerifier:
    """Verifies the live store from where it last stopped (the API's ``/api/verify``).

    The events recorded since are checked against their aggregates' last verified hashes
    and added to the tree; the transparency log must still hold the verified root at the
    verified size. A rewrite of events already verified is found by the full walk
    (``arsplan verify``), not here.
    """

    def __init__(self, app: Application[Any], log_view: ReadModelView | None = None) -> None:
        self.app = app
        self.log_view = log_view
        self._heads: dict[str, tuple[int, str]] = {}
        self._tree = CompactRange()
        self._last_id = 0
        self._failed: VerifyReport | None = None
        self._lock = threading.Lock()

    def verify(self, batch_size: int = 1000) -> VerifyReport:
        with self._lock:
            if self._failed is not None:
                return self._failed  # a broken link stays broken
            report = VerifyReport()
            while True:
                notifications = self.app.recorder.select_notifications(self._last_id + 1,
                                                                       batch_size)
                for n in notifications:
                    event, broken = check_link(self.app.mapper, n, self._heads)
                    if broken is not None:
                        report.broken, report.broken_notification_id = broken, n.id
                        self._failed = self._finish(report)
                        return self._failed
                    self._tree.append(leaf_hash(leaf_data(n.id, event.chain_hash)))
                    self._last_id = n.id
                if len(notifications) < batch_size:
                    break
            report = self._finish(report)
            if self.log_view is not None:
                report.log_problem = self._log_problem()
            if not report.ok:
                self._failed = report
            return report

    def _finish(self, report: VerifyReport) -> VerifyReport:
        report.events_checked = self._tree.size
        report.aggregates = len(self._heads)
        report.head = head_of(self._tree)
        return report

    def _log_problem(self) -> str | None:
        assert self.log_view is not None
        logged = tree_size(self.log_view)
        if logged < self._tree.size or self._tree.size == 0:
            return None  # the log lags the store; the next call compares
        if tree(self.log_view).root(self._tree.size) != self._tree.root():
            return ("the transparency log's root differs from the store's at "
                    f"{self._tree.size} events: run `arsplan verify` to find where")
        if logged > self._tree.size:
            newer = self.app.recorder.select_notifications(self._last_id + 1, 1)
            if not newer:  # the log leads the store: events were deleted from it
                return _missing(leaf_event(self.log_view, self._tree.size),
                                "is in the transparency log but not in the store")
        return None
