"""`arsplan simulate` plays Delårsbokslut 2022 VON and prints the outcome per unit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARSPLAN = Path(sys.executable).parent / "arsplan"


@pytest.mark.slow
def test_simulate_prints_each_units_outcome_the_underlag_and_the_beslut(
        tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "160", "ARSPLAN_DATA_DIR": str(REPO / "data"),
           "ARSPLAN_DROP_DIR": str(tmp_path / "drop"), "ARSPLAN_VAR_DIR": str(tmp_path)}
    done = subprocess.run([str(ARSPLAN), "simulate", "--store", str(tmp_path / "sim.sqlite")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Delårsbokslut 2022: avslutad" in out
    haga = next(line for line in out.splitlines() if "Haga hemtjänst 1" in line)
    # Haga is late in the script: reminded, escalated, its klarmarkering deadline missed.
    cells = [c.strip() for c in haga.split("│") if c.strip()]
    assert cells[1] == "Godkänd" and cells[5] == "1" and "klarmarkera" in cells[6]
    assert "Nämnden godkänner delårsbokslut 2022" in out
    assert str(tmp_path / "drop" / "klk") in out
    assert (tmp_path / "sim.sqlite").exists()
