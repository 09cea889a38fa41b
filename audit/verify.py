"""Whole-store verification for auditors: every chain, in notification order."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from domain.chain import GENESIS_HASH, BrokenLink, compute_hash


@dataclass(frozen=True)
class Seal:
    """A published head of the store: notification id and the running digest there."""

    notification_id: int
    digest: str


@dataclass
class VerifyReport:
    events_checked: int = 0
    aggregates: int = 0
    broken: BrokenLink | None = None
    broken_notification_id: int | None = None
    notification_gaps: list[tuple[int, int]] = field(default_factory=list)
    head: Seal = field(default_factory=lambda: Seal(0, GENESIS_HASH))
    seal_problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and self.seal_problem is None


def _decode(app: Application[Any], notification: Any) -> Any:
    return app.mapper.to_domain_event(notification)


def verify_store(app: Application[Any], *, batch_size: int = 1000, seal: Seal | None = None,
                 progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Walks the notification log once; stops at the first broken link.

    The running digest chains every event's hash in notification order, so a
    published seal also catches a deleted tail or a rewritten history.
    """
    report = VerifyReport()
    heads: dict[str, tuple[int, str]] = {}
    digest = GENESIS_HASH
    last_id = 0
    while True:
        notifications = app.recorder.select_notifications(last_id + 1, batch_size)
        if not notifications:
            break
        for n in notifications:
            if n.id != last_id + 1 and last_id:
                report.notification_gaps.append((last_id, n.id))
            broken = _check(app, n, heads)
            if broken is not None:
                report.broken, report.broken_notification_id = broken, n.id
                report.head = Seal(last_id, digest)
                return report
            digest = hashlib.sha256((digest + heads[str(n.originator_id)][1]).encode()).hexdigest()
            last_id = n.id
            report.events_checked += 1
            if seal is not None and n.id == seal.notification_id and digest != seal.digest:
                report.seal_problem = (f"the digest at notification {n.id} differs from the "
                                       f"seal: history up to the seal was rewritten")
        if progress is not None:
            progress(report.events_checked)
    report.aggregates = len(heads)
    report.head = Seal(last_id, digest)
    if seal is not None and last_id < seal.notification_id:
        report.seal_problem = (f"the store ends at notification {last_id}, before the seal at "
                               f"{seal.notification_id}: events were deleted")
    return report


def _check(app: Application[Any], notification: Any,
           heads: dict[str, tuple[int, str]]) -> BrokenLink | None:
    oid = str(notification.originator_id)
    version = int(notification.originator_version)
    try:
        event = _decode(app, notification)
    except Exception as exc:
        return BrokenLink(oid, version, f"stored event cannot be decoded: {exc}", "", "")
    last_version, last_hash = heads.get(oid, (0, GENESIS_HASH))
    if version != last_version + 1:
        return BrokenLink(oid, version, "version gap: an event is missing or reordered",
                          str(last_version + 1), str(version))
    prev_hash = getattr(event, "prev_hash", None)
    if prev_hash != last_hash:
        return BrokenLink(oid, version, "link to the previous event does not match",
                          last_hash, str(prev_hash))
    recomputed = compute_hash(event)
    if recomputed != event.chain_hash:
        return BrokenLink(oid, version, "content does not match its hash", recomputed,
                          event.chain_hash)
    heads[oid] = (version, event.chain_hash)
    return None
