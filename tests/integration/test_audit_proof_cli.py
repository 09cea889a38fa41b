"""A revisor's session on another store (``--store``): sign a head, prove an event, check the
proof with the standalone verifier, verify the store against the head, export a period."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.seals import SealKey
from cli.main import app as cli
from infrastructure.settings import get_settings
from tests.integration.projection_support import EKHAGEN, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.support.tamper import StoreTamperer

runner = CliRunner()
VERIFIER = Path(__file__).resolve().parents[2] / "audit" / "standalone_verifier.py"


@pytest.fixture
def recorded(tmp_path: Path, clock: ManualClock,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store somewhere else than the settings say, and the signing key in the settings."""
    path = tmp_path / "kommunens-kopia.sqlite"
    app = TestEngine(env=sqlite_env(path), clock=clock)
    record_history(app, clock)
    app.close()
    SealKey.create(tmp_path / "seal.pem")
    monkeypatch.setenv("ARSPLAN_SEAL_KEY_FILE", str(tmp_path / "seal.pem"))
    monkeypatch.setenv("ARSPLAN_EVENT_STORE", "memory")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_sign_prove_and_verify_a_store_named_on_the_command_line(
        recorded: Path, tmp_path: Path) -> None:
    head, proof = tmp_path / "head.json", tmp_path / "proof.json"
    sealed = runner.invoke(cli, ["audit", "seal", "--store", str(recorded), "--out", str(head)])
    assert sealed.exit_code == 0, sealed.output
    app = TestEngine(env=sqlite_env(recorded))
    event = list(app.aggregate_events(EKHAGEN))[-1]
    app.close()
    proved = runner.invoke(cli, ["audit", "prove", str(event.event_id), "--store", str(recorded),
                                 "--seal-file", str(head), "--out", str(proof)])
    assert proved.exit_code == 0, proved.output
    checked = subprocess.run([sys.executable, "-I", str(VERIFIER), "inclusion", str(proof)],
                             capture_output=True, text=True, check=False, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    verified = runner.invoke(cli, ["verify", "--store", str(recorded), "--seal-file", str(head)])
    assert verified.exit_code == 0, verified.output
    assert "1 sigill stämmer" in verified.output


def test_verify_fails_naming_the_event_after_a_deleted_latest_event(
        recorded: Path, tmp_path: Path) -> None:
    head = tmp_path / "head.json"
    assert runner.invoke(cli, ["audit", "seal", "--store", str(recorded),
                               "--out", str(head)]).exit_code == 0
    app = TestEngine(env=sqlite_env(recorded))
    latest = list(app.aggregate_events(EKHAGEN))[-1]
    app.close()
    StoreTamperer(sqlite_env(recorded)).delete(EKHAGEN, latest.originator_version)  # type: ignore[arg-type]
    result = runner.invoke(cli, ["verify", "--store", str(recorded), "--seal-file", str(head)],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert f"of aggregate {EKHAGEN} version {latest.originator_version}" in result.output
    assert "events were deleted" in result.output or "differ" in result.output


def test_a_store_that_does_not_exist_is_one_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["verify", "--store", str(tmp_path / "saknas.sqlite")],
                           env={"COLUMNS": "400"})
    assert result.exit_code == 2
    assert "saknas.sqlite finns inte" in result.output


def test_the_export_gives_both_instants_in_stockholm_time(recorded: Path) -> None:
    result = runner.invoke(cli, ["audit", "export", "--store", str(recorded), "--from",
                                 "2022-08-01", "--to", "2022-08-31"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines
    for entry in lines:
        for field in ("recorded_at", "occurred_at"):
            instant = datetime.fromisoformat(entry[field])
            assert entry[field].endswith("+02:00")  # August: CEST
            assert instant.utcoffset() is not None and instant.astimezone(UTC)
