"""The simulation driver, as the workflow tests use it (see infrastructure.simulation)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.application import Arsplaner
from infrastructure.settings import Settings
from infrastructure.simulation import Simulation, simulation
from tests.support.clock import ManualClock

Scenario = Simulation


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
