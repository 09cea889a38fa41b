"""`arsplan report compile` and `arsplan report delarsrapport` on a real SQLite store."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from domain import commands as c
from domain.ids import unit_report_id
from infrastructure.settings import get_settings
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022
from tests.support.stores import sqlite_env

DATA = Path(__file__).resolve().parents[2] / "data" / "snd2023"
runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "events.sqlite"
    app = TestEngine(env=sqlite_env(path))
    build_organisation(app)
    open_delar_2022(app)
    report = unit_report_id(CYCLE, "enh-ekhagen")
    app.execute(c.ChangeItem(report_id=report, item_id="mal-trygg-vard", field="analys",
                             value="Analys från CLI-testet"), "anna")
    app.execute(c.Klarmarkera(report_id=report), "anna")
    app.execute(c.Attestera(report_id=report), "david")
    app.close()
    monkeypatch.setenv("ARSPLAN_EVENT_STORE", "sqlite")
    monkeypatch.setenv("ARSPLAN_SQLITE_PATH", str(path))
    # Settings are cached per process: an earlier test's would name another store.
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_compile_writes_the_underlag_for_a_named_cycle(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "underlag.docx"
    result = runner.invoke(cli, ["report", "compile", "--cycle", "VON:delarsbokslut:2022",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "Analys från CLI-testet" in text


def test_compile_as_of_a_date_before_the_cycle_is_refused(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "compile", "--cycle", str(CYCLE), "--as-of",
                                 "2000-01-01", "--out", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert "fanns inte" in result.output


def test_unknown_cycle_spec_is_a_usage_error(store: Path) -> None:
    result = runner.invoke(cli, ["report", "compile", "--cycle", "delarsbokslut"])
    assert result.exit_code != 0
    assert not Path("underlag.docx").exists()


def test_delarsrapport_from_data_files(tmp_path: Path) -> None:
    out = tmp_path / "snd.docx"
    result = runner.invoke(cli, ["report", "delarsrapport", "--data", str(DATA),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(docx.Document(io.BytesIO(out.read_bytes())).tables) == 9
