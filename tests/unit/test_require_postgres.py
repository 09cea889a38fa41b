"""A PostgreSQL that does not answer skips its tests for a developer, but fails the run
where ARSPLAN_REQUIRE_POSTGRES=1 (`make test`, so CI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.eventstore.pg_schema import POSTGRES_DSN
from tests.support.stores import postgres_address, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PG_TESTS = "tests/integration/test_pg_schema.py"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port bound but not listening: connections to it are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def run_pg_tests(port: int, *, require: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARSPLAN_TEST_POSTGRES_DSN": f"postgresql://postgres@127.0.0.1:{port}/test"}
    env.pop("ARSPLAN_REQUIRE_POSTGRES", None)
    if require:
        env["ARSPLAN_REQUIRE_POSTGRES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         PG_TESTS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_without_the_requirement_a_missing_server_skips_its_tests(closed_port: int) -> None:
    done = run_pg_tests(closed_port, require=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout


def test_with_the_requirement_a_missing_server_fails_the_run_naming_it(closed_port: int) -> None:
    done = run_pg_tests(closed_port, require=True)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert f"PostgreSQL is not answering on 127.0.0.1:{closed_port}" in output
    assert "ARSPLAN_REQUIRE_POSTGRES=1" in output
    assert "passed" not in output and "skipped" not in output


def test_the_default_server_is_named_in_the_message() -> None:
    assert postgres_address(POSTGRES_DSN) == "127.0.0.1:5432"


def test_a_missing_service_skips_unless_its_variable_requires_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # What every PostgreSQL (and NATS) test does if its server goes away during a run.
    monkeypatch.delenv("ARSPLAN_REQUIRE_X", raising=False)
    with pytest.raises(pytest.skip.Exception, match="X is not answering"):
        skip_or_fail("X is not answering", "ARSPLAN_REQUIRE_X")
    monkeypatch.setenv("ARSPLAN_REQUIRE_X", "1")
    with pytest.raises(pytest.fail.Exception, match="ARSPLAN_REQUIRE_X=1 requires it"):
        skip_or_fail("X is not answering", "ARSPLAN_REQUIRE_X")
