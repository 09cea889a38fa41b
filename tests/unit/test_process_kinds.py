"""Every process of the årsplan opens as a cycle: who reports and on which template.

The checked-in VON data (plan and templates) is imported into a memory store and the planned
cycles are opened as the ÅrsplanWorkflow opens them (``OpenPlannedCycle``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from application.cycles import ensure_report_template
from domain import system_commands as sc
from domain.arsplan import Arsplan
from domain.base import Actor
from domain.calendar import end_of_day
from domain.cycle import Cycle
from domain.errors import InvalidInputError
from domain.ids import arsplan_id, cycle_id, report_template_id, unit_report_id
from domain.process_kinds import process_kind
from domain.report_template import ReportTemplate
from domain.unit_report import UnitReport
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV

VON = Path(__file__).resolve().parents[2] / "data" / "von"
PLAN = arsplan_id("VON", "2022/2023")
FMU = ("fordjupad_manadsuppfoljning", 2022)
BOKSLUT_CYCLES = """cycles:
  - {process: delarsbokslut, year: 2022, title: Delårsbokslut 2022,
     opens: f-delar-2022-utfall-nyckeltal, enhet: f-delar-2022-enhetschefer,
     avdelning: f-delar-2022-avdelningschefer, underlag: f-delar-2022-underlag-klk,
     beslut: f-delar-2022-von-beslut}
  - {process: arsbokslut, year: 2022, title: Årsbokslut 2022,
     opens: f-ars-2022-utfall-nyckeltal, enhet: f-ars-2022-enhetschefer,
     avdelning: f-ars-2022-avdelningschefer, underlag: f-ars-2022-underlag-klk,
     beslut: k-2023-02-20-beslut-arsredovisning-namnd}
