"""`arsplan simulate` plays Delårsbokslut 2022 VON and prints the outcome per unit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ARSPLAN = Path(sys.executable).parent / "arsplan"


@pytest.mark.slow
def test_simulate_prints_each_units_outcome_the_underlag_and_the_beslut(
        tmp_path: Path) -> None:
    """Started outside the repository, with the packaged data; everything it writes goes
    under the var dir's simulation/ folder, nothing into the current directory."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("ARSPLAN_DATA_DIR", "ARSPLAN_DROP_DIR", "ARSPLAN_SQLITE_PATH")}
    env |= {"COLUMNS": "160", "ARSPLAN_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run([str(ARSPLAN), "simulate", "--store", str(tmp_path / "sim.sqlite")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(cwd.iterdir()) == []
    assert (tmp_path / "var" / "simulation" / "drop" / "klk").is_dir()
    out = done.stdout
    assert "Delårsbokslut 2022: avslutad" in out
    haga = next(line for line in out.splitlines() if "Haga hemtjänst 1" in line)
    # Haga is late in the script: reminded, escalated, its klarmarkering deadline missed.
    cells = [c.strip() for c in haga.split("│") if c.strip()]
    assert cells[1] == "Godkänd" and cells[5] == "1" and "klarmarkera" in cells[6]
    assert "Nämnden godkänner delårsbokslut 2022" in out
    assert str(tmp_path / "var" / "simulation" / "drop") in out
    assert (tmp_path / "sim.sqlite").exists()
    # Planering, Funktionsstöd and Hälso- och sjukvård report with none of their enheter.
    alone = next(line for line in out.splitlines() if "Utan underliggande enheter" in line)
    assert "Planering" in alone and "Funktionsstöd" in alone
    assert "Schema och resursenheten" in out  # named: not in the cycle
    assert_logs_name_nobody(done.stderr)


def assert_logs_name_nobody(logs: str) -> None:
    """Logs carry ids (person, cycle, report, workflow), never a name or an e-mail address."""
    organisation = yaml.safe_load(
        (Path(__file__).parents[2] / "data" / "von" / "organisation.yaml").read_text())
    personal = {p[key] for p in organisation["people"] for key in ("name", "email") if p.get(key)}
    lines = [line for line in logs.splitlines() if line.startswith("{")]
    assert len(lines) > 10, "the run logged nothing to check"
    assert personal, "the organisation names nobody"
    leaks = sorted({value for value in personal for line in lines if value in line})
    assert leaks == []
