from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infrastructure.settings import get_settings
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine, test_settings
from tests.support.stores import (
    MEMORY_ENV,
    REQUIRE_POSTGRES,
    missing_postgres_message,
    postgres_available,
    postgres_required,
    postgres_schema_env,
    skip_without_postgres,
    sqlite_env,
)

ROOT = Path(__file__).resolve().parents[1]
# Tools' own caches and working copies (mutmut's mutants/); everything else a test run
# leaves in the repository is a finding.
NOT_WATCHED = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
               ".hypothesis", "mutants"}
HISTORIES = "tests/workflows/histories/"


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """get_settings() is cached per process: every test reads the ARSPLAN_* variables it
    sets itself, never an earlier test's, in any order (pytest-randomly shuffles it)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


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
        skip_without_postgres()
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


def tree_entries() -> set[str]:
    """Every file and folder in the repository, but the tools' caches."""
    entries: set[str] = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in NOT_WATCHED]
        here = Path(folder).relative_to(ROOT)
        entries.update(f"{(here / d).as_posix()}/" for d in dirs)
        entries.update((here / f).as_posix() for f in files)
    return entries


def pytest_sessionstart(session: pytest.Session) -> None:
    if postgres_required() and not postgres_available():
        pytest.exit(f"{missing_postgres_message()}, and {REQUIRE_POSTGRES}=1 (make test, CI) "
                    "requires it: start PostgreSQL, or run pytest without the variable to "
                    "skip its tests", returncode=pytest.ExitCode.TESTS_FAILED)
    session.config._arsplan_tree = tree_entries()  # type: ignore[attr-defined]


def created_in_tree(config: pytest.Config) -> list[str]:
    """What the run added to the repository (tests write under tmp_path). Recording
    histories (ARSPLAN_RECORD_HISTORIES=1) writes tests/workflows/histories/ on purpose;
    ARSPLAN_TREE_GUARD=0 turns the check off in a tree others are editing meanwhile. Only a
    git checkout is watched: mutmut's copy (mutants/) is its own to write in."""
    before = getattr(config, "_arsplan_tree", None)
    if (before is None or os.environ.get("ARSPLAN_TREE_GUARD", "1") == "0"
            or not (ROOT / ".git").exists()):
        return []
    recording = os.environ.get("ARSPLAN_RECORD_HISTORIES") == "1"
    return sorted(e for e in tree_entries() - before
                  if not (recording and e.startswith(HISTORIES)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    created = created_in_tree(session.config)
    if created:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    session.config._arsplan_created = created  # type: ignore[attr-defined]
    session.config._arsplan_status = int(session.exitstatus)  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    if config.pluginmanager.hasplugin("randomly") and config.getoption("randomly_reorganize"):
        # -q hides pytest-randomly's header line: the order is repeatable from this.
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"Test order: -p randomly --randomly-seed={seed}")
    created = getattr(config, "_arsplan_created", [])
    if created:
        terminalreporter.write_sep("=", "the tests wrote into the working tree", red=True)
        for entry in created:
            terminalreporter.write_line(f"  {entry}")
        terminalreporter.write_line(f"{len(created)} new in {ROOT}: write under tmp_path; "
                                    "this run fails")
