"""A command reads its aggregate and its nämnd's organisation in one round trip where the
store can (PostgreSQL), without losing what a fresh read of the organisation guarantees."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

import infrastructure.eventstore.read_together as read_together
from domain.base import Actor, Cause
from domain.errors import NotAuthorisedError
from domain.ids import organisation_id
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from infrastructure.eventstore.reads import StoreReads
from tests.reliability.test_state_cache import _edit
from tests.reliability.writers import EKHAGEN, OWNER, WHEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import von_delar_2022
from tests.support.stores import postgres_schema_env, skip_without_postgres

ORG = organisation_id("VON")


@pytest.fixture
def warm(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    with von_delar_2022(durable_env, clock) as app:
        app.execute(_edit("Första versionen"), OWNER)  # report and organisation cached
        yield app


class Reads:
    """Every read of stored events: one aggregate at a time, and several together."""

    def __init__(self, app: TestEngine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.single: list[Any] = []
        self.together: list[list[Any]] = []
        single, together = app.recorder.select_events, read_together._select_postgres

        def counting_single(originator_id: Any, **kwargs: Any) -> Any:
            self.single.append(originator_id)
            return single(originator_id, **kwargs)

        def counting_together(recorder: Any, requests: Any) -> Any:
            self.together.append([aggregate_id for aggregate_id, _ in requests])
            return together(recorder, requests)

        monkeypatch.setattr(app.recorder, "select_events", counting_single)
        monkeypatch.setattr(read_together, "_select_postgres", counting_together)


@pytest.mark.postgres
def test_a_command_on_postgresql_reads_its_report_and_organisation_in_one_statement(
        clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite answers in process, so there each aggregate is read on its own.
    skip_without_postgres()
    with postgres_schema_env() as env, von_delar_2022(env, clock) as app:
        app.execute(_edit("Första versionen"), OWNER)
        reads = Reads(app, monkeypatch)
        app.execute(_edit("Andra versionen"), OWNER)
    assert reads.together == [[ORG, EKHAGEN]]
    assert reads.single == []


def test_a_role_ended_by_another_process_is_refused_at_once_when_read_together(
        warm: TestEngine, durable_env: dict[str, str], clock: ManualClock) -> None:
    other = TestEngine(env=durable_env, clock=clock)
    try:
        org = other.get(ORG, Organisation)
        org.end_role("a1", date(2022, 8, 14), Cause(Actor.system("import"), WHEN))
        other.save(org)
    finally:
        other.close()
    with pytest.raises(NotAuthorisedError):
        warm.execute(_edit("Efter att rollen upphört"), OWNER)
    assert warm.get(EKHAGEN, UnitReport).items["mal-trygg-vard"].values["analys"] == (
        "Första versionen")


def _grouped(stored: Any) -> dict[UUID, list[tuple[int, str, bytes]]]:
    grouped: dict[UUID, list[tuple[int, str, bytes]]] = defaultdict(list)
    for s in stored:
        key = s.originator_id if isinstance(s.originator_id, UUID) else UUID(s.originator_id)
        grouped[key].append((s.originator_version, s.topic, bytes(s.state)))
    return dict(grouped)


def test_reading_together_returns_what_reading_one_by_one_returns(warm: TestEngine) -> None:
    org_version = warm.organisation("VON").version
    report_version = warm.get(EKHAGEN, UnitReport).version
    unknown = UUID(int=7)
    requests: list[tuple[UUID, int | None]] = [
        (ORG, org_version - 3), (EKHAGEN, None), (unknown, None)]
    together = read_together.select_events_after(warm.recorder, requests)
    one_by_one = [e for i, after in requests for e in warm.recorder.select_events(i, gt=after)]
    assert _grouped(together) == _grouped(one_by_one)
    assert [v for v, _, _ in _grouped(together)[EKHAGEN]] == list(range(1, report_version + 1))
    assert len(_grouped(together)[ORG]) == 3
    assert read_together.select_events_after(
        warm.recorder, [(ORG, org_version), (EKHAGEN, report_version)]) == []


class TestStoreReads:
    def test_a_companion_is_taken_from_the_scope_only_at_the_version_it_was_read_after(
            self, warm: TestEngine) -> None:
        calls: list[list[tuple[UUID, int | None]]] = []

        def select_after(requests: Any) -> Any:
            calls.append(list(requests))
            return read_together.select_events_after(warm.recorder, requests)

        reads = StoreReads(warm.events, select_after)
        org_version = warm.organisation("VON").version
        with reads.scope():
            mine = reads.together(EKHAGEN, None, {ORG: org_version - 2})
            assert [e.originator_version for e in mine][:2] == [1, 2]
            assert len(reads.after(ORG, org_version - 2)) == 2  # waiting: no round trip
            assert len(calls) == 1
            assert len(reads.after(ORG, org_version - 2)) == 2  # taken once; read again
        with reads.scope():
            reads.together(EKHAGEN, None, {ORG: org_version - 2})
            assert reads.after(ORG, org_version) == []  # another version: asks the store
        assert len(calls) == 2

    def test_outside_a_scope_nothing_is_read_ahead(self, warm: TestEngine) -> None:
        def refuse(requests: Any) -> Any:
            raise AssertionError("read together outside a command's scope")

        reads = StoreReads(warm.events, refuse)
        assert reads.together(EKHAGEN, None, {ORG: 0})
        with reads.scope(), reads.scope():  # a nested scope is the outer one
            pass
        with reads.scope():
            with reads.scope():
                pass
            with pytest.raises(AssertionError):
                reads.together(EKHAGEN, None, {ORG: 0})


def test_a_companion_goes_along_once_per_scope(warm: TestEngine) -> None:
    calls: list[list[UUID]] = []

    def select_after(requests: Any) -> Any:
        calls.append([aggregate_id for aggregate_id, _ in requests])
        return read_together.select_events_after(warm.recorder, requests)

    reads = StoreReads(warm.events, select_after)
    other = UUID(int=11)
    with reads.scope():
        reads.together(EKHAGEN, None, {ORG: 0})
        reads.together(other, None, {ORG: 0})  # e.g. the reports below an avdelning's
    assert calls == [[ORG, EKHAGEN]]
