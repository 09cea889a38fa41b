"""The tests' settings come from their defaults and the values a test gives, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrastructure.settings import Settings
from tests.support.engine import test_settings as settings_for_tests


def test_the_developers_variables_and_env_file_are_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSPLAN_ATTEST_WORKING_DAYS", "9")
    monkeypatch.setenv("ARSPLAN_SQLITE_PATH", str(tmp_path / "elsewhere.sqlite"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ARSPLAN_TASK_QUEUE=the-developers\n", encoding="utf-8")
    assert Settings().attest_working_days == 9  # what the tests must not pick up
    settings = settings_for_tests()
    assert (settings.attest_working_days, settings.sqlite_path, settings.task_queue) == (
        3, Path("var/arsplan.sqlite"), "arsplan")


def test_the_values_given_are_validated_as_settings(tmp_path: Path) -> None:
    settings = settings_for_tests(var_dir=str(tmp_path), attest_working_days="5")
    assert isinstance(settings, Settings)
    assert (settings.var_dir, settings.attest_working_days) == (tmp_path, 5)
