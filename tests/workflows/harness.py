"""The simulation driver, as the workflow tests use it (see simulation/harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from infrastructure.settings import Settings
from simulation.harness import Simulation, simulation
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine, test_settings

Scenario = Simulation
VON_DATA = Path(__file__).resolve().parents[2] / "data" / "von"


def harness_settings(tmp_path: Path) -> Settings:
    """Everything a run writes goes under the test's own folder."""
    return test_settings(drop_dir=tmp_path / "drop", data_dir=VON_DATA.parent,
                         var_dir=tmp_path / "var", event_store="memory")


@asynccontextmanager
async def scenario(tmp_path: Path, app: TestEngine, clock: ManualClock,
                   store_env: dict[str, str], start: datetime,
                   **worker_options: Any) -> AsyncIterator[Simulation]:
    async with simulation(app, clock, store_env, start, **worker_options) as s:  # type: ignore[arg-type]
        yield s


def import_von_plan(app: TestEngine, clock: ManualClock, at: datetime) -> None:
    """VON's organisation, report template and Årsplan 2022/2023, imported at ``at``."""
    clock.now = at
    import_organisation(app, VON_DATA / "organisation.yaml")
    import_report_template(app, "VON", VON_DATA / "report_template.yaml")
    import_arsplan(app, VON_DATA / "arsplan_2022_2023.yaml")
