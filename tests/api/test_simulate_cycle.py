"""`arsplan simulate --cycle VON:arsbokslut:2022`: a generated scenario over the whole
organisation, on the årsplan's dates, with a summary and a burn-down chart."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from cli.main import app as cli
from cli.simulate import CycleOutcome, render_cycle_outcome, run_cycle_simulation
from domain.calendar import STOCKHOLM, local_date
from domain.commands import Klarmarkera
from infrastructure.eventstore import ArsplanStore
from simulation.burndown import Burndown, render_html
from simulation.cycle_run import prepare
from simulation.scenario import parse_cycle
from tests.unit.test_burndown_png import assert_png
from tests.workflows.harness import harness_settings

CYCLE = "VON:arsbokslut:2022"
VON = Path(__file__).parents[2] / "data" / "von"
runner = CliRunner()


@dataclass(frozen=True)
class Run:
    outcome: CycleOutcome
    printed: str
    store: Path
    out: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run of the whole organisation (about a minute), shared by the tests below;
    started from an empty directory, which stays empty."""
    tmp = tmp_path_factory.mktemp("simulate-cycle")
    cwd, out, store = tmp / "cwd", tmp / "out", tmp / "sim.sqlite"
    cwd.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        console = Console(file=io.StringIO(), width=200)
        outcome = run_cycle_simulation(harness_settings(tmp), console, CYCLE, store=store,
                                       out=out)
        printed = Console(file=io.StringIO(), width=200, record=True)
        printed.print(render_cycle_outcome(outcome))
    assert list(cwd.iterdir()) == []
    return Run(outcome, printed.export_text(), store, out)


def _plan_dates(process: str, year: int) -> dict[str, date]:
    plan = yaml.safe_load((VON / "arsplan_2022_2023.yaml").read_text(encoding="utf-8"))
    ends = {m["milestone_id"]: m["end"] for m in plan["milestones"]}
    cycle = next(c for c in plan["cycles"] if (c["process"], c["year"]) == (process, year))
    return {key: ends[cycle[key]] for key in ("enhet", "avdelning", "underlag", "beslut")}


def _reporting_units() -> list[dict[str, Any]]:
    org = yaml.safe_load((VON / "organisation.yaml").read_text(encoding="utf-8"))
    return [u for u in org["units"] if u["kind"] in ("enhet", "avdelning", "forvaltning")]


@pytest.mark.slow
def test_every_unit_of_the_organisation_reports_on_the_plans_dates(run: Run) -> None:
    units = _reporting_units()
    assert len([u for u in units if u["kind"] == "enhet"]) == 16
    assert {row.unit_id for row in run.outcome.board.rows} == {u["unit_id"] for u in units}
    table_lines = run.printed.splitlines()
    for unit in units:
        assert any(line.startswith(f"│ │ {unit['name']} ") for line in table_lines), unit
    assert "Årsbokslut 2022: avslutad" in run.printed
    assert "Nämnden godkänner årsbokslut 2022" in run.printed

    planned = _plan_dates("arsbokslut", 2022)
    assert planned == {"enhet": date(2023, 1, 19), "avdelning": date(2023, 1, 26),
                       "underlag": date(2023, 2, 9), "beslut": date(2023, 2, 20)}
    cycle = run.outcome.cycle
    assert local_date(cycle.deadlines["enhet"]) == planned["enhet"]
    assert local_date(cycle.deadlines["avdelning"]) == planned["avdelning"]
    assert cycle.underlag_date == planned["underlag"]
    assert cycle.beslut_date == planned["beslut"]
    scenario = run.outcome.scenario
    assert scenario.opened_at.date() == date(2023, 1, 12)  # the plan's opening milestone
    assert local_date(scenario.steps[-1][0]) == planned["beslut"]


@pytest.mark.slow
def test_the_summary_counts_what_the_store_recorded(run: Run) -> None:
    app = ArsplanStore(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                            "SQLITE_DBNAME": str(run.store)})
    try:
        topics = Counter(n.topic.rsplit(".", 1)[-1]
                         for n in app.recorder.select_notifications(1, 100_000))
    finally:
        app.close()
    summary = run.outcome.summary
    assert (summary.reminders, summary.escalations, summary.deadlines_passed) == (
        topics["ReminderSent"], topics["Escalated"], topics["DeadlinePassed"])
    assert f"Påminnelser                 {summary.reminders}" in run.printed
    assert f"Eskaleringar                {summary.escalations}" in run.printed
    # A realistic spread: most enheter on time, a few late and escalated, one återsänd.
    enheter = [r for r in run.outcome.board.rows if r.unit_kind == "enhet"]
    late = [r for r in enheter if "klarmarkera" in r.deadlines_passed]
    assert 1 <= len(late) <= len(enheter) // 3
    assert summary.escalations >= len(late)
    assert topics["Atersand"] == 1
    assert topics["BeslutExported"] == 1


