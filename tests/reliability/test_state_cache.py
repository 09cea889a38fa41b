"""Commands load their aggregate from a state cache: only new events are decoded, yet the
state is never stale, never shared, and equals the state rebuilt from every event."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain import commands as c
from domain.authority import acting_as
from domain.base import Cause
from domain.errors import ConcurrencyConflictError
from domain.unit_report import UnitReport
from infrastructure.eventstore.caches import StateCache
from infrastructure.eventstore.reads import StoreReads
from infrastructure.eventstore.store import STATE_CACHE_MAXSIZE
from infrastructure.settings import Settings
from tests.integration.projection_support import record_history
from tests.reliability.writers import EKHAGEN, OWNER, WHEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.engine import test_settings as defaults
from tests.support.org import build_organisation, von_delar_2022
from tests.support.stores import MEMORY_ENV
from tests.unit.von_delegation import FORVALTNINGSCHEF, ORDFORANDE, decide, load_von
from tests.unit.von_meetings import (
    add,
    ansla_protokoll,
    compile_anmalningslista,
    hold,
    justera,
    schedule,
)


@pytest.fixture
def warm(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    with von_delar_2022(durable_env, clock) as app:
        yield app


def _edit(value: str, expected_version: int | None = None) -> c.ChangeItem:
    return c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                        value=value, occurred_at=WHEN, expected_version=expected_version)


class DecodeCount:
    """Events decoded by the application's mapper (JSON and an object hook per value)."""

    def __init__(self, app: TestEngine) -> None:
        self.count = 0
        original = app.mapper.to_domain_event

        def counting(stored: Any) -> Any:
            self.count += 1
            return original(stored)

        app.mapper.to_domain_event = counting  # type: ignore[method-assign]


def test_a_command_decodes_only_the_events_recorded_since_the_last_read(
        warm: TestEngine) -> None:
    for n in range(30):
        warm.execute(_edit(f"Version {n}"), OWNER)
    decoded = DecodeCount(warm)
    warm.execute(_edit("Version 30"), OWNER)
    # The event the previous command wrote; not the report's 31 events.
    assert decoded.count == 1
    assert warm.get(EKHAGEN, UnitReport).version == 32


def test_a_change_by_another_application_counts_at_once(
        warm: TestEngine, durable_env: dict[str, str], clock: ManualClock) -> None:
    warm.execute(_edit("Anna's first"), OWNER)  # cached at this version
    other = TestEngine(env=durable_env, clock=clock)
    try:
        theirs = other.execute(_edit("written elsewhere"), OWNER)
    finally:
        other.close()
    report = warm.get(EKHAGEN, UnitReport)
    assert report.version == theirs.version
    assert report.items["mal-trygg-vard"].values["analys"] == "written elsewhere"
    with pytest.raises(ConcurrencyConflictError):
        warm.execute(_edit("stale", expected_version=theirs.version - 1), OWNER)
    assert warm.execute(_edit("fresh", expected_version=theirs.version), OWNER).version == (
        theirs.version + 1)


def test_every_caller_gets_its_own_copy(warm: TestEngine) -> None:
    warm.execute(_edit("Sparad text"), OWNER)
    first = warm.get(EKHAGEN, UnitReport)
    first.items["mal-trygg-vard"].values["analys"] = "changed in memory, never saved"
    first.status = "klarmarkerad"
    again = warm.get(EKHAGEN, UnitReport)
    assert again is not first
    assert again.items["mal-trygg-vard"].values["analys"] == "Sparad text"
    assert again.status == "pagar"


def test_a_refused_save_leaves_the_cached_state_as_stored(warm: TestEngine) -> None:
    version = warm.execute(_edit("Sparad text"), OWNER).version
    owner = acting_as(warm.organisation("VON"), OWNER, "enhetschef", "enh-ekhagen", WHEN)
    report = warm.get(EKHAGEN, UnitReport)
    report.change_item("mal-trygg-vard", "analys", "never stored",
                       Cause(owner, occurred_at=WHEN, recorded_at=warm.clock()))
    stale = warm.get(EKHAGEN, UnitReport)
    stale.change_item("mal-trygg-vard", "analys", "the winner",
                      Cause(owner, occurred_at=WHEN, recorded_at=warm.clock()))
    warm.save(stale)
    with pytest.raises(ConcurrencyConflictError):
        warm.save_changes(report)  # the same version again: refused by the store
    current = warm.get(EKHAGEN, UnitReport)
    assert current.version == version + 1
    assert current.items["mal-trygg-vard"].values["analys"] == "the winner"


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def _read_everything(app: TestEngine, ids: set[UUID]) -> None:
    """Caches every aggregate at its version now, for the next step to fast-forward."""
    for n in app.recorder.select_notifications(1, 100_000):
        ids.add(n.originator_id)
    for aggregate_id in ids:
        app._from_events(aggregate_id)


