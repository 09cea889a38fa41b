from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from domain.calendar import STOCKHOLM
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.workflows.harness import harness_settings

SCENARIO_START = datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    return sqlite_env(tmp_path / "events.sqlite")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SCENARIO_START)


@pytest.fixture
def app(store_env: dict[str, str], clock: ManualClock,
        tmp_path: Path) -> Iterator[TestEngine]:
    application = TestEngine(env=store_env, clock=clock, settings=harness_settings(tmp_path))
    yield application
    application.close()
