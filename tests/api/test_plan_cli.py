"""`arsplan plan move-milestone` on a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from domain.arsplan import Arsplan
from domain.ids import arsplan_id
from infrastructure.importer import import_arsplan, import_organisation
from infrastructure.settings import get_settings
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env

DATA = Path("data/von")
runner = CliRunner()
MOVE = ["plan", "move-milestone", "--milestone", "f-ars-2022-enhetschefer",
        "--start", "2023-01-12", "--end", "2023-01-23", "--reason", "Nämnden flyttade mötet"]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "events.sqlite"
    app = TestEngine(env=sqlite_env(path))
    import_organisation(app, DATA / "organisation.yaml")
    import_arsplan(app, DATA / "arsplan_2022_2023.yaml")
    app.close()
    monkeypatch.setenv("ARSPLAN_EVENT_STORE", "sqlite")
    monkeypatch.setenv("ARSPLAN_SQLITE_PATH", str(path))
    # Settings are cached per process: an earlier test's would name another store.
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _end(path: Path) -> date:
    app = TestEngine(env=sqlite_env(path))
    try:
        return app.get(arsplan_id("VON", "2022/2023"), Arsplan).milestones[
            "f-ars-2022-enhetschefer"].end
    finally:
        app.close()


def test_the_controller_moves_a_milestone(store: Path) -> None:
    result = runner.invoke(cli, [*MOVE, "--as", "p-355f78"])
    assert result.exit_code == 0, result.output
    assert _end(store) == date(2023, 1, 23)


def test_someone_without_the_role_is_refused_and_nothing_moves(store: Path) -> None:
    result = runner.invoke(cli, [*MOVE, "--as", "p-33d1cc"])
    assert result.exit_code == 1
    assert "role_not_held" in result.output
    assert _end(store) == date(2023, 1, 19)
