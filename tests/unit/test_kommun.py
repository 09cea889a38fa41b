"""The kommun steps (domain/kommun.py) and their command on the bus (application/kommun.py):
which milestones are steps, the year and process a step follows, the statuses of KLK's view,
and that only kommunledningskontoret's controller records a step, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.arsplan import Milestone
from domain.calendar import STOCKHOLM
from domain.errors import NotAuthorisedError, NotFoundError
from domain.ids import kommun_steg_id
from domain.kommun import (
    LATE,
    NOT_DUE,
    ON_TIME,
    OVERDUE,
    UPCOMING,
    KommunSteg,
    arrival_status,
    cycle_title,
    kommun_steps,
    step_status,
)
from domain.kommun_commands import RecordKommunSteg
from infrastructure.importer import ArsplanFile, import_arsplan, import_organisation, load_file
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.kommun_world import DATA, KLK_CONTROLLER, KOMMUNDIREKTOR, KSAU_DIALOG
from tests.support.stores import MEMORY_ENV

PLAN = DATA / "von" / "arsplan_2022_2023.yaml"


def plan_milestones(path: Path = PLAN) -> list[Milestone]:
    return [Milestone(**m.model_dump()) for m in load_file(path, ArsplanFile).milestones]


class TestSteps:
    def test_the_kommun_steps_are_ks_and_kf_milestones_once_each(self) -> None:
        milestones = plan_milestones()
        steps = kommun_steps(milestones + milestones)  # two nämnder's plans
        assert KSAU_DIALOG in steps
        assert all(s.responsible in ("KS", "KF") for s in steps.values())
        assert "k-2022-09-13-underlag-delarsbokslut" not in steps  # the förvaltning's
        assert "f-delar-2022-von-beslut" not in steps
        assert len(steps) == len({m.milestone_id for m in milestones if m.level == "kommun"
                                  and m.responsible in ("KS", "KF")})

    def test_the_first_plan_dates_a_step_two_plans_date_differently(self) -> None:
        first = Milestone("k-x", "kommun", "budget", "KF", date(2022, 11, 2),
                          date(2022, 11, 2), "KF")
        moved = Milestone("k-x", "kommun", "budget", "KF", date(2022, 11, 9),
                          date(2022, 11, 9), "KF")
        assert kommun_steps([first, moved])["k-x"].end == date(2022, 11, 2)

    @pytest.mark.parametrize(("milestone_id", "process", "year"), [
        ("k-2022-09-27-dialog-delarsbokslut", "delarsbokslut", 2022),
        ("k-2023-02-20-dialog-arsredovisning", "arsbokslut", 2022),
        ("k-2022-03-30-kf-beslut-arsredovisning", "arsbokslut", 2021),
        ("k-2022-11-02-kf-beslut-budget-2023", "budget", 2023),
        ("k-2022-06-07-ks-beslut-fordjupad-manadsuppfoljning", "fordjupad_manadsuppfoljning",
         2022),
    ])
    def test_a_step_follows_the_namnders_process_of_its_year(
            self, milestone_id: str, process: str, year: int) -> None:
        step = kommun_steps(plan_milestones())[milestone_id]
        assert (step.cycle_process, step.year) == (process, year)

    def test_the_deadline_is_the_end_of_the_last_day_in_stockholm(self) -> None:
        step = kommun_steps(plan_milestones())["k-2022-09-13-budgetberedning-ksau"]
        assert step.deadline == datetime(2022, 9, 16, 23, 59, tzinfo=STOCKHOLM)

    def test_a_process_without_a_planned_cycle_has_a_title(self) -> None:
        assert cycle_title("arsbokslut", 2021) == "Årsbokslut 2021"
        assert cycle_title("nytt_process", 2022) == "Nytt process 2022"


DUE = date(2022, 9, 13)


class TestStatuses:
    @pytest.mark.parametrize(("arrived", "now", "expected"), [
        (datetime(2022, 9, 13, 21, 58, tzinfo=UTC), datetime(2022, 9, 20, tzinfo=UTC), ON_TIME),
        # 23:59 in Stockholm is 21:59 UTC in September; a minute after is the next day.
        (datetime(2022, 9, 13, 22, 1, tzinfo=UTC), datetime(2022, 9, 20, tzinfo=UTC), LATE),
        (None, datetime(2022, 9, 13, 21, 58, tzinfo=UTC), NOT_DUE),
        (None, datetime(2022, 9, 13, 22, 0, tzinfo=UTC), OVERDUE),
    ])
    def test_an_underlag_by_the_end_of_its_day(self, arrived: datetime | None, now: datetime,
                                              expected: str) -> None:
        assert arrival_status(arrived, DUE, now) == expected

    def test_a_step_not_yet_due_is_upcoming(self) -> None:
        step = kommun_steps(plan_milestones())[KSAU_DIALOG]
        before = datetime(2022, 9, 27, 12, tzinfo=UTC)
        after = datetime(2022, 9, 28, 12, tzinfo=UTC)
        assert step_status(None, step, before) == UPCOMING
        assert step_status(None, step, after) == OVERDUE
        assert step_status(date(2022, 9, 27), step, after) == ON_TIME
        assert step_status(date(2022, 9, 28), step, after) == LATE


@pytest.fixture
def app() -> Iterator[TestEngine]:
    engine = TestEngine(env=dict(MEMORY_ENV),
                        clock=ManualClock(datetime(2022, 9, 28, 8, tzinfo=UTC)))
    for folder in ("von", "kommun"):
        import_organisation(engine, DATA / folder / "organisation.yaml")
    import_arsplan(engine, PLAN)
    yield engine
    engine.close()


def ksau(command_id: str = "c1", done_on: date = date(2022, 9, 27)) -> RecordKommunSteg:
    return RecordKommunSteg(command_id=command_id, milestone_id=KSAU_DIALOG, done_on=done_on,
                            reference="KSAU § 201")


class TestTheCommand:
    def test_klk_records_the_step_keyed_by_year_and_milestone(self, app: TestEngine) -> None:
        result = app.execute(ksau(), KLK_CONTROLLER)
        assert result.aggregate_id == kommun_steg_id(2022, KSAU_DIALOG)
        step = app.get(result.aggregate_id, KommunSteg)
        assert (step.done_on, step.reference, step.namnd_code) == (
            date(2022, 9, 27), "KSAU § 201", "KS")
        recorded = list(app.aggregate_events(result.aggregate_id))[-1]
        assert (recorded.actor.person_id, recorded.actor.role) == (KLK_CONTROLLER,
                                                                   "klk_controller")

    def test_the_same_command_again_records_nothing(self, app: TestEngine) -> None:
        first = app.execute(ksau(), KLK_CONTROLLER)
        again = app.execute(ksau(), KLK_CONTROLLER)
        assert again.duplicate and again.version == first.version == 1

    @pytest.mark.parametrize("person", [KOMMUNDIREKTOR, "p-355f78", "p-62c8b8"])
    def test_only_klk_controllers_record_a_step(self, app: TestEngine, person: str) -> None:
        with pytest.raises(NotAuthorisedError) as refused:
            app.execute(ksau(), person)
        assert refused.value.rule == "role_not_held"
        assert not app.exists(kommun_steg_id(2022, KSAU_DIALOG))

    def test_without_kommunstyrelsens_organisation_nobody_records(self, tmp_path: Path) -> None:
        engine = TestEngine(env=dict(MEMORY_ENV),
                            clock=ManualClock(datetime(2022, 9, 28, 8, tzinfo=UTC)))
        import_arsplan(engine, PLAN)
        with pytest.raises(NotFoundError):
            engine.execute(ksau(), KLK_CONTROLLER)
        engine.close()
