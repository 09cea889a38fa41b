"""The main job's demo data: VON's and SN's files and a live demo cycle shaped like
Delårsbokslut."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from cli.demo import demo_cycle_command, load_demo_data
from domain.calendar import local_date
from domain.cycle import Cycle
from domain.ids import report_template_id
from domain.report_template import ReportTemplate
from projections.delegation_queries import search_register_as_of
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env

DATA = Path(__file__).resolve().parents[2] / "data" / "von"
SN = DATA.parent / "sn"


def test_the_demo_cycle_has_the_delarsbokslut_shape_starting_today() -> None:
    command = demo_cycle_command(date(2026, 11, 25))
    assert (command.enhet_deadline, command.avdelning_deadline) == (date(2026, 12, 6),
                                                                     date(2026, 12, 13))
    assert (command.underlag_date, command.beslut_date) == (date(2026, 12, 27),
                                                           date(2027, 1, 10))
    assert command.forvaltning_deadline == date(2026, 12, 26)
    assert "demo" in command.title


def test_loading_twice_records_nothing_new(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    first = load_demo_data(app, DATA)
    head = app.recorder.max_notification_id()
    clock.advance(days=3)  # a restart on a later day finds the cycle opened then
    second = load_demo_data(app, DATA)
    assert app.recorder.max_notification_id() == head
    assert second == first
    cycle = app.get(first.cycle_id, Cycle)
    assert local_date(cycle.deadlines["enhet"]) == date(2026, 12, 6)
    assert len(cycle.unit_ids) == 23
    register = search_register_as_of(app, clock.now, "VON")
    # Only the ordförandebeslut must be anmält: 2.1.3 and 3.3.2 are not marked
    # "Ska anmälas till nämnd" in the ordning (seed 000 l.17025-17037).
    assert [(e.row_nr, e.decider, e.must_be_anmald) for e in register] == [
        ("2.1.1", "p-c0eeec", True), ("2.1.3", "p-f9c1f1", False),
        ("3.3.2", "p-556916", False)]
    app.close()


def test_every_namnd_and_process_template_is_loaded_once(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    try:
        first = load_demo_data(app, DATA, [SN])
        head = app.recorder.max_notification_id()
        second = load_demo_data(app, DATA, [SN])
        assert app.recorder.max_notification_id() == head and second == first
        assert [entry.rsplit(" v", 1)[0] for entry in first.loaded] == [
            "VON organisation", "VON arsplan_2022_2023", "VON rapportmall",
            "VON rapportmall budget", "VON rapportmall fordjupad_manadsuppfoljning",
            "VON delegationsordning", "3 delegationsbeslut",
            "SN organisation", "SN arsplan_2022_2023", "SN rapportmall",
            "SN rapportmall budget", "SN rapportmall fordjupad_manadsuppfoljning"]

        def items(code: str, process: str | None = None) -> set[str]:
            template = app.get(report_template_id(code, process), ReportTemplate)
            return {i["item_id"] for i in template.items}
        # Each nämnd's templates under its own code, the process templates included.
        assert "fmu-drift" in items("VON", "fordjupad_manadsuppfoljning")
        assert "budget-detaljbudget" in items("VON", "budget")
        assert "mal-sjalvforsorjande" in items("SN")
        assert "vp-sjalvforsorjande" in items("SN", "budget")
        assert "fmu-drift" in items("SN", "fordjupad_manadsuppfoljning")
        assert "mal-gruppboendeplatser-lss" not in items("SN")
        assert app.get(first.cycle_id, Cycle).namnd_code == "VON"  # the demo cycle stays VON's
    finally:
        app.close()
