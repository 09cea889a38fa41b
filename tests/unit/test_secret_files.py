"""Docker secrets: settings read from files in ARSPLAN_SECRETS_DIR, the environment first."""

from __future__ import annotations

from pathlib import Path

import pytest

from feed.settings import FeedSettings
from infrastructure.settings import Settings


def _settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_a_secret_file_sets_its_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "arsplan_encryption_key").write_text("a2V5LWZyb20tYS1maWxl\n")
    (tmp_path / "arsplan_feed_pseudonym_secret").write_text("from-a-file")
    monkeypatch.setenv("ARSPLAN_SECRETS_DIR", str(tmp_path))
    monkeypatch.delenv("ARSPLAN_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("ARSPLAN_FEED_PSEUDONYM_SECRET", raising=False)
    assert _settings().encryption_key == "a2V5LWZyb20tYS1maWxl"
    assert FeedSettings(_env_file=None).pseudonym_secret == "from-a-file"  # type: ignore[call-arg]


def test_the_environment_wins_over_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "arsplan_encryption_key").write_text("from-a-file")
    monkeypatch.setenv("ARSPLAN_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("ARSPLAN_ENCRYPTION_KEY", "from-the-environment")
    assert _settings().encryption_key == "from-the-environment"


def test_without_the_folder_no_file_is_read(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "arsplan_encryption_key").write_text("from-a-file")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARSPLAN_SECRETS_DIR", raising=False)
    monkeypatch.delenv("ARSPLAN_ENCRYPTION_KEY", raising=False)
    assert _settings().encryption_key is None
