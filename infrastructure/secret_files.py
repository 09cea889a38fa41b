"""Secrets from files (Docker secrets): with ARSPLAN_SECRETS_DIR set, a file in it named
after a setting's variable, lower case (``arsplan_encryption_key``), holds its value.
Variables set in the environment win over files."""

from __future__ import annotations

import os

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
)

SECRETS_DIR = "ARSPLAN_SECRETS_DIR"


class SecretFilesMixin(BaseSettings):
    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Read when settings are made, not when the class is defined.
        folder = os.environ.get(SECRETS_DIR)
        files = SecretsSettingsSource(settings_cls, secrets_dir=folder) if folder else None
        return (init_settings, env_settings, dotenv_settings, *([files] if files else []))
