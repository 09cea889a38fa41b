"""``simulate_cycle``: the script the acceptance test checks, as ``arsplan simulate`` runs it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from simulation.delarsbokslut_2022 import simulate_cycle
from tests.workflows.harness import harness_settings


async def test_simulate_cycle_plays_the_whole_delarsbokslut_and_reports_what_happened(
        tmp_path: Path) -> None:
    steps: list[tuple[datetime, str, str]] = []
    report = await simulate_cycle(harness_settings(tmp_path),
                                  on_step=lambda at, who, what: steps.append((at, who, what)))
    assert report.phase == "closed"
    assert report.events_by_type["BeslutExported"] == 1
    assert report.events_by_type["UnderlagSent"] == 1
    assert report.events_by_type["Escalated"] == 1
    assert report.events_by_type["Atersand"] == 1
    assert report.events_by_type["ReminderSent"] == 8
    assert report.events_by_type["AttestationRequested"] == 11
    # One message per reminder, escalation and Attestera task, none twice.
    assert report.notifications == 8 + 1 + 11
    assert steps[0][1:] == ("p-0a678d", "Klarmarkera")
    assert [s[0] for s in steps] == sorted(s[0] for s in steps)
    assert list((tmp_path / "drop" / "platina").rglob("*.zip"))
