"""`arsplan simulate --scenario von_arsbokslut_2022`: the packaged example played on the
time-skipping server; what it scripts is what the store records, and the PNG burn-down
beside the HTML one draws the counts the store holds."""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from cli.simulate import CycleOutcome, render_cycle_outcome, run_cycle_simulation
from domain.calendar import local_date
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from simulation.burndown_png import draw, plotted, step_points
from tests.unit.test_burndown_png import assert_png
from tests.workflows.harness import harness_settings

VON = Path(__file__).parents[2] / "data" / "von"


@dataclass(frozen=True)
class Run:
    outcome: CycleOutcome
    printed: str
    events: list[Any]  # every domain event the run recorded, in order


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run of the example (about two minutes), shared by the tests below."""
    tmp = tmp_path_factory.mktemp("simulate-scenario")
    store = tmp / "sim.sqlite"
    console = Console(file=io.StringIO(), width=200)
    outcome = run_cycle_simulation(harness_settings(tmp), console, None, store=store,
                                   out=tmp / "out", scenario=Path("von_arsbokslut_2022"))
    printed = Console(file=io.StringIO(), width=200, record=True)
    printed.print(render_cycle_outcome(outcome))
    app = ArsplanStore(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                            "SQLITE_DBNAME": str(store)})
    try:
        events = [app.mapper.to_domain_event(n)
                  for n in app.recorder.select_notifications(1, 100_000)]
    finally:
        app.close()
    return Run(outcome, printed.export_text(), events)


def _chef(unit_id: str) -> str:
    org = yaml.safe_load((VON / "organisation.yaml").read_text(encoding="utf-8"))
    return str(next(a["person_id"] for a in org["assignments"]
                if a["unit_id"] == unit_id and a["role"] == "enhetschef"
                and a["substitute_for"] is None))


def _row(run: Run, unit_id: str) -> Any:
    return next(r for r in run.outcome.board.rows if r.unit_id == unit_id)


@pytest.mark.slow
def test_the_moved_deadlines_decide_who_is_late(run: Run) -> None:
    assert "Årsbokslut 2022: avslutad" in run.printed
    assert "von_arsbokslut_2022.yaml" in run.printed
    assert local_date(run.outcome.cycle.deadlines["enhet"]).isoformat() == "2023-01-24"
    moved = [e for e in run.events if type(e).__name__ == "DeadlineMoved"
             and getattr(e, "level", None) == "enhet"]
    assert len(moved) == 1 and "ekonomiavdelningen" in moved[0].reason
    # Klarmarkerad after the planned 19 January but before the moved 24th: on time.
    brunnsgarden = _row(run, "enh-brunnsgarden")
    assert local_date(brunnsgarden.klarmarkerad_at).isoformat() == "2023-01-20"
    assert brunnsgarden.deadlines_passed == []
    # Bjärkegården's own deadline, moved to the 26th: its klarmarkering on the 25th is on time.
    bjarkegarden = _row(run, "enh-bjarkegarden")
    assert local_date(bjarkegarden.deadline).isoformat() == "2023-01-26"
    assert local_date(bjarkegarden.klarmarkerad_at).isoformat() == "2023-01-25"
    assert bjarkegarden.deadlines_passed == [] and bjarkegarden.escalations == 0
    # Sjuksköterskor söder klarmarkerar on the 25th: late for the moved 24th, escalated.
    soder = _row(run, "enh-sjukskoterskor-soder")
    assert "klarmarkera" in soder.deadlines_passed and soder.escalations == 1
    assert run.outcome.summary.late == ["Sjuksköterskor söder"]


@pytest.mark.slow
def test_the_ersattare_acts_for_the_absent_chef_and_the_report_is_sent_back(run: Run) -> None:
    tuvegarden = _row(run, "enh-tuvegarden").report_id
    klar = [e for e in run.events
            if isinstance(e, UnitReport.Klarmarkerad) and e.originator_id == tuvegarden]
    assert [(e.actor.person_id, e.actor.on_behalf_of) for e in klar] == [
        (_chef("enh-brunnsgarden"), _chef("enh-tuvegarden"))]
    ao = _row(run, "enh-myndighet-ao").report_id
    sent_back = [e for e in run.events
                 if isinstance(e, UnitReport.Atersand) and e.originator_id == ao]
    assert len(sent_back) == 1 and sent_back[0].reason.startswith("Analysen av målen saknas")
    assert _row(run, "enh-myndighet-ao").status_label == "Godkänd"


@pytest.mark.slow
def test_the_png_beside_the_html_draws_the_stored_counts(run: Run) -> None:
    png, html = run.outcome.png, run.outcome.chart
    assert png.parent == html.parent and png.stem == html.stem and html.exists()
    assert_png(png)
    rows = run.outcome.board.rows
    chart = run.outcome.series
    klar = sum(1 for r in rows if r.klarmarkerad_at is not None)
    godkanda = sum(1 for r in rows if r.godkand_at is not None)
    assert (chart.klarmarkerade[-1][1], chart.godkanda[-1][1]) == (klar, godkanda)
    assert (klar, godkanda) == (len(rows), len(rows) - 1)  # the förvaltning is not attested
    lines = plotted(draw(chart))
    for key in ("klarmarkerade", "godkanda"):
        assert lines[key] == step_points(chart.series(key), chart.end)
    # The återsänd report leaves the klarmarkerade once, so that count drops once.
    counts = [count for _, count in chart.klarmarkerade]
    assert sum(1 for a, b in pairwise(counts) if b < a) == 1
    assert "deadline-enhet" in lines
    assert "Tidsgräns enheter 2023-01-24" in [
        t.get_text() for t in draw(chart).legends[0].get_texts()]
