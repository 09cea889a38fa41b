"""Duplicate delivery: the same command from many threads or processes is recorded once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from application.bus import CommandResult
from application.cycles import ensure_report_template
from domain.base import Actor
from domain.command_identity import key_of
from domain.cycle import Cycle
from domain.errors import DomainError
from domain.unit_report import UnitReport
from tests.reliability.writers import (
    BARRIER_TIMEOUT,
    DUPLICATE,
    EKHAGEN,
    RECORDED,
    Attempt,
    race_in_processes,
    race_in_threads,
)
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, DELAR_2022, TEMPLATE, build_organisation, open_delar_2022

WRITERS = 6
ROUNDS = 6


@pytest.fixture
def org_app(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    app = TestEngine(env=durable_env, clock=clock)
    build_organisation(app)
    yield app
    app.close()


def _assert_recorded_once_per_round(app: TestEngine, attempts: list[Attempt]) -> None:
    outcomes = Counter((a.round, a.outcome) for a in attempts)
    for r in range(ROUNDS):
        assert outcomes[(r, RECORDED)] == 1, f"round {r}: {outcomes}"
    assert all(a.outcome in (RECORDED, DUPLICATE) for a in attempts), \
        "a duplicate delivery is answered as a duplicate, never as a conflict or error"
    recorded_ids = Counter(key_of(e.command_id) for e in app.aggregate_events(EKHAGEN))
    assert recorded_ids == Counter({"open-delar-2022": 1,
                                    **{f"round-{r}": 1 for r in range(ROUNDS)}})
    for r in range(ROUNDS):
        versions = {a.version for a in attempts if a.round == r}
        assert versions == {2 + r}, "every delivery learns the version its command made"
    assert app.get(EKHAGEN, UnitReport).version == 1 + ROUNDS


class TestSameEditDeliveredManyTimesAtOnce:
    def test_threads(self, org_app: TestEngine) -> None:
        open_delar_2022(org_app)
        attempts = race_in_threads(org_app, WRITERS, ROUNDS, "same_command")
        _assert_recorded_once_per_round(org_app, attempts)

    @pytest.mark.slow
    def test_processes(self, org_app: TestEngine, durable_env: dict[str, str]) -> None:
        open_delar_2022(org_app)
        attempts = race_in_processes(durable_env, WRITERS // 2, ROUNDS, "same_command")
        _assert_recorded_once_per_round(org_app, attempts)


def test_open_cycle_delivered_many_times_at_once_opens_once(org_app: TestEngine) -> None:
    """Opening writes the cycle and every report in one save; racing duplicates must not
    turn into a conflict for the callers that lost."""
    barrier = threading.Barrier(WRITERS)
    ensure_report_template(org_app.store, "VON", TEMPLATE, Actor.system("import"))

    def deliver() -> CommandResult | DomainError:
        barrier.wait(BARRIER_TIMEOUT)
        try:
            return org_app.execute(DELAR_2022, "gun")  # the controller
        except DomainError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(lambda _: deliver(), range(WRITERS)))

    errors = [r for r in results if isinstance(r, DomainError)]
    assert errors == []
    assert sorted(r.duplicate for r in results if isinstance(r, CommandResult)) == \
        [False] + [True] * (WRITERS - 1)
    cycle = org_app.get(CYCLE, Cycle)
    assert cycle.version == 1
    assert org_app.get(EKHAGEN, UnitReport).version == 1