def _assert_cache_matches_rebuild(app: TestEngine, env: dict[str, str], ids: set[UUID],
                                  clock: ManualClock) -> None:
    cold = TestEngine(env={**env, STATE_CACHE_MAXSIZE: "0"}, clock=clock)
    try:
        assert ids and len(app._states) == len(ids)
        for aggregate_id in ids:
            assert _state(app._from_events(aggregate_id)) == _state(
                cold._from_events(aggregate_id)), aggregate_id
        assert len(cold._states) == 0
    finally:
        cold.close()


@contextmanager
def _checked_against_rebuild(env: dict[str, str], clock: ManualClock
                             ) -> Iterator[tuple[TestEngine, set[UUID]]]:
    """An application whose every cached aggregate is compared with its rebuild at the end."""
    app = TestEngine(env=env, clock=clock)
    ids: set[UUID] = set()
    try:
        yield app, ids
        _assert_cache_matches_rebuild(app, env, ids, clock)
    finally:
        app.close()


def test_cached_reports_cycles_and_organisation_equal_their_rebuild_from_every_event(
        durable_env: dict[str, str], clock: ManualClock) -> None:
    with _checked_against_rebuild(durable_env, clock) as (app, ids):
        record_history(app, clock, after_each=lambda _: _read_everything(app, ids))


def test_cached_delegation_and_meetings_equal_their_rebuild_from_every_event(
        durable_env: dict[str, str], clock: ManualClock) -> None:
    september = date(2022, 9, 27)
    at = datetime(2022, 9, 20, 8, tzinfo=UTC)
    with _checked_against_rebuild(durable_env, clock) as (app, ids):
        load_von(app)
        _read_everything(app, ids)
        decide(app, ORDFORANDE, "2.1.1", date(2022, 9, 1), laglighetsprovning=True)
        decide(app, FORVALTNINGSCHEF, "2.1.3", date(2022, 9, 2))
        _read_everything(app, ids)
        meeting = schedule(app, september)
        add(app, meeting, "2022.228 VON", "Redovisning av avvikelser")
        compile_anmalningslista(app, meeting, at)
        _read_everything(app, ids)
        hold(app, meeting)
        justera(app, meeting, date(2022, 9, 30))
        ansla_protokoll(app, meeting, date(2022, 10, 3), at)
        _read_everything(app, ids)


class Counter(Aggregate):
    """A stand-in aggregate: optionally holds something pickle cannot copy."""

    def __init__(self, with_lock: bool) -> None:
        self.value = 0
        self.lock = threading.Lock() if with_lock else None

    @event("Incremented")
    def increment(self) -> None:
        self.value += 1


@pytest.fixture
def plain() -> Iterator[Application[UUID]]:
    application: Application[UUID] = Application(env=MEMORY_ENV)
    yield application
    application.close()


def _counters(app: Application[UUID], count: int, with_lock: bool = False) -> list[UUID]:
    counters = [Counter(with_lock) for _ in range(count)]
    for counter in counters:
        counter.increment()
    app.save(*counters)
    return [counter.id for counter in counters]


def test_the_least_recently_used_aggregates_leave_the_cache_first(
        plain: Application[UUID]) -> None:
    first, second, third = _counters(plain, 3)
    cache = StateCache(StoreReads(plain.events, None), maxsize=2)
    cache.get(first)
    cache.get(second)
    cache.get(first)  # second is now the least recently used
    cache.get(third)
    assert len(cache) == 2
    decoded = []
    original = plain.mapper.to_domain_event
    plain.mapper.to_domain_event = lambda s: decoded.append(s) or original(s)  # type: ignore
    cache.get(first)
    assert decoded == [], "first is still cached"
    assert cache.get(second).value == 1
    assert len(decoded) == 2, "second was read from its two events again"


def test_size_zero_keeps_nothing_and_still_reads_the_store(plain: Application[UUID]) -> None:
    (counter,) = _counters(plain, 1)
    cache = StateCache(StoreReads(plain.events, None), maxsize=0)
    assert cache.get(counter).value == 1
    assert len(cache) == 0


def test_an_aggregate_pickle_cannot_copy_is_read_from_its_events(
        plain: Application[UUID]) -> None:
    (counter,) = _counters(plain, 1, with_lock=True)
    cache = StateCache(StoreReads(plain.events, None), maxsize=10)
    assert cache.get(counter).value == 1
    assert len(cache) == 0
    assert cache.get(counter).value == 1


def test_an_unknown_aggregate_is_none(plain: Application[UUID]) -> None:
    (counter,) = _counters(plain, 1)
    cache = StateCache(StoreReads(plain.events, None), maxsize=10)
    cache.get(counter)
    assert cache.get(UUID(int=counter.int + 1)) is None


def test_the_setting_reaches_the_application(tmp_path: Any) -> None:
    settings = Settings(event_store="sqlite", sqlite_path=tmp_path / "events.sqlite",
                        state_cache_maxsize=0)
    app = TestEngine(env=settings.eventsourcing_env())
    try:
        build_organisation(app)
        app.organisation("VON")
        assert len(app._states) == 0
    finally:
        app.close()
    # The default's store under tmp_path: Settings() alone would create var/ in the tree.
    default = defaults(sqlite_path=tmp_path / "default.sqlite")
    assert default.eventsourcing_env()[STATE_CACHE_MAXSIZE] == "10000"
