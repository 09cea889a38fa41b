"""The auditor's CLI: replay compares read models, history and export only read."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from audit.verify import verify_store
from cli.main import app as cli
from domain import commands as c
from infrastructure.settings import get_settings
from projections.read_models import PROJECTIONS, ReadModels
from projections.runner import catch_up_all
from tests.integration.projection_support import EKHAGEN, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import (
    POSTGRES_DSN,
    postgres_schema_env,
    skip_without_postgres,
    sqlite_env,
)
from tests.support.tamper import StoreTamperer

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestEngine, dict[str, str]]]:
    """A recorded history in the store the CLI's settings point at."""
    if request.param == "sqlite":
        env = sqlite_env(tmp_path / "events.sqlite")
        monkeypatch.setenv("ARSPLAN_EVENT_STORE", "sqlite")
        monkeypatch.setenv("ARSPLAN_SQLITE_PATH", env["SQLITE_DBNAME"])
        yield from _recorded(env, clock)
    else:
        skip_without_postgres()
        with postgres_schema_env() as env:
            monkeypatch.setenv("ARSPLAN_EVENT_STORE", "postgres")
            monkeypatch.setenv("ARSPLAN_POSTGRES_DSN", POSTGRES_DSN)
            monkeypatch.setenv("ARSPLAN_POSTGRES_SCHEMA", env["POSTGRES_SCHEMA"])
            yield from _recorded(env, clock)


def _recorded(env: dict[str, str], clock: ManualClock
              ) -> Iterator[tuple[TestEngine, dict[str, str]]]:
    get_settings.cache_clear()
    app = TestEngine(env=env, clock=clock)
    record_history(app, clock)
    models = ReadModels(env)
    catch_up_all(app, models)
    models.close()
    yield app, env
    app.close()
    get_settings.cache_clear()


def test_replay_finds_every_read_model_equal(store: tuple[TestEngine, dict[str, str]]) -> None:
    result = runner.invoke(cli, ["audit", "replay"])
    assert result.exit_code == 0, result.output
    compared = [p for p in PROJECTIONS if p.compared_in_replay]
    assert result.output.count("lika") == len(compared) and "SKILJER" not in result.output


def test_replay_compares_a_lagging_read_model_at_its_own_position(
        store: tuple[TestEngine, dict[str, str]]) -> None:
    app, _ = store
    app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
    # The live read models have not seen the återsänd yet; replay must still agree.
    result = runner.invoke(cli, ["audit", "replay", "--in-memory"])
    assert result.exit_code == 0, result.output


def test_replay_exits_1_when_a_live_read_model_differs(
        store: tuple[TestEngine, dict[str, str]]) -> None:
    _, env = store
    # Someone edits the live read model behind the projection's back.
    edit = ("UPDATE {table} SET doc = replace(doc, 'godkand', 'pagar') "
            "WHERE kind = 'report'")
    if "SQLITE_DBNAME" in env:
        with sqlite3.connect(env["SQLITE_DBNAME"]) as con:
            con.execute(edit.format(table="reporting_rows"))
    else:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as pg:
            pg.execute(edit.format(table=f'"{env["POSTGRES_SCHEMA"]}".reporting_rows'))
    result = runner.invoke(cli, ["audit", "replay"])
    assert result.exit_code == 1
    compared = [p for p in PROJECTIONS if p.compared_in_replay]
    assert "SKILJER" in result.output and result.output.count("lika") == len(compared) - 1


def test_history_lists_every_event_of_one_aggregate(
        store: tuple[TestEngine, dict[str, str]]) -> None:
    result = runner.invoke(cli, ["audit", "history", str(EKHAGEN)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for expected in ("UnitReport.Opened", "UnitReport.ItemChanged", "UnitReport.Klarmarkerad",
                     "UnitReport.Godkand", "avdelningschef", "Tryggheten ökar", "Kedjan hel"):
        assert expected in result.output


def test_history_exits_1_on_a_tampered_event(store: tuple[TestEngine, dict[str, str]]) -> None:
    _, env = store
    tamper = StoreTamperer(env)
    tamper.set_state(EKHAGEN, 2, tamper.state(EKHAGEN, 2).replace(
        b"Tryggheten", b"Otryggheten"))
    result = runner.invoke(cli, ["audit", "history", str(EKHAGEN)])
    assert result.exit_code == 1
    assert "BRUTEN LÄNK" in result.output


def test_export_writes_the_events_recorded_in_the_period_as_jsonl(
        store: tuple[TestEngine, dict[str, str]]) -> None:
    result = runner.invoke(cli, ["audit", "export", "--from", "2022-08-22", "--to",
                                 "2022-08-23", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["event_type"], r["person_id"]) for r in rows] == [
        ("UnitReport.Klarmarkerad", "anna"), ("UnitReport.Klarmarkerad", "bertil")]
    assert all(r["cycle_id"] and r["role"] == "enhetschef" for r in rows)


def test_export_as_csv_carries_on_whose_behalf(
        store: tuple[TestEngine, dict[str, str]], tmp_path: Path) -> None:
    app, _ = store
    app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
    # Ida, vikarie for Anna in July, records a change that happened then.
    app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                             value="Vikariens text",
                             occurred_at=datetime(2022, 7, 15, 9, 0, tzinfo=UTC)), "ida")
    out = tmp_path / "export.csv"
    result = runner.invoke(cli, ["audit", "export", "--from", "2022-08-25", "--to",
                                 "2022-08-25", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["event_type"] for r in rows][-2:] == ["UnitReport.Atersand",
                                                     "UnitReport.ItemChanged"]
    assert (rows[-1]["person_id"], rows[-1]["on_behalf_of"]) == ("ida", "anna")
    assert rows[-1]["occurred_at"].startswith("2022-07-15")
    assert json.loads(rows[-1]["payload"])["new"] == "Vikariens text"


def test_the_auditor_tools_leave_the_live_store_untouched(
        store: tuple[TestEngine, dict[str, str]]) -> None:
    app, _ = store
    before = verify_store(app).head
    for args in (["audit", "replay"], ["audit", "history", str(EKHAGEN)],
                 ["audit", "export", "--from", "2022-01-01", "--to", "2022-12-31"]):
        assert runner.invoke(cli, args).exit_code == 0
    assert verify_store(app).head == before
