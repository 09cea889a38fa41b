"""`arsplan simulate --scenario FILE` and `--write-scenario FILE`: a controller's script
for a cycle, checked before anything runs; the generated scenario written as such a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app as cli
from domain.calendar import STOCKHOLM
from domain.commands import Atersand, Klarmarkera, MoveCycleDeadline, MoveReportDeadline
from domain.ids import organisation_id, unit_report_id
from domain.organisation import Organisation
from infrastructure.packaged_data import packaged_data_dir
from simulation.cycle_run import Script, prepare
from simulation.scenario import Scenario, parse_cycle
from simulation.scenario_file import ScenarioFileError, load
from tests.workflows.harness import harness_settings

CYCLE = "VON:arsbokslut:2022"
VON = Path(__file__).parents[2] / "data" / "von"
MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
runner = CliRunner()


def chef(unit_id: str) -> str:
    """The ordinary chef of a unit in the VON organisation file."""
    org = yaml.safe_load((VON / "organisation.yaml").read_text(encoding="utf-8"))
    return str(next(a["person_id"] for a in org["assignments"]
                    if a["unit_id"] == unit_id and a["role"].endswith("chef")
                    and a["substitute_for"] is None))


def _prepare(tmp_path: Path, script: Script | None = None, seed: int = 2022) -> Scenario:
    cycle = script[0].cycle if script else CYCLE
    return prepare(harness_settings(tmp_path), MEMORY, parse_cycle(cycle), VON, seed, script)


def _script(path: Path) -> Script:
    return load(path, VON / "organisation.yaml"), path


def _key(scenario: Scenario) -> list[tuple[Any, ...]]:
    return [(when, person, type(c).__name__, getattr(c, "report_id", None),
             getattr(c, "reason", None), getattr(c, "new_deadline", None))
            for when, person, c in scenario.steps]


def _invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ARSPLAN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ARSPLAN_DATA_DIR", raising=False)
    return runner.invoke(cli, ["simulate", *args], env={"COLUMNS": "300"})


def test_the_written_scenario_plays_the_generated_steps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = _invoke(tmp_path, monkeypatch, "--cycle", CYCLE, "--seed", "7",
                   "--write-scenario", "mitt.yaml")
    assert done.exit_code == 0, done.output
    written = tmp_path / "mitt.yaml"
    assert done.output.strip() == f"Scenariot skrivet till {Path('mitt.yaml')}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mitt.yaml"]  # nothing else
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Scenario för `arsplan simulate --scenario FIL`")
    assert "# Haga hemtjänst 1" in text  # each act names its unit for the reader
    generated, played = _prepare(tmp_path, seed=7), _prepare(tmp_path, _script(written))
    assert _key(played) == _key(generated)
    assert any(isinstance(c, Atersand) for _, _, c in played.steps)

    again = tmp_path / "again"
    again.mkdir()
    assert _invoke(again, monkeypatch, "--cycle", CYCLE, "--seed", "7",
                   "--write-scenario", "mitt.yaml").exit_code == 0
    assert (again / "mitt.yaml").read_text(encoding="utf-8") == text  # repeatable
    other = tmp_path / "other"
    other.mkdir()
    _invoke(other, monkeypatch, "--cycle", CYCLE, "--seed", "8", "--write-scenario", "m.yaml")
    assert (other / "m.yaml").read_text(encoding="utf-8") != text


def test_the_packaged_example_is_found_by_name_and_holds_every_kind_of_entry(
        tmp_path: Path) -> None:
    from cli.simulate_scenario import scenario_path

    example = packaged_data_dir() / "scenarios" / "von_arsbokslut_2022.yaml"
    assert scenario_path(harness_settings(tmp_path), Path("von_arsbokslut_2022")) == example
    assert scenario_path(harness_settings(tmp_path), Path("x/von_arsbokslut_2022")) == Path(
        "x/von_arsbokslut_2022")
    script = _script(example)
    assert script[0].absences and script[0].deadlines
    scenario = _prepare(tmp_path, script)
    assert scenario.source == str(example) and scenario.seed is None

    # The absent chef's ersättare klarmarkerar Tuvegården; the chef is back afterwards.
    tuvegarden = unit_report_id(scenario.cycle_id, "enh-tuvegarden")
    klar = [(when, who) for when, who, c in scenario.steps
            if isinstance(c, Klarmarkera) and c.report_id == tuvegarden]
    assert [who for _, who in klar] == [chef("enh-brunnsgarden")]
    assert chef("enh-tuvegarden") != chef("enh-brunnsgarden")
    # The controller moves the enheter's deadline.
    moves = [(who, c) for _, who, c in scenario.steps if isinstance(c, MoveCycleDeadline)]
    assert len(moves) == 1 and moves[0][1].level == "enhet"
    assert moves[0][1].new_deadline.astimezone(STOCKHOLM).date().isoformat() == "2023-01-24"
    org_yaml = yaml.safe_load((VON / "organisation.yaml").read_text(encoding="utf-8"))
    assert moves[0][0] == next(a["person_id"] for a in org_yaml["assignments"]
                               if a["role"] == "controller")
    own = [c for _, _, c in scenario.steps if isinstance(c, MoveReportDeadline)]
    assert [(c.report_id, c.new_deadline.astimezone(STOCKHOLM).date().isoformat())
            for c in own] == [(unit_report_id(scenario.cycle_id, "enh-bjarkegarden"),
                               "2023-01-26")]


def test_an_absence_is_an_ersattare_assignment_on_behalf_of_the_chef(tmp_path: Path) -> None:
    from bootstrap import build_engine
    from simulation.cycle_run import _scenario
    from simulation.harness import SimulatedClock
    from simulation.scenario import check_cycle

    example = packaged_data_dir() / "scenarios" / "von_arsbokslut_2022.yaml"
    ref = parse_cycle(CYCLE)
    engine = build_engine(harness_settings(tmp_path), env=MEMORY,
                          clock=SimulatedClock(check_cycle(VON, ref)))
    try:
        _scenario(engine, VON, ref, 2022, _script(example))
        org = engine.store.get(organisation_id("VON"), Organisation)
    finally:
        engine.close()
    added = [a for a in org.assignments.values() if a.assignment_id.startswith("scenario-")]
    assert [(a.person_id, a.role, a.unit_id, str(a.valid_from), str(a.valid_to),
             a.substitute_for, a.reason) for a in added] == [
        (chef("enh-brunnsgarden"), "enhetschef", "enh-tuvegarden", "2023-01-16", "2023-01-20",
         chef("enh-tuvegarden"), "frånvaro")]


VALID = {"cycle": CYCLE, "acts": [
    {"unit": "enh-tuvegarden", "act": "klarmarkera", "day": -1, "time": "09:00"},
    {"unit": "enh-tuvegarden", "act": "attestera", "day": 0, "time": "10:00"},
]}


def _with(path: str, value: Any) -> dict[str, Any]:
    """VALID with the entry at ``path`` (e.g. acts.0.unit) set; None deletes it."""
    data: dict[str, Any] = yaml.safe_load(yaml.safe_dump(VALID))
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, [{}])
    if last.isdigit():
        node[int(last)] = value
    elif value is None:
        del node[last]
    else:
        node[last] = value
    return data


ABSENCE = {"unit": "enh-tuvegarden", "from": "2023-01-16", "to": "2023-01-20",
           "ersattare": "p-000000"}


@pytest.mark.parametrize(("data", "says"), [
    (_with("acts.0.unit", "enh-x"), "acts[0].unit: okänd enhet 'enh-x'"),
    (_with("acts.0.unit", "von"), "acts[0].unit: 'von' är en namnd, inte en enhet eller "
                                  "avdelning eller forvaltning"),
    (_with("acts.1.by", "p-zzzzzz"), "acts[1].by: okänd person 'p-zzzzzz'"),
    (_with("acts.1.act", "godkann"), "acts[1].act: ska vara en av 'klarmarkera', "
                                     "'attestera' eller 'atersand'"),
    (_with("acts.1.act", "atersand"), "acts[1]: återsänd kräver reason (motivering)"),
    (_with("acts.0.reason", "x"), "acts[0]: reason och new_deadline hör bara till atersand"),
    (_with("acts.0.at", "2023-01-18T09:00"), "acts[0]: ange antingen at (tidpunkt) eller "
                                             "day och time (arbetsdagar från tidsgränsen)"),
    (_with("acts.0.time", None), "acts[0]: day kräver time, t.ex. time: '14:00'"),
    (_with("acts.0.time", "25:00"), "acts[0].time: ange klockslag som HH:MM, t.ex. '14:00'"),
    (_with("acts.0.day", "måndag"), "acts[0].day: ska vara ett heltal"),
    (_with("acts.0.who", "x"), "acts[0].who: okänt fält"),
    (_with("acts", []), "acts: får inte vara tom"),
    (_with("acts", None), "acts: saknas"),
    (_with("cycle", "VON-2022"), "cycle: skrivs NÄMND:process:år, t.ex. VON:arsbokslut:2022"),
    (_with("absences.0", {**ABSENCE, "ersattare": "p-zzzzzz"}),
     "absences[0].ersattare: okänd person 'p-zzzzzz'"),
    (_with("absences.0", {**ABSENCE, "ersattare": chef("enh-brunnsgarden"),
                          "to": "2023-01-10"}), "absences[0]: to ligger före from"),
    (_with("deadlines.0", {"level": "enheter", "day": -3, "time": "09:00",
                           "new_deadline": "2023-01-24", "reason": "x"}),
     "deadlines[0].level: ska vara en av 'enhet', 'avdelning' eller 'forvaltning'"),
    (_with("deadlines.0", {"level": "enhet", "day": -3, "time": "09:00",
                           "new_deadline": "24 januari", "reason": "x"}),
     "deadlines[0].new_deadline: ska vara ett datum, t.ex. 2023-01-24"),
    (_with("deadlines.0", {"level": "enhet", "unit": "enh-tuvegarden", "day": -3,
                           "time": "09:00", "new_deadline": "2023-01-24", "reason": "x"}),
     "deadlines[0]: ange antingen level (en nivås tidsgräns) eller unit (en enhets)"),
    (_with("deadlines.0", {"unit": "enh-x", "day": -3, "time": "09:00",
                           "new_deadline": "2023-01-24", "reason": "x"}),
     "deadlines[0].unit: okänd enhet 'enh-x'"),
    (["acts"], "(fil): ska vara en mappning med cycle och acts"),
])
def test_a_bad_file_is_one_line_naming_the_file_entry_and_field_and_nothing_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Any, says: str) -> None:
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                            encoding="utf-8")
    done = _invoke(tmp_path, monkeypatch, "--scenario", "scenario.yaml", "--out", "ut")
    assert done.exit_code == 2
    assert done.output.strip() == f"scenario.yaml: {says}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


@pytest.mark.parametrize(("data", "says"), [
    (_with("cycle", "VON:budget:2022"),
     "cycle: VON:budget:2022: årsplanen 2022/2023 har ingen sådan cykel"),
    (_with("acts.1", {"unit": "enh-tuvegarden", "act": "attestera", "day": -2, "time": "9:00"}),
     "acts[1].act: rapporten är öppen vid den tidpunkten, attestera kräver att den är "
     "klarmarkerad"),
    (_with("acts.1", {"unit": "enh-tuvegarden", "act": "klarmarkera", "day": 1,
                      "time": "9:00"}),
     "acts[1].act: rapporten är klarmarkerad vid den tidpunkten, klarmarkera kräver att den "
     "är öppen"),
    (_with("acts.1", {"unit": "von-forv", "act": "attestera", "day": 1, "time": "9:00"}),
     "acts[1].act: Vård- och omsorgsförvaltningen attesteras inte av någon chef ovanför; "
     "klarmarkera räcker"),
    (_with("acts.0.at", "2023-01-02T09:00"), None),  # replaced below: before the opening
    (_with("absences.0", {**ABSENCE, "ersattare": "CHEF"}),
     "absences[0].ersattare: är själv chef för Tuvegården"),
    (_with("acts.1.by", "CHEF"),
     "acts[1].by: CHEF är inte avdelningschef för Äldreboende 2023-01-19"),
])
def test_a_file_the_cycle_cannot_play_is_refused_before_anything_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Any, says: str | None) -> None:
    if says is None:
        data["acts"][0] = {"unit": "enh-tuvegarden", "act": "klarmarkera",
                           "at": "2023-01-02T09:00"}
        says = "acts[0]: 2023-01-02 09:00 är före cykelns start 2023-01-12"
    for absence in data.get("absences", []):
        if absence["ersattare"] == "CHEF":
            absence["ersattare"] = chef("enh-tuvegarden")
    for act in data["acts"]:
        if act.get("by") == "CHEF":  # the enhet's own chef may not attest its report
            act["by"] = chef("enh-tuvegarden")
            says = says.replace("CHEF", act["by"])
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                            encoding="utf-8")
    done = _invoke(tmp_path, monkeypatch, "--scenario", "scenario.yaml", "--out", "ut")
    assert done.exit_code == 2, done.output
    line = done.output.strip()
    assert "\n" not in line and line.startswith(f"scenario.yaml: {says.split(':')[0]}")
    assert says in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("cycle: VON:arsbokslut:2022\nacts: [\n  - {unit: x\n", encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load(path, VON / "organisation.yaml")
    assert str(caught.value).startswith(f"{path}: rad ")
    assert "ogiltig YAML" in str(caught.value)


def test_an_unquoted_clock_time_reads_as_written(tmp_path: Path) -> None:
    """YAML 1.1 reads 14:15 as 855 (base 60); the file means a quarter past two."""
    path = tmp_path / "s.yaml"
    path.write_text("cycle: VON:arsbokslut:2022\nacts:\n"
                    "  - {unit: enh-tuvegarden, act: klarmarkera, day: -1, time: 14:15}\n",
                    encoding="utf-8")
    act = load(path, VON / "organisation.yaml").acts[0]
    assert act.time == "14:15"


def test_a_scenario_that_cannot_be_read_or_written_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = _invoke(tmp_path, monkeypatch, "--scenario", "saknas.yaml")
    assert done.exit_code == 2
    assert done.output.strip().startswith("saknas.yaml: kan inte läsas: ")
    done = _invoke(tmp_path, monkeypatch, "--cycle", CYCLE, "--write-scenario", "ny/s.yaml")
    assert done.exit_code == 2
    assert done.output.strip().startswith(f"{Path('ny/s.yaml')}: kan inte skrivas: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--scenario", "s.yaml", "--cycle", CYCLE],
     "--scenario: filen anger själv sin cykel; ange inte --cycle eller --write-scenario"),
    (["--write-scenario", "s.yaml"],
     "--write-scenario: ange vilken cykel med --cycle, t.ex. VON:arsbokslut:2022"),
    (["--scenario", "s.yaml", "--seed", "3"], "--seed: gäller bara med --cycle"),
])
def test_options_that_do_not_go_together_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str) -> None:
    done = _invoke(tmp_path, monkeypatch, *args)
    assert done.exit_code == 2 and done.output.strip() == says
    assert list(tmp_path.iterdir()) == []


def test_a_process_where_only_avdelningar_report_is_simulated_without_enheter(
        tmp_path: Path) -> None:
    scenario = prepare(harness_settings(tmp_path), MEMORY,
                       parse_cycle("VON:fordjupad_manadsuppfoljning:2022"), VON, 2022, None)
    org = yaml.safe_load((VON / "organisation.yaml").read_text(encoding="utf-8"))
    kinds = {u["unit_id"]: u["kind"] for u in org["units"]}
    assert {kinds[u] for u in scenario.scope} == {"avdelning", "forvaltning"}
    acting = {getattr(c, "report_id", None) for _, _, c in scenario.steps} - {None}
    assert acting <= {unit_report_id(scenario.cycle_id, u) for u in scenario.scope}
