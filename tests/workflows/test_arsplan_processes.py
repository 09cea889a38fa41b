"""ÅrsplanWorkflow: the fördjupad månadsuppföljning and the planning process (Mål och budget)
open on their plan dates, with their own templates, and follow a moved milestone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from domain.calendar import STOCKHOLM, end_of_day
from domain.commands import MoveMilestone
from domain.cycle import Cycle
from domain.ids import cycle_id, unit_report_id
from domain.unit_report import UnitReport
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.test_process_kinds import bokslut_only_plan
from tests.workflows.harness import VON_DATA, import_von_plan, scenario
from tests.workflows.test_arsplan_workflow import _waiting_until
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput

FMU = cycle_id("VON", "fordjupad_manadsuppfoljning", 2022)
BUDGET = cycle_id("VON", "budget", 2023)
INPUT = ArsplanInput(namnd_code="VON", label="2022/2023")


def import_plan_and_templates(app: TestEngine, clock: ManualClock, at: datetime) -> None:
    import_von_plan(app, clock, at)
    for template in sorted(VON_DATA.glob("report_template_*.yaml")):
        import_report_template(app, "VON", template)


def controller(app: TestEngine) -> str:
    return next(a.person_id for a in app.organisation("VON").assignments.values()
                if a.role == "controller")


def unit_items(app: TestEngine, cycle: Cycle, prefix: str) -> set[str]:
    unit = next(u for u in cycle.unit_ids if u.startswith(prefix))
    return set(app.get(unit_report_id(cycle.id, unit), UnitReport).items)


async def test_the_fordjupad_manadsuppfoljning_opens_on_its_date_for_avdelningar(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    start = datetime(2022, 4, 25, 9, 0, tzinfo=STOCKHOLM)
    import_plan_and_templates(app, clock, start)
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, INPUT, id=arsplan_workflow_id("VON", "2022/2023"),
            task_queue=s.task_queue)
        waiting = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 5, 2, 7, 0, tzinfo=STOCKHOLM)))
        await s.advance_to(datetime(2022, 5, 1, 12, 0, tzinfo=STOCKHOLM))
        opened_early = app.exists(FMU)
        await s.advance_to(datetime(2022, 5, 2, 9, 0, tzinfo=STOCKHOLM))
        cycle_handle = s.client.get_workflow_handle_for(CycleWorkflow.run,
                                                        cycle_workflow_id(FMU))
        await s.settle(cycle_handle)
        cycle_status = await cycle_handle.query(CycleWorkflow.status)
        after = await handle.query(ArsplanWorkflow.status)

    assert waiting.waiting_for == "Fördjupad månadsuppföljning 2022"
    assert not opened_early
    cycle = app.get(FMU, Cycle)
    opened_at = next(iter(app.aggregate_events(FMU))).occurred_at
    assert opened_at.astimezone(STOCKHOLM).date() == date(2022, 5, 2)
    assert cycle.deadlines["avdelning"] == end_of_day(date(2022, 5, 6))
    assert cycle.deadlines["forvaltning"] == end_of_day(date(2022, 5, 12))
    assert (cycle.underlag_date, cycle.beslut_date) == (date(2022, 5, 13), date(2022, 5, 19))
    assert [i["item_id"] for i in cycle.item_template] == ["fmu-drift", "fmu-investeringar"]
    assert unit_items(app, cycle, "avd-") == {"fmu-drift", "sammanfattning"}
    # No enhet reports: the avdelningar report at once.
    assert not any(u.startswith("enh-") for u in cycle.unit_ids)
    assert cycle_status.phase == "reporting"
    assert {u for u in cycle_status.started if u.startswith("avd-")} == {
        u for u in cycle.unit_ids if u.startswith("avd-")}
    assert after.started == [str(FMU)]
    assert after.waiting_for == "Delårsbokslut 2022"


async def test_a_moved_milestone_moves_the_fordjupad_manadsuppfoljnings_opening(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    start = datetime(2022, 4, 25, 9, 0, tzinfo=STOCKHOLM)
    import_plan_and_templates(app, clock, start)
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, INPUT, id=arsplan_workflow_id("VON", "2022/2023"),
            task_queue=s.task_queue)
        await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 5, 2, 7, 0, tzinfo=STOCKHOLM)))
        await s.act(controller(app), MoveMilestone(
            namnd_code="VON", label="2022/2023", milestone_id="f-fmu-2022-avdelningschefer",
            start=date(2022, 5, 4), end=date(2022, 5, 10),
            reason="Bokslutet för april blev klart två dagar senare"))
        moved = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 5, 4, 7, 0, tzinfo=STOCKHOLM)))
        await s.advance_to(datetime(2022, 5, 2, 9, 0, tzinfo=STOCKHOLM))
        opened_on_old_date = app.exists(FMU)
        await s.advance_to(datetime(2022, 5, 4, 9, 0, tzinfo=STOCKHOLM))
        await s.settle(s.client.get_workflow_handle(cycle_workflow_id(FMU)))

    assert moved.waiting_for == "Fördjupad månadsuppföljning 2022"
    assert not opened_on_old_date
    opened_at = next(iter(app.aggregate_events(FMU))).occurred_at
    assert opened_at.astimezone(STOCKHOLM).date() == date(2022, 5, 4)
    assert app.get(FMU, Cycle).deadlines["avdelning"] == end_of_day(date(2022, 5, 10))


async def test_the_planning_process_opens_when_kf_has_decided_the_budget(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    # Started after the delårsbokslut's beslut day: the planning cycle is the next one.
    start = datetime(2022, 10, 20, 9, 0, tzinfo=STOCKHOLM)
    import_plan_and_templates(app, clock, start)
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, INPUT, id=arsplan_workflow_id("VON", "2022/2023"),
            task_queue=s.task_queue)
        waiting = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 11, 2, 7, 0, tzinfo=STOCKHOLM)))
        await s.advance_to(datetime(2022, 11, 2, 9, 0, tzinfo=STOCKHOLM))
        cycle_handle = s.client.get_workflow_handle_for(CycleWorkflow.run,
                                                        cycle_workflow_id(BUDGET))
        await s.settle(cycle_handle)
        cycle_status = await cycle_handle.query(CycleWorkflow.status)
        after = await handle.query(ArsplanWorkflow.status)

    assert waiting.waiting_for == "Mål och budget 2023"
    assert waiting.started == []
    cycle = app.get(BUDGET, Cycle)
    assert cycle.title == "Mål och budget 2023"
    assert cycle.deadlines["enhet"] == end_of_day(date(2022, 11, 18))
    assert cycle.deadlines["avdelning"] == end_of_day(date(2022, 11, 25))
    assert (cycle.underlag_date, cycle.beslut_date) == (date(2022, 12, 6), date(2022, 12, 31))
    assert "vp-gruppboendeplatser-lss" in unit_items(app, cycle, "enh-")
    assert "ikp-vasentlighets-och-riskanalys" in unit_items(app, cycle, "avd-")
    assert not any(i["kind"] == "mal" for i in cycle.item_template)
    assert cycle_status.phase == "reporting"
    assert {u for u in cycle_status.started if u.startswith("enh-")} == {
        u for u in cycle.unit_ids if u.startswith("enh-")}
    assert after.started == [str(BUDGET)]
    assert after.waiting_for == "Årsbokslut 2022"


async def test_an_extended_plan_imported_while_it_sleeps_wakes_it_for_the_new_cycle(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    # The store's plan has only the bokslut cycles, and the ÅrsplanWorkflow sleeps until the
    # årsbokslut; the extended plan file is imported: it wakes for Mål och budget 2023.
    start = datetime(2022, 10, 20, 9, 0, tzinfo=STOCKHOLM)
    clock.now = start
    import_organisation(app, VON_DATA / "organisation.yaml")
    import_arsplan(app, bokslut_only_plan(tmp_path / "arsplan_bokslut.yaml"))
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, INPUT, id=arsplan_workflow_id("VON", "2022/2023"),
            task_queue=s.task_queue)
        before = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2023, 1, 12, 7, 0, tzinfo=STOCKHOLM)))
        import_arsplan(app, VON_DATA / "arsplan_2022_2023.yaml")
        await s.deliver()
        after = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 11, 2, 7, 0, tzinfo=STOCKHOLM)))

    assert before.waiting_for == "Årsbokslut 2022"
    assert after.waiting_for == "Mål och budget 2023"