@pytest.mark.slow
def test_the_burndown_chart_holds_both_series_against_the_deadlines(run: Run) -> None:
    chart = run.outcome.chart
    assert chart.parent == run.out and chart.exists()
    html = chart.read_text(encoding="utf-8")
    assert 'data-series="klarmarkerade"' in html and 'data-series="godkanda"' in html
    for level in ("enhet", "avdelning", "forvaltning", "underlag", "beslut"):
        assert f'data-deadline="{level}"' in html
    assert "2023-01-19" in html and "2023-02-20" in html
    assert "<script" not in html and "http" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")  # self-contained
    assert (run.out / "drop" / "platina").is_dir()
    png = run.outcome.png  # the same chart as PNG, beside the HTML
    assert png == chart.with_suffix(".png")
    assert_png(png)


@pytest.mark.slow
def test_the_outcome_follows_the_seeds_steps(run: Run) -> None:
    last_klar = {}
    for when, _, command in run.outcome.scenario.steps:
        if isinstance(command, Klarmarkera):
            last_klar[command.report_id] = when
    for row in run.outcome.board.rows:
        assert row.klarmarkerad_at == last_klar[row.report_id], row.unit_name


def _steps(tmp_path: Path, seed: int) -> list[tuple[Any, ...]]:
    scenario = prepare(harness_settings(tmp_path), {"PERSISTENCE_MODULE": "eventsourcing.popo"},
                       parse_cycle(CYCLE), VON, seed)
    return [(when, person, type(c).__name__, getattr(c, "report_id", None))
            for when, person, c in scenario.steps]


def test_the_same_seed_gives_the_same_scenario(tmp_path: Path) -> None:
    assert _steps(tmp_path, 7) == _steps(tmp_path, 7)
    assert _steps(tmp_path, 7) != _steps(tmp_path, 8)


@pytest.mark.parametrize(("value", "says"), [
    ("VON:arsbokslut", "NÄMND:process:år"),
    ("VON:budget:2022", "ingen sådan cykel"),
    ("VON:arsbokslut:2024", "ingen sådan cykel"),
    ("SN:budget:2022", "ingen sådan cykel"),  # SN's own plan (data/sn)
    ("KS:arsbokslut:2022", "ingen data för nämnden KS"),
])
def test_a_cycle_the_plan_lacks_is_a_one_line_error_naming_the_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, says: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ARSPLAN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ARSPLAN_DATA_DIR", raising=False)
    done = runner.invoke(cli, ["simulate", "--cycle", value], env={"COLUMNS": "300"})
    assert done.exit_code == 2
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("--cycle: ") and says in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_a_seed_without_a_cycle_is_refused(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(cli, ["simulate", "--seed", "3"])
    assert done.exit_code == 2 and done.output.strip() == "--seed: gäller bara med --cycle"



def test_the_chart_counts_each_series_at_each_deadline() -> None:
    """An återsänd report leaves the klarmarkerade until it is klarmarkerad again."""
    day = datetime(2023, 1, 12, 7, tzinfo=STOCKHOLM)
    chart = Burndown("Årsbokslut 2022", 2, day, day + timedelta(days=10),
                     {"enhet": day + timedelta(days=3), "avdelning": day + timedelta(days=8)},
                     klarmarkerade=[(day, 0), (day + timedelta(days=1), 1),
                                    (day + timedelta(days=2), 0), (day + timedelta(days=4), 2)],
                     godkanda=[(day, 0), (day + timedelta(days=5), 2)])
    html = render_html(chart)
    assert "<tr><td>enheter</td><td>2023-01-15</td><td>0</td><td>0</td></tr>" in html
    assert "<tr><td>avdelningar</td><td>2023-01-20</td><td>2</td><td>2</td></tr>" in html
    assert html.count('class="series"') == 2