"""
BUDGET = ("budget", 2023)


@pytest.fixture
def app() -> Iterator[TestEngine]:
    application = TestEngine(env=dict(MEMORY_ENV),
                             clock=ManualClock(datetime(2022, 4, 1, 8, 0, tzinfo=UTC)))
    import_organisation(application, VON / "organisation.yaml")
    import_arsplan(application, VON / "arsplan_2022_2023.yaml")
    for template in sorted(VON.glob("report_template*.yaml")):
        import_report_template(application, "VON", template)
    yield application
    application.close()


def bokslut_only_plan(path: Path) -> Path:
    """The checked-in plan as it was with only the bokslut cycles (and their milestones)."""
    full = (VON / "arsplan_2022_2023.yaml").read_text(encoding="utf-8")
    milestones = "".join(line for line in full.split("cycles:\n")[0].splitlines(keepends=True)
                         if "f-fmu-" not in line and "f-budget-" not in line)
    path.write_text(milestones + BOKSLUT_CYCLES, encoding="utf-8")
    return path


def open_planned(app: TestEngine, process: str, year: int) -> Cycle:
    app.execute_system(sc.OpenPlannedCycle(
        command_id=sc.open_planned_cycle_key("VON", process, year),
        occurred_at=datetime(2022, 5, 2, 5, 0, tzinfo=UTC), namnd_code="VON",
        label="2022/2023", process=process, year=year))
    return app.get(cycle_id("VON", process, year), Cycle)


def report_items(app: TestEngine, cycle: Cycle, unit_prefix: str) -> set[str]:
    unit = next(u for u in cycle.unit_ids if u.startswith(unit_prefix))
    return set(app.get(unit_report_id(cycle.id, unit), UnitReport).items)


def test_the_plan_dates_the_fordjupad_manadsuppfoljning_and_the_planning_process(
        app: TestEngine) -> None:
    plan = app.get(PLAN, Arsplan)
    fmu, budget = plan.schedule_of(*FMU), plan.schedule_of(*BUDGET)
    assert [s.title for s in sorted(plan.schedules(), key=lambda s: s.opens_on)] == [
        "Fördjupad månadsuppföljning 2022", "Delårsbokslut 2022", "Mål och budget 2023",
        "Årsbokslut 2022"]
    assert (fmu.opens_on, fmu.avdelning_deadline, fmu.forvaltning_deadline, fmu.underlag_date,
            fmu.beslut_date) == (date(2022, 5, 2), date(2022, 5, 6), date(2022, 5, 12),
                                 date(2022, 5, 13), date(2022, 5, 19))
    assert (budget.opens_on, budget.enhet_deadline, budget.avdelning_deadline,
            budget.underlag_date, budget.beslut_date) == (
        date(2022, 11, 2), date(2022, 11, 18), date(2022, 11, 25), date(2022, 12, 6),
        date(2022, 12, 31))


def test_in_the_fordjupad_manadsuppfoljning_avdelningar_and_forvaltning_report_on_its_template(
        app: TestEngine) -> None:
    cycle = open_planned(app, *FMU)
    assert cycle.title == "Fördjupad månadsuppföljning 2022"
    assert cycle.deadlines["avdelning"] == end_of_day(date(2022, 5, 6))
    assert cycle.deadlines["forvaltning"] == end_of_day(date(2022, 5, 12))
    assert cycle.unit_ids and not any(u.startswith("enh-") for u in cycle.unit_ids)
    assert any(u.startswith("avd-") for u in cycle.unit_ids)
    assert [i["item_id"] for i in cycle.item_template] == ["fmu-drift", "fmu-investeringar"]
    assert report_items(app, cycle, "avd-") == {"fmu-drift", "sammanfattning"}


def test_in_the_planning_process_every_unit_reports_on_its_template(app: TestEngine) -> None:
    cycle = open_planned(app, *BUDGET)
    assert cycle.title == "Mål och budget 2023"
    assert cycle.deadlines["enhet"] == end_of_day(date(2022, 11, 18))
    assert cycle.beslut_date == date(2022, 12, 31)
    assert report_items(app, cycle, "enh-") == {
        "vp-gruppboendeplatser-lss", "vp-telefon-direkt-svar", "vp-epost-svar-inom-en-dag",
        "vp-nojda-brukare-boende-lss"}
    assert "ikp-vasentlighets-och-riskanalys" in report_items(app, cycle, "avd-")
    assert not any(i["kind"] == "mal" for i in cycle.item_template)


def test_the_bokslut_keeps_the_namnds_default_template_with_every_unit(app: TestEngine) -> None:
    cycle = open_planned(app, "delarsbokslut", 2022)
    assert any(u.startswith("enh-") for u in cycle.unit_ids)
    assert "mal-gruppboendeplatser-lss" in report_items(app, cycle, "enh-")


def test_a_process_whose_own_template_is_missing_does_not_borrow_the_default() -> None:
    app = TestEngine(env=dict(MEMORY_ENV))
    import_organisation(app, VON / "organisation.yaml")
    import_arsplan(app, VON / "arsplan_2022_2023.yaml")
    import_report_template(app, "VON", VON / "report_template.yaml")
    cycle = open_planned(app, *BUDGET)
    assert cycle.item_template == []
    assert report_items(app, cycle, "enh-") == set()


def test_a_template_for_a_process_that_has_none_of_its_own_is_refused() -> None:
    app = TestEngine(env=dict(MEMORY_ENV))
    items = [{"item_id": "x", "kind": "mal", "title": "Mål"}]
    with pytest.raises(InvalidInputError) as refused:
        ensure_report_template(app, "VON", items, Actor.system("import"), "delarsbokslut")
    assert refused.value.rule == "process_without_own_template"
    assert not app.exists(report_template_id("VON", "delarsbokslut"))


def test_a_template_file_naming_its_process_is_stored_as_that_processs_template(
        app: TestEngine) -> None:
    own = app.get(report_template_id("VON", "fordjupad_manadsuppfoljning"), ReportTemplate)
    default = app.get(report_template_id("VON"), ReportTemplate)
    assert [i["item_id"] for i in own.items] == ["fmu-drift", "fmu-investeringar"]
    assert "fmu-drift" not in {i["item_id"] for i in default.items}


def test_reimporting_an_extended_plan_adds_its_milestones_and_keeps_the_stored_ones(
        tmp_path: Path) -> None:
    # A store adopted from the plan with only the bokslut cycles learns the new ones on the
    # next import; a milestone already stored keeps its stored dates.
    old_file, new_file = bokslut_only_plan(tmp_path / "old.yaml"), VON / "arsplan_2022_2023.yaml"
    # The older file had the underlag to KLK on another day; the stored date stays.
    old_file.write_text(old_file.read_text(encoding="utf-8").replace(
        "start: 2022-05-13, end: 2022-05-13", "start: 2022-05-16, end: 2022-05-16"),
        encoding="utf-8")
    app = TestEngine(env=dict(MEMORY_ENV))
    import_arsplan(app, old_file)
    assert [cy.process for cy in app.get(PLAN, Arsplan).cycles] == ["delarsbokslut",
                                                                    "arsbokslut"]

    import_arsplan(app, new_file)

    plan = app.get(PLAN, Arsplan)
    added = [e for e in app.aggregate_events(PLAN) if isinstance(e, Arsplan.MilestonesAdded)]
    assert [m["milestone_id"] for m in added[0].milestones] == [
        "f-fmu-2022-avdelningschefer", "f-budget-2023-enhetschefer",
        "f-budget-2023-avdelningschefer", "f-budget-2023-forslag-namnd"]
    assert plan.schedule_of(*BUDGET).enhet_deadline == date(2022, 11, 18)
    assert plan.schedule_of(*FMU).underlag_date == date(2022, 5, 16)  # the stored date


def test_the_namnd_adopts_the_budget_with_its_plans_and_approves_a_bokslut() -> None:
    assert process_kind("budget").beslut("Mål och budget 2023") == (
        "Nämnden antar mål och budget 2023 med verksamhetsplan och internkontrollplan")
    assert process_kind("delarsbokslut").beslut("Delårsbokslut 2022") == (
        "Nämnden godkänner delårsbokslut 2022")
