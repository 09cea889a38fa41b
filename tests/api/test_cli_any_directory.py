"""Every command works from any directory: data files come from the package (or an option),
a missing one is a one-line error naming it, and nothing is written into the directory the
command was started from."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from infrastructure.eventstore import ArsplanStore
from infrastructure.packaged_data import packaged_data_dir
from infrastructure.settings import Settings

runner = CliRunner()


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty current directory outside the repository, the default settings (relative
    paths and all), and the store and var folder named apart from it."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    for name in ("EVENT_STORE", "SQLITE_PATH", "DATA_DIR", "VAR_DIR", "DROP_DIR",
                 "SEAL_KEY_FILE", "SECRETS_DIR"):
        monkeypatch.delenv(f"ARSPLAN_{name}", raising=False)
    monkeypatch.chdir(cwd)
    yield cwd
    assert sorted(p.name for p in cwd.iterdir()) == []  # nothing written where it started


def _store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store" / "events.sqlite"
    monkeypatch.setenv("ARSPLAN_SQLITE_PATH", str(path))
    return path


def test_the_data_files_ship_with_the_package() -> None:
    folder = packaged_data_dir()
    assert (folder / "von" / "organisation.yaml").is_file()
    assert (folder / "snd2023" / "ekonomi.yaml").is_file()


def test_import_reads_the_packaged_data(elsewhere: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path, monkeypatch)
    result = runner.invoke(cli, ["import"])
    assert result.exit_code == 0, result.output
    assert "Organisation: version" in result.output and store.exists()


def test_a_missing_data_file_is_one_line_naming_it_and_opens_no_store(
        elsewhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path, monkeypatch)
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(cli, ["import", "--data-dir", str(missing)])
    assert result.exit_code == 2
    assert result.output == f"{missing / 'organisation.yaml'}: file not found\n"
    assert not store.parent.exists()


def test_simulate_without_its_data_files_stops_before_anything_starts(
        elsewhere: Path, tmp_path: Path) -> None:
    missing = tmp_path / "von"
    missing.mkdir()
    (missing / "organisation.yaml").write_text("code: VON\n", encoding="utf-8")
    result = runner.invoke(cli, ["simulate", "--data-dir", str(missing),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == f"{missing / 'report_template.yaml'}: file not found\n"
    assert not (tmp_path / "out").exists()


def test_a_mistyped_cycle_creates_no_store(elsewhere: Path) -> None:
    result = runner.invoke(cli, ["report", "compile", "--cycle", "VON:delarsbokslut"])
    assert result.exit_code == 2
    assert "NÄMND:process:år" in result.output
    assert not Path("var").exists()  # the default store, var/arsplan.sqlite, is not made


def test_delarsrapport_defaults_to_the_packaged_data(elsewhere: Path, tmp_path: Path) -> None:
    out = tmp_path / "snd.docx"
    result = runner.invoke(cli, ["report", "delarsrapport", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(docx.Document(io.BytesIO(out.read_bytes())).tables) == 9


def test_settings_name_the_sqlite_folder_and_opening_the_store_makes_it(
        tmp_path: Path) -> None:
    path = tmp_path / "new" / "events.sqlite"
    env = Settings(_env_file=None, event_store="sqlite",  # type: ignore[call-arg]
                   sqlite_path=path).eventsourcing_env()
    assert env["SQLITE_DBNAME"] == str(path) and not path.parent.exists()
    ArsplanStore(env=env).close()
    assert path.is_file()
