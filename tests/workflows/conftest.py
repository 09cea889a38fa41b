from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from domain.application import Arsplaner
from domain.calendar import STOCKHOLM
from tests.support.clock import ManualClock
from tests.support.stores import sqlite_env

SCENARIO_START = datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    return sqlite_env(tmp_path / "events.sqlite")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SCENARIO_START)


@pytest.fixture
def app(store_env: dict[str, str], clock: ManualClock) -> Iterator[Arsplaner]:
    application = Arsplaner(env=store_env, clock=clock)
    yield application
    application.close()
