from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.support.engine import TestEngine, test_settings
from tests.support.stores import MEMORY_ENV, postgres_available, postgres_schema_env, sqlite_env

_PG = postgres_available()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2022, 8, 12, 8, 0, tzinfo=UTC))


@contextmanager
def _store(kind: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    if kind == "memory":
        yield dict(MEMORY_ENV)
    elif kind == "sqlite":
        yield sqlite_env(tmp_path / "events.sqlite")
    else:
        if not _PG:
            pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432 (start it to run these)")
        with postgres_schema_env() as env:
            yield env


@pytest.fixture(params=["sqlite", "postgres"])
def durable_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store on disk or in PostgreSQL: other applications, threads or processes can open
    it again (a fresh PostgreSQL schema per test)."""
    with _store(request.param, tmp_path) as env:
        yield env


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with _store(request.param, tmp_path) as env:
        yield env


@pytest.fixture
def app(store_env: dict[str, str], clock: ManualClock,
        tmp_path: Path) -> Iterator[TestEngine]:
    application = TestEngine(env=store_env, clock=clock, settings=test_settings(
        drop_dir=tmp_path / "drop", var_dir=tmp_path / "var"))
    yield application
    application.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    # temporalio's Rust runtime threads can abort interpreter shutdown with exit 134
    # after all tests passed (sdk-python issue 300): leave with pytest's own status.
    if os.environ.get("ARSPLAN_HARD_EXIT", "1") == "1" and hasattr(config, "_arsplan_status"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config._arsplan_status)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._arsplan_status = int(exitstatus)  # type: ignore[attr-defined]
