"""Group commit (PostgreSQL, SQLite): concurrent saves share one insert, and each caller
still gets exactly its own outcome (its ids, its conflict, its duplicate, or the batch's
failure)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    OperationalError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from application.bus import CommandResult
from audit.verify import verify_store
from domain import commands as c
from domain.command_identity import key_of
from domain.errors import ConcurrencyConflictError
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from infrastructure.eventstore.group_commit import GroupCommitRecorder
from infrastructure.settings import Settings
from tests.reliability.writers import WHEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, von_delar_2022
from tests.support.stores import MEMORY_ENV

OWNERS = {"enh-ekhagen": "anna", "enh-bjorkliden": "bertil", "enh-hemtjanst-norr": "cecilia"}
WAIT = 30.0


class Gate:
    """Stands in for the wrapped recorder's insert: counts the events of each insert, can
    hold the next insert until released, and can refuse chosen inserts before they write."""

    def __init__(self, inner: ApplicationRecorder) -> None:
        self.inner = inner
        self.inserts: list[int] = []  # events per insert, in order
        self.held = threading.Event()
        self.entered = threading.Event()
        self.released = threading.Event()
        self.released.set()
        self.failures: dict[int, BaseException] = {}  # insert number → refused with

    def hold(self) -> None:
        self.released.clear()
        self.held.set()

    def release(self) -> None:
        self.released.set()

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if self.held.is_set():
            self.held.clear()
            self.entered.set()
            assert self.released.wait(WAIT)
        self.inserts.append(len(stored_events))
        if (error := self.failures.get(len(self.inserts) - 1)) is not None:
            raise error  # before anything is written
        return self.inner.insert_events(stored_events, **kwargs)

    def __getattr__(self, name: str) -> Any:  # reads: the real recorder's
        return getattr(self.inner, name)


@pytest.fixture
def durable_app(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    with von_delar_2022(durable_env, clock) as app:
        yield app


def gated(app: TestEngine) -> tuple[GroupCommitRecorder, Gate]:
    recorder = app.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    gate = Gate(recorder.inner)
    recorder.inner = gate  # type: ignore[assignment]
    return recorder, gate


def report(unit_id: str) -> UUID:
    return unit_report_id(CYCLE, unit_id)


def change(app: TestEngine, unit_id: str, value: str) -> CommandResult:
    return app.execute(edit(unit_id, value), OWNERS[unit_id])


def edit(unit_id: str, value: str, *, command_id: str | None = None,
         expected_version: int | None = None) -> c.ChangeItem:
    return c.ChangeItem(command_id=command_id or str(uuid4()), report_id=report(unit_id),
                        item_id="mal-trygg-vard", field="analys", value=value,
                        occurred_at=WHEN, expected_version=expected_version)


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def one_batch(app: TestEngine, calls: Sequence[Callable[[], Any]],
              fail: dict[int, BaseException] | None = None) -> list[Future[Any]]:
    """Holds a first write in the insert, queues ``calls`` behind it, then lets go: the
    queued calls are written by the next leader in one insert (insert number 1)."""
    recorder, gate = gated(app)
    gate.failures = fail or {}
    gate.hold()
    pool = ThreadPoolExecutor(max_workers=len(calls) + 1)
    first = pool.submit(app.execute, edit("enh-hemtjanst-norr", "först"), "cecilia")
    assert gate.entered.wait(WAIT)
    futures = [pool.submit(call) for call in calls]
    wait_until(lambda: recorder.waiting == len(calls))
    gate.release()
    pool.shutdown(wait=True)
    assert first.result().version == 2
    return futures


# Batching


def test_concurrent_callers_share_inserts_with_gap_free_ids_in_their_order(
        durable_env: dict[str, str]) -> None:
    app = TestEngine(env=durable_env)
    try:
        recorder, gate = gated(app)
        threads, per_thread = 8, 25
        barrier = threading.Barrier(threads)

        def caller(n: int) -> list[tuple[StoredEvent, int]]:
            written: list[tuple[StoredEvent, int]] = []
            barrier.wait(WAIT)
            for k in range(per_thread):
                # Two events per save, like an aggregate and the one it also changed.
                events = [StoredEvent(uuid4(), 1, "t", f"{n}/{k}/{i}".encode()) for i in range(2)]
                ids = app.recorder.insert_events(events)
                assert ids is not None and len(ids) == 2
                written += zip(events, ids, strict=True)
            return written

        with ThreadPoolExecutor(max_workers=threads) as pool:
            written = [w for f in [pool.submit(caller, n) for n in range(threads)]
                       for w in f.result()]
        total = threads * per_thread * 2
        assert sorted(i for _, i in written) == list(range(1, total + 1)), "gap-free"
        by_id = {n.id: n for n in app.recorder.select_notifications(1, total + 10)}
        for event, notification_id in written:
            stored = by_id[notification_id]
            assert (stored.originator_id, stored.state) == (event.originator_id, event.state)
        assert len(gate.inserts) < threads * per_thread, "some inserts carried several saves"
        assert recorder.largest_batch > 1
        assert sum(gate.inserts) == total
    finally:
        app.close()


def test_commands_from_threads_all_recorded_and_chained(durable_app: TestEngine) -> None:
    _, gate = gated(durable_app)
    rounds = 20

    def chef(unit_id: str) -> list[CommandResult]:
        return [durable_app.execute(edit(unit_id, f"{unit_id} {r}"), OWNERS[unit_id])
                for r in range(rounds)]

    with ThreadPoolExecutor(max_workers=len(OWNERS)) as pool:
        results = {u: f.result() for u, f in
                   [(u, pool.submit(chef, u)) for u in OWNERS]}
    for unit_id, outcomes in results.items():
        assert [r.version for r in outcomes] == list(range(2, 2 + rounds))
        assert durable_app.get(report(unit_id), UnitReport).version == 1 + rounds
    assert sum(gate.inserts) == len(OWNERS) * rounds
    assert verify_store(durable_app).ok


def test_a_caller_alone_writes_at_once(durable_app: TestEngine) -> None:
    recorder, gate = gated(durable_app)
    for r in range(5):
        durable_app.execute(edit("enh-ekhagen", f"v{r}"), "anna")
    assert gate.inserts == [1] * 5
    assert recorder.waiting == 0


# One caller's conflict is that caller's alone


def test_same_version_in_one_batch_one_wins_the_others_recorded(durable_app: TestEngine) -> None:
    version = durable_app.get(report("enh-ekhagen"), UnitReport).version

    def contender(n: int) -> Callable[[], CommandResult]:
        return lambda: durable_app.execute(
            edit("enh-ekhagen", f"bud {n}", expected_version=version), "anna")

    bystander = partial(change, durable_app, "enh-bjorkliden", "annat")
    futures = one_batch(durable_app, [contender(1), bystander, contender(2)])
    gate = durable_app.recorder.inner  # type: ignore[attr-defined]
    assert gate.inserts[:2] == [1, 3], "the three queued saves went in one insert"
    won = [f for f in (futures[0], futures[2]) if f.exception() is None]
    lost = [f for f in (futures[0], futures[2]) if f.exception() is not None]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0].exception(), ConcurrencyConflictError)
    assert won[0].result().version == version + 1
    assert futures[1].result().version == 2
    assert durable_app.get(report("enh-ekhagen"), UnitReport).version == version + 1
    assert durable_app.get(report("enh-bjorkliden"), UnitReport).version == 2
    assert verify_store(durable_app).ok


def test_duplicate_delivery_in_one_batch_is_recorded_once(durable_app: TestEngine) -> None:
    command = edit("enh-ekhagen", "en gång", command_id="leverans-1")
    deliver = partial(durable_app.execute, command, "anna")
    futures = one_batch(durable_app, [deliver, deliver])
    outcomes = sorted((f.result().duplicate, f.result().version) for f in futures)
    assert outcomes == [(False, 2), (True, 2)]
    ids = [key_of(e.command_id) for e in durable_app.aggregate_events(report("enh-ekhagen"))]
    assert ids.count("leverans-1") == 1


def test_saves_with_a_tracking_record_are_not_batched(durable_app: TestEngine) -> None:
    # A process application's tracking record belongs to its own transaction.
    recorder, gate = gated(durable_app)
    batches = recorder.batches
    gate.hold()
    with ThreadPoolExecutor(max_workers=2) as pool:
        held = pool.submit(change, durable_app, "enh-hemtjanst-norr", "först")
        assert gate.entered.wait(WAIT)
        events = [StoredEvent(uuid4(), 1, "t", b"{}")]
        tracked = pool.submit(recorder.insert_events, events, tracking=Tracking("upstream", 7))
        ids = tracked.result(timeout=WAIT)  # not queued behind the held insert
        assert ids and recorder.waiting == 0
        gate.release()
        assert held.result().version == 2
    assert gate.inserts == [1, 1] and recorder.batches == batches + 1


# A failed insert is nobody's success


def test_connection_error_reaches_every_caller_of_the_batch(durable_app: TestEngine) -> None:
    calls = [partial(change, durable_app, u, "borta") for u in ("enh-ekhagen", "enh-bjorkliden")]
    lost = OperationalError("server closed the connection unexpectedly")
    futures = one_batch(durable_app, calls, fail={1: lost})
    gate = durable_app.recorder.inner  # type: ignore[attr-defined]
    assert gate.inserts == [1, 2], "one insert for the batch, not retried caller by caller"
    for f in futures:
        assert f.exception() is lost, "no success for unwritten events"
    for unit_id in ("enh-ekhagen", "enh-bjorkliden"):
        assert durable_app.get(report(unit_id), UnitReport).version == 1, "nothing written"
    assert verify_store(durable_app).ok


def test_integrity_error_of_the_batch_retries_each_caller_alone(durable_app: TestEngine) -> None:
    # Refused as a whole (as when one caller's version is taken): nobody's in particular.
    calls = [partial(change, durable_app, u, "sen") for u in ("enh-ekhagen", "enh-bjorkliden")]
    futures = one_batch(durable_app, calls, fail={1: IntegrityError("injected")})
    gate = durable_app.recorder.inner  # type: ignore[attr-defined]
    assert gate.inserts == [1, 2, 1, 1], "the batch of two, then each alone"
    assert [f.result().version for f in futures] == [2, 2]
    assert verify_store(durable_app).ok


# Configuration


def test_on_by_default_on_disk_and_in_postgres_and_can_be_turned_off(
        durable_env: dict[str, str]) -> None:
    on = TestEngine(env=durable_env)
    off = TestEngine(env={**durable_env, "GROUP_COMMIT": "n"})
    memory = TestEngine(env=dict(MEMORY_ENV))
    try:
        assert isinstance(on.recorder, GroupCommitRecorder)
        assert on.events.recorder is on.recorder
        assert isinstance(off.recorder, PostgresApplicationRecorder | SQLiteApplicationRecorder)
        assert not isinstance(memory.recorder, GroupCommitRecorder)
    finally:
        for app in (on, off, memory):
            app.close()


def test_off_through_the_arsplan_variable(durable_env: dict[str, str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSPLAN_GROUP_COMMIT", "n")
    app = TestEngine(env=durable_env)
    try:
        assert not isinstance(app.recorder, GroupCommitRecorder)
    finally:
        app.close()


def test_the_setting_reaches_the_application(durable_env: dict[str, str]) -> None:
    setting = Settings(event_store="postgres", group_commit=False).eventsourcing_env()
    app = TestEngine(env={**durable_env, "GROUP_COMMIT": setting["GROUP_COMMIT"]})
    try:
        assert not isinstance(app.recorder, GroupCommitRecorder)
    finally:
        app.close()
    assert Settings(event_store="postgres").eventsourcing_env()["GROUP_COMMIT"] == "y"


def test_reads_go_to_the_wrapped_recorder(durable_app: TestEngine) -> None:
    recorder = durable_app.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    head = recorder.max_notification_id()
    assert head and head == recorder.inner.max_notification_id()
    notifications = recorder.select_notifications(1, 3)
    assert [n.id for n in notifications] == [1, 2, 3]
    assert recorder.select_events(notifications[0].originator_id, limit=1)
    assert recorder.datastore is recorder.inner.datastore  # type: ignore[attr-defined]
