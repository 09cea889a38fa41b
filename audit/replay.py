"""Auditor's operations over the log: replay into a fresh store, export a period.

Both only read the live store. Replay copies the stored events byte for byte (in
notification order) into a fresh store, verifies the hash chains of the copy, projects
every read model from zero and compares digests with the live read models, each
at the position the live one has reached. It does all of that in one pass over the log.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteConnection, SQLiteDatastore

from audit.chain_walk import ChainWalk, VerifyReport
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from projections.audit_trail import audit_entry
from projections.base import SharedDecode, digest
from projections.read_models import ReadModels
from projections.runner import JointBatches, Progress

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
           projected: Progress | None = None, batch_size: int = 1000) -> ReplayResult:
    """One pass over the live log: each batch of notifications is read once, written to
    the fresh store in one insert, and numbered as the fresh store numbers it (the k-th
    copied event is notification k there); each event is decoded once, for the chain
    walk and for every read model. The fresh store holds no snapshots (only events are
    copied), so its verify has none to check."""
    env = {**fresh_env, **{k: v for k, v in live_app.env.items() if k in CODEC_KEYS}}
    fresh_app = ArsplanStore(env=env)
    compared = [p for p in live_models.projections if p.compared_in_replay]
    fresh_models = ReadModels(env, [type(p) for p in compared])
    unsynced(getattr(fresh_app.recorder, "datastore", None))
    unsynced(fresh_models.datastore)
    try:
        if fresh_app.recorder.max_notification_id():
            raise ValueError(f"replay needs an empty store to copy into: {_where(env)} "
                             "already holds events")
        positions = [live.view.max_tracking_id(live_app.name) or 0 for live in compared]
        mapper = SharedDecode(fresh_app.mapper)
        walk = ChainWalk(mapper)
        head = live_app.recorder.max_notification_id() or 0
        count = last = 0
        with JointBatches(fresh_app.name, fresh_models.projections, head=head,
                          progress=projected) as joint:
            while batch := live_app.recorder.select_notifications(last, batch_size,
                                                                  inclusive_of_start=False):
                fresh_app.recorder.insert_events([
                    StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                    for n in batch])
                renumbered = _renumbered(batch, count)
                mapper.forget()
                walk.check_all(renumbered)
                # Each fresh read model up to its live twin's position, in the copy's ids.
                source_ids = [n.id for n in batch]
                joint.apply(renumbered, mapper, more=len(batch) == batch_size,
                            until=[count + bisect_right(source_ids, p) for p in positions])
                count, last = count + len(batch), batch[-1].id
                if copied is not None:
                    copied(count)
            joint.finish()
        comparisons = [ReplayComparison(live.name, position, digest(live.view),
                                        digest(fresh.view))
                       for live, fresh, position in zip(compared, fresh_models.projections,
                                                        positions, strict=True)]
        return ReplayResult(count, walk.finish(), comparisons)
    finally:
        fresh_models.close()
        fresh_app.close()


def _where(env: Mapping[str, str]) -> str:
    return env.get("SQLITE_DBNAME") or env.get("POSTGRES_SCHEMA") or "the store"


def _renumbered(batch: Sequence[Notification], count: int) -> Sequence[Notification]:
    """The batch as the fresh store numbers it, after ``count`` copied events (ids rise, so
    a batch whose first and last ids are already those needs no new notifications)."""
    if batch[0].id == count + 1 and batch[-1].id == count + len(batch):
        return batch
    return [Notification(id=count + k, originator_id=n.originator_id,
                         originator_version=n.originator_version, topic=n.topic, state=n.state)
            for k, n in enumerate(batch, 1)]


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
