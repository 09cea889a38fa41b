"""The kommun steps' guards (domain/kommun.py): rows of the guard table (see test_guards.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.arsplan import Milestone
from domain.base import Actor, Cause
from domain.errors import InvalidInputError, RuleViolationError
from domain.kommun import KommunSteg, KommunStep, already_done, kommun_steps, step_named
from tests.unit.test_guards import Guard, check_refusal, nothing, params

KSAU = Milestone("k-ksau", "kommun", "delarsbokslut", "dialog om delårsbokslut med KSAU",
                 date(2022, 9, 27), date(2022, 9, 27), "KS")
UNDERLAG = Milestone("k-underlag", "kommun", "delarsbokslut", "förvaltningens underlag till KLK",
                     date(2022, 9, 13), date(2022, 9, 13), "Förvaltning")
FORVALTNING = Milestone("f-enheter", "forvaltning", "delarsbokslut", "enhetschefer",
                        date(2022, 8, 12), date(2022, 8, 23), "Förvaltning")
MILESTONES = [KSAU, UNDERLAG, FORVALTNING]
STEP = kommun_steps(MILESTONES)["k-ksau"]
KLK = Cause(Actor("p-b83f10", "klk_controller", "klk"), datetime(2022, 9, 28, 8, tzinfo=UTC))


def done() -> KommunSteg:
    return KommunSteg.record(STEP, date(2022, 9, 27), "KSAU § 201", KLK)


def _find(milestone_id: str) -> object:
    return step_named(kommun_steps(MILESTONES), MILESTONES, milestone_id)


GUARDS = [
    Guard("kommun.py:step_named", "unknown_kommun_step", InvalidInputError, nothing,
          lambda _: _find("k-okand"), "in no plan"),
    Guard("kommun.py:step_named", "not_a_kommun_step", InvalidInputError, nothing,
          lambda _: _find("k-underlag"), "the förvaltning's underlag"),
    Guard("kommun.py:step_named", "not_a_kommun_step", InvalidInputError, nothing,
          lambda _: _find("f-enheter"), "a förvaltning milestone"),
    Guard("kommun.py:record", "done_in_future", InvalidInputError, nothing,
          lambda _: KommunSteg.record(STEP, date(2022, 9, 29), None, KLK), "tomorrow"),
    Guard("kommun.py:already_done", "kommun_step_already_done", RuleViolationError, done,
          already_done, "recorded before"),
]


@pytest.mark.parametrize("guard", params(GUARDS))
def test_the_guard_refuses_naming_its_rule(guard: Guard) -> None:
    check_refusal(guard)


def test_the_refusal_names_the_milestone() -> None:
    with pytest.raises(InvalidInputError, match="k-okand"):
        _find("k-okand")
    with pytest.raises(InvalidInputError, match=r"k-underlag.*Förvaltning"):
        _find("k-underlag")


def test_the_edges_next_to_the_refusals_are_accepted() -> None:
    assert _find("k-ksau") == STEP
    today = KommunSteg.record(STEP, date(2022, 9, 28), None, KLK)  # today is not the future
    assert today.done_on == date(2022, 9, 28)
    already_done(None)
    assert isinstance(STEP, KommunStep)
