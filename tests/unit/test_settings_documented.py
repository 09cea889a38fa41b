"""The README's settings table names every ARSPLAN_ variable the code reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from feed.settings import FeedSettings
from infrastructure.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SETTINGS_SECTION = README.split("## Settings", 1)[1].split("\n## ", 1)[0]


def variables(settings_class: type[BaseSettings]) -> list[str]:
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    return [f"{prefix}{name}".upper() for name in settings_class.model_fields]


@pytest.mark.parametrize("variable", variables(Settings) + variables(FeedSettings))
def test_every_setting_is_in_the_readme_table(variable: str) -> None:
    assert f"| `{variable}`" in SETTINGS_SECTION
