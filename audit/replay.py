"""Auditor's operations over the log: replay into a fresh store, export a period.

Both only read the live store. Replay copies the stored events byte for byte (in
notification order) into a fresh store, verifies the hash chains there, projects
every read model from zero and compares digests with the live read models, each
at the position the live one has reached.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteConnection, SQLiteDatastore

from audit.verify import VerifyReport, verify_store
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from projections.audit_trail import audit_entry
from projections.base import ReadModelProjection, digest
from projections.read_models import ReadModels
from projections.runner import Progress, catch_up_together

# Payloads at rest may be encrypted or compressed: the copy must decode them alike.
CODEC_KEYS = ("CIPHER_TOPIC", "CIPHER_KEY", "COMPRESSOR_TOPIC")


@dataclass(frozen=True)
class ReplayComparison:
    projection: str
    live_position: int
    live_digest: str
    replayed_digest: str

    @property
    def matches(self) -> bool:
        return self.live_digest == self.replayed_digest


@dataclass(frozen=True)
class ReplayResult:
    events_copied: int
    verify: VerifyReport
    comparisons: list[ReplayComparison]

    @property
    def ok(self) -> bool:
        return self.verify.ok and all(c.matches for c in self.comparisons)


def unsynced(datastore: object) -> None:
    """Commits to a throw-away SQLite store stop waiting for the disk.

    Replay writes its fresh store in thousands of small transactions (one per catch-up
    batch), and at SQLite's default ``synchronous=FULL`` each one waits for an fsync of
    the WAL: about 20 ms per commit on the benchmark machine, more than the batch's
    inserts. The store is deleted afterwards, and a crash aborts the replay anyway.
    Other stores (PostgreSQL, memory) are left as they are.
    """
    if not isinstance(datastore, SQLiteDatastore):
        return
    pool = datastore.pool
    # eventsourcing sets no PRAGMAs but WAL: the open connections and every new one.
    for connection in list(pool._pool):
        connection._sqlite_conn.execute("PRAGMA synchronous = OFF")
    create = pool._create_connection

    def create_unsynced() -> SQLiteConnection:
        connection = create()
        connection._sqlite_conn.execute("PRAGMA synchronous = OFF")
        return connection

    pool._create_connection = create_unsynced  # type: ignore[method-assign]


def copy_log(source: Application[Any], target: Application[Any], *, batch_size: int = 1000,
             progress: Callable[[int], None] | None = None) -> list[int]:
    """Copies every stored event in notification order; returns the source ids in order
    (the k-th copied event gets notification id k in the fresh store)."""
    ids: list[int] = []
    while True:
        batch = source.recorder.select_notifications(
            ids[-1] if ids else 0, batch_size, inclusive_of_start=False)
        if not batch:
            return ids
        target.recorder.insert_events([
            StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
            for n in batch])
        ids.extend(n.id for n in batch)
        if progress is not None:
            progress(len(ids))


def replay(live_app: ArsplanStore, live_models: ReadModels, fresh_env: Mapping[str, str], *,
           copied: Callable[[int], None] | None = None,
           projected: Progress | None = None) -> ReplayResult:
    env = {**fresh_env, **{k: v for k, v in live_app.env.items() if k in CODEC_KEYS}}
    fresh_app = ArsplanStore(env=env)
    compared = [p for p in live_models.projections if p.compared_in_replay]
    fresh_models = ReadModels(env, [type(p) for p in compared])
    unsynced(getattr(fresh_app.recorder, "datastore", None))
    unsynced(fresh_models.datastore)
    try:
        ids = copy_log(live_app, fresh_app, progress=copied)
        report = verify_store(fresh_app)
        pairs = list(zip(compared, fresh_models.projections, strict=True))
        positions = {live.name: live.view.max_tracking_id(live_app.name) or 0
                     for live, _ in pairs}
        # Read models that the live side has at the same position are projected in one
        # pass over the copy (each notification decoded once for all of them).
        by_position: dict[int, list[ReadModelProjection]] = {}
        for live, fresh in pairs:
            by_position.setdefault(positions[live.name], []).append(fresh)
        for live_position, fresh_group in by_position.items():
            catch_up_together(fresh_app, fresh_group, until=bisect_right(ids, live_position),
                              progress=projected)
        comparisons = [ReplayComparison(live.name, positions[live.name], digest(live.view),
                                        digest(fresh.view)) for live, fresh in pairs]
        return ReplayResult(len(ids), report, comparisons)
    finally:
        fresh_models.close()
        fresh_app.close()


def period_entries(app: Application[Any], start: datetime, end: datetime, *,
                   batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Audit entries of the events recorded in [start, end), in recording order.

    Reads from the beginning (to learn each report's cycle) and stops at the
    first event recorded at or after ``end``.
    """
    report_cycles: dict[str, str] = {}
    position = 0
    while True:
        batch = app.recorder.select_notifications(position, batch_size,
                                                  inclusive_of_start=False)
        for notification in batch:
            event: Any = app.mapper.to_domain_event(notification)
            if event.timestamp >= end:
                return
            if isinstance(event, UnitReport.Opened):
                report_cycles[str(event.originator_id)] = str(event.cycle_id)
            position = notification.id
            if event.timestamp < start or not hasattr(event, "chain_hash"):
                continue
            cycle = (str(event.originator_id) if isinstance(event, Cycle.Event)
                     else report_cycles.get(str(event.originator_id)))
            yield audit_entry(event, cycle)
        if len(batch) < batch_size:
            return
