"""The simulation driver, as the workflow tests use it (see infrastructure.simulation)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.application import Arsplaner
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from infrastructure.settings import Settings
from infrastructure.simulation import Simulation, simulation
from tests.support.clock import ManualClock

Scenario = Simulation
VON_DATA = Path("data/von")


def harness_settings(tmp_path: Path) -> Settings:
    return Settings(drop_dir=tmp_path / "drop", data_dir=Path("data"), var_dir=tmp_path / "var",
                    event_store="memory")


@asynccontextmanager
async def scenario(tmp_path: Path, app: Arsplaner, clock: ManualClock,
                   store_env: dict[str, str], start: datetime,
                   **worker_options: Any) -> AsyncIterator[Simulation]:
    async with simulation(harness_settings(tmp_path), app, clock, store_env, start,
                          **worker_options) as s:
        yield s


def import_von_plan(app: Arsplaner, clock: ManualClock, at: datetime) -> None:
    """VON's organisation, report template and Årsplan 2022/2023, imported at ``at``."""
    clock.now = at
    import_organisation(app, VON_DATA / "organisation.yaml")
    import_report_template(app, "VON", VON_DATA / "report_template.yaml")
    import_arsplan(app, VON_DATA / "arsplan_2022_2023.yaml")
