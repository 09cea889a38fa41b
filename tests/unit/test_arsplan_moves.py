"""Moving a milestone of the årsplan: who may, with a reason, and only before its cycle opens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from application.arsplan import ensure_arsplan
from domain import commands as c
from domain.arsplan import Arsplan, PlannedCycle
from domain.base import Actor, Cause
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from domain.ids import arsplan_id
from infrastructure.importer import import_arsplan
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022
from tests.support.stores import MEMORY_ENV

PLAN_FILE = Path("data/von/arsplan_2022_2023.yaml")
PLAN = arsplan_id("VON", "2022/2023")


@pytest.fixture
def app() -> Iterator[TestEngine]:
    application = TestEngine(env=dict(MEMORY_ENV),
                            clock=ManualClock(datetime(2022, 8, 1, 8, 0, tzinfo=UTC)))
    build_organisation(application)
    import_arsplan(application, PLAN_FILE)
    yield application
    application.close()


def move(milestone_id: str = "f-delar-2022-enhetschefer", **changes: object) -> c.MoveMilestone:
    fields: dict[str, object] = {
        "namnd_code": "VON", "label": "2022/2023", "milestone_id": milestone_id,
        "start": date(2022, 8, 15), "end": date(2022, 8, 26),
        "reason": "Nämnden flyttade delårsbokslutet en vecka", **changes}
    return c.MoveMilestone.model_validate(fields)


class TestAuthority:
    @pytest.mark.parametrize("person", ["gun", "fredrik", "stina"])
    def test_the_controller_and_forvaltningsledningen_move_a_milestone(
            self, app: TestEngine, person: str) -> None:
        app.execute(move(), person)
        moved = app.get(PLAN, Arsplan).milestones["f-delar-2022-enhetschefer"]
        assert (moved.start, moved.end) == (date(2022, 8, 15), date(2022, 8, 26))

    @pytest.mark.parametrize("person", ["anna", "david", "hans", "revisor", "okand"])
    def test_chefs_below_the_forvaltning_the_namnd_and_strangers_are_refused(
            self, app: TestEngine, person: str) -> None:
        before = app.get(PLAN, Arsplan).version
        with pytest.raises(NotAuthorisedError):
            app.execute(move(), person)
        assert app.get(PLAN, Arsplan).version == before


class TestReason:
    def test_a_blank_reason_is_refused_by_the_command(self) -> None:
        with pytest.raises(ValidationError):
            move(reason="   ")

    def test_the_aggregate_refuses_a_blank_reason_too(self, app: TestEngine) -> None:
        plan = app.get(PLAN, Arsplan)
        with pytest.raises(InvalidInputError, match="motivering"):
            plan.move_milestone("f-delar-2022-enhetschefer", date(2022, 8, 15),
                                date(2022, 8, 26), " ", _cause(), is_opened=lambda _: False)


class TestAlreadyOpened:
    def test_a_milestone_dating_an_opened_cycle_is_refused_pointing_to_the_cycle_deadline(
            self, app: TestEngine) -> None:
        open_delar_2022(app)
        with pytest.raises(RuleViolationError, match="move-cycle-deadline") as refused:
            app.execute(move(), "gun")
        assert refused.value.rule == "cycle_already_opened"
        assert "Delårsbokslut 2022" in str(refused.value)

    def test_a_milestone_of_a_cycle_not_yet_opened_still_moves(self, app: TestEngine) -> None:
        open_delar_2022(app)
        # The årsbokslut's beslut is a kommun-level milestone of another process.
        app.execute(move("k-2023-02-20-beslut-arsredovisning-namnd",
                         start=date(2023, 2, 27), end=date(2023, 2, 27)), "gun")
        moved = app.get(PLAN, Arsplan).milestones["k-2023-02-20-beslut-arsredovisning-namnd"]
        assert moved.end == date(2023, 2, 27)

    def test_the_plan_knows_which_cycles_a_milestone_dates(self, app: TestEngine) -> None:
        plan = app.get(PLAN, Arsplan)
        assert [cy.title for cy in plan.cycles_using("k-2023-02-20-beslut-arsredovisning-namnd")
                ] == ["Årsbokslut 2022"]
        assert plan.cycles_using("k-2022-04-18-ramberedning-ksau") == []


class TestRecord:
    def test_the_move_records_old_and_new_dates_reason_and_actor(self, app: TestEngine) -> None:
        result = app.execute(move(), "gun")
        event = list(app.aggregate_events(result.aggregate_id))[-1]
        assert isinstance(event, Arsplan.MilestoneMoved)
        assert (event.namnd_code, event.label) == ("VON", "2022/2023")
        assert (event.old_start, event.old_end) == (date(2022, 8, 12), date(2022, 8, 23))
        assert (event.start, event.end) == (date(2022, 8, 15), date(2022, 8, 26))
        assert event.reason == "Nämnden flyttade delårsbokslutet en vecka"
        assert (event.actor.person_id, event.actor.role) == ("gun", "controller")

    def test_repeating_a_command_id_records_nothing_new(self, app: TestEngine) -> None:
        command = move(command_id="move-1")
        first = app.execute(command, "gun")
        again = app.execute(command, "gun")
        assert (first.duplicate, again.duplicate) == (False, True)
        assert again.version == first.version == app.get(PLAN, Arsplan).version

    def test_an_end_before_the_start_is_refused(self, app: TestEngine) -> None:
        with pytest.raises(InvalidInputError, match="före startdatum"):
            app.execute(move(start=date(2022, 8, 26), end=date(2022, 8, 15)), "gun")

    def test_an_unknown_milestone_is_refused(self, app: TestEngine) -> None:
        with pytest.raises(InvalidInputError, match="finns inte"):
            app.execute(move("f-finns-inte"), "gun")


class TestCycleDefinitions:
    def test_re_importing_the_same_plan_records_nothing(self, app: TestEngine) -> None:
        before = app.get(PLAN, Arsplan).version
        assert import_arsplan(app, PLAN_FILE).duplicate
        assert app.get(PLAN, Arsplan).version == before

    def test_a_plan_adopted_without_cycles_learns_them_on_the_next_import(self) -> None:
        application = TestEngine(env=dict(MEMORY_ENV))
        spec_plan = import_arsplan(application, PLAN_FILE)
        plan = application.get(spec_plan.aggregate_id, Arsplan)
        bare = TestEngine(env=dict(MEMORY_ENV))
        ensure_arsplan(bare.store, "VON", "2022/2023", list(plan.milestones.values()),
                       Actor.system("import"))
        assert bare.get(PLAN, Arsplan).cycles == []
        assert not import_arsplan(bare, PLAN_FILE).duplicate
        assert bare.get(PLAN, Arsplan).cycles == plan.cycles

    def test_a_cycle_dated_by_an_unknown_milestone_is_refused(self, app: TestEngine) -> None:
        plan = app.get(PLAN, Arsplan)
        with pytest.raises(InvalidInputError, match="okända milstolpar f-saknas"):
            plan.define_cycles([PlannedCycle("budget", 2023, "Budget 2023", ("f-saknas",))],
                               _cause())


def _cause() -> Cause:
    return Cause(Actor.system("test"), datetime(2022, 8, 1, tzinfo=UTC))
