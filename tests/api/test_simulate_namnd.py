"""`arsplan simulate --cycle SN:…`: a cycle runs on the data of the nämnd it names (sn/ for
Socialnämnden), found in the data folder as VON's is; a nämnd without data is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from cli.simulate import run_cycle_simulation
from cli.simulate_scenario import named_cycle, namnd_folder, write_scenario
from simulation import scenario_file
from simulation.scenario import CycleOptionError
from tests.workflows.harness import harness_settings

DATA = Path(__file__).parents[2] / "data"


def test_a_cycle_of_socialnamnden_plays_on_its_own_data(tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), width=200)
    outcome = run_cycle_simulation(harness_settings(tmp_path), console, "SN:delarsbokslut:2022",
                                   store=tmp_path / "sim.sqlite", out=tmp_path / "out")
    assert (outcome.cycle.namnd_code, outcome.cycle.title) == ("SN", "Delårsbokslut 2022")
    assert outcome.cycle.status == "closed"  # underlag sent, beslut recorded and exported
    names = {row.unit_name for row in outcome.board.rows}
    assert len(names) == 11 and {"Avdelning unga", "Boende Nolby"} <= names
    assert outcome.scenario.schedule.beslut_date.isoformat() == "2022-09-27"
    assert list((outcome.drop_dir / "klk").iterdir())


def test_a_namnd_without_data_is_refused_naming_those_with(tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), width=200)
    with pytest.raises(CycleOptionError, match=r"ingen data för nämnden KS \(finns: VON, SN\)"):
        run_cycle_simulation(harness_settings(tmp_path), console, "KS:delarsbokslut:2022",
                             out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_written_sn_scenario_is_read_against_socialnamndens_organisation(
        tmp_path: Path) -> None:
    settings = harness_settings(tmp_path)
    written = write_scenario(settings, "SN:budget:2023", None, tmp_path / "sn.yaml")
    folder = namnd_folder(settings, named_cycle(written) or "", None)
    assert folder == DATA / "sn"
    loaded = scenario_file.load(written, folder / "organisation.yaml")
    assert loaded.cycle == "SN:budget:2023"
    assert {a.unit for a in loaded.acts} <= {"enh-mottagningsteam", "enh-hit-team",
                                             "enh-sakerhetsteam", "enh-utredning-barn-unga",
                                             "enh-mini-maria", "enh-stod-och-forsorjning",
                                             "enh-socialmedicinska-mottagningen",
                                             "enh-boende-nolby", "avd-unga", "avd-vuxna",
                                             "sn-forv"}
