"""Many writers on one report: one write per version wins, and the result is a serial history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from audit.verify import verify_store
from domain.command_identity import key_of
from domain.unit_report import UnitReport
from tests.reliability.writers import (
    CONFLICT,
    EKHAGEN,
    OWNER,
    RECORDED,
    Attempt,
    envelope_free,
    race_in_processes,
    race_in_threads,
    winners,
)
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022
from tests.support.stores import MEMORY_ENV

WRITERS = 6
ROUNDS = 8


def _opened(env: dict[str, str], clock: ManualClock) -> TestEngine:
    app = TestEngine(env=env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    return app


@pytest.fixture
def raced_app(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    app = _opened(durable_env, clock)
    yield app
    app.close()


def _serial_replay(winning: list[Attempt], clock: ManualClock) -> TestEngine:
    """The winners' commands, one after another, in a fresh store."""
    app = _opened(dict(MEMORY_ENV), ManualClock(clock.now))
    for a in winning:
        app.execute(a.command.model_copy(update={"expected_version": None}), OWNER)
    return app


def _assert_serialisable(app: TestEngine, attempts: list[Attempt], clock: ManualClock) -> None:
    winning = winners(attempts)
    assert [a.version for a in winning] == list(range(2, 2 + len(winning))), \
        "each version is won by exactly one write, with no gaps"
    raced = app.get(EKHAGEN, UnitReport)
    assert raced.version == 1 + len(winning)
    recorded_ids = [key_of(e.command_id) for e in app.aggregate_events(EKHAGEN)][1:]
    assert recorded_ids == [a.command.command_id for a in winning]
    assert verify_store(app).ok

    replay = _serial_replay(winning, clock)
    try:
        serial = replay.get(EKHAGEN, UnitReport)
        assert (raced.status, raced.version) == (serial.status, serial.version)
        assert {i: it.values for i, it in raced.items.items()} == \
            {i: it.values for i, it in serial.items.items()}
        assert [envelope_free(e) for e in app.aggregate_events(EKHAGEN)] == \
            [envelope_free(e) for e in replay.aggregate_events(EKHAGEN)]
    finally:
        replay.close()


class TestWritersWithExpectedVersion:
    """Everyone edits the version they saw: each round has exactly one winner."""

    def test_threads(self, raced_app: TestEngine, clock: ManualClock) -> None:
        attempts = race_in_threads(raced_app, WRITERS, ROUNDS, "with_expected_version")
        self._assert_one_winner_per_round(attempts)
        _assert_serialisable(raced_app, attempts, clock)

    @pytest.mark.slow
    def test_processes(self, raced_app: TestEngine, durable_env: dict[str, str],
                       clock: ManualClock) -> None:
        attempts = race_in_processes(durable_env, WRITERS // 2, ROUNDS, "with_expected_version")
        self._assert_one_winner_per_round(attempts)
        _assert_serialisable(raced_app, attempts, clock)

    @staticmethod
    def _assert_one_winner_per_round(attempts: list[Attempt]) -> None:
        per_round = Counter(a.round for a in attempts if a.outcome == RECORDED)
        assert per_round == {r: 1 for r in range(ROUNDS)}
        assert all(a.outcome in (RECORDED, CONFLICT) for a in attempts)


class TestWritersWithoutExpectedVersion:
    """Everyone appends to whatever is latest: losers of a version get a conflict, not a gap."""

    def test_threads(self, raced_app: TestEngine, clock: ManualClock) -> None:
        attempts = race_in_threads(raced_app, WRITERS, ROUNDS, "without_expected_version")
        assert len(attempts) == WRITERS * ROUNDS
        assert all(a.outcome in (RECORDED, CONFLICT) for a in attempts)
        _assert_serialisable(raced_app, attempts, clock)

    @pytest.mark.slow
    def test_processes(self, raced_app: TestEngine, durable_env: dict[str, str],
                       clock: ManualClock) -> None:
        attempts = race_in_processes(durable_env, WRITERS // 2, ROUNDS,
                                     "without_expected_version")
        assert len(attempts) == WRITERS // 2 * ROUNDS
        assert all(a.outcome in (RECORDED, CONFLICT) for a in attempts)
        _assert_serialisable(raced_app, attempts, clock)
