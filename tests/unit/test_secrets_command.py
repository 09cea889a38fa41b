"""`arsplan secrets`: every file docker-compose.yml mounts, random, kept on a second run."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner

from audit.seals import SealKey
from cli.main import app
from cli.secrets_command import SECRETS


def _generate(folder: Path) -> str:
    result = CliRunner().invoke(app, ["secrets", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def test_it_writes_every_secret_once(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    _generate(folder)
    files = {p.name: p.read_text() for p in folder.iterdir()}
    assert set(files) == set(SECRETS) | {"seal_key.pem"}
    passwords = [files[n] for n in ("postgres_password", "pg_owner_password",
                                    "pg_app_password", "temporal_db_password")]
    assert len(set(passwords)) == 4 and all(len(p) >= 40 for p in passwords)
    assert f"arsplan_app:{files['pg_app_password']}@postgres" in files["app_dsn"]
    assert f"arsplan_owner:{files['pg_owner_password']}@postgres" in files["owner_dsn"]
    assert json.loads(files["api_tokens.json"]) == {}
    SealKey.load(folder / "seal_key.pem")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    second = _generate(folder)
    assert "created" not in second
    assert {p.name: p.read_text() for p in folder.iterdir()} == files


def test_another_folder_gets_other_secrets(tmp_path: Path) -> None:
    _generate(tmp_path / "a")
    _generate(tmp_path / "b")
    assert (tmp_path / "a" / "encryption_key").read_text() != \
        (tmp_path / "b" / "encryption_key").read_text()
