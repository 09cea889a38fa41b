"""An event store with its command bus attached: tests act and read through one object.

Production code gets the two separately from the composition root (bootstrap.Engine);
tests that mostly read the store and now and then issue a command use this instead.
It has what ``bootstrap.Engine`` has (``store``, ``bus``, ``settings``, ``execute``), so
the simulation harness accepts it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from application.bus import CommandBus, CommandResult
from application.handlers import all_handlers
from application.ports import AbstractTreeHeads
from domain.commands import Command
from domain.system_commands import SystemCommand
from infrastructure.eventstore import ArsplanStore, Clock, utc_now
from infrastructure.settings import Settings


class _DefaultsOnly(Settings):
    """Settings read from the values given and the defaults, nothing else."""

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def test_settings(**overrides: Any) -> Settings:
    """Settings from the defaults and ``overrides`` only: no .env file, no secrets folder,
    no ARSPLAN_* variable of the developer's (or of another test)."""
    return _DefaultsOnly(**overrides)


class TestEngine(ArsplanStore):
    __test__ = False  # not a pytest test class
    name = "arsplan"  # the same tables as the production store (``arsplan_events``)

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock = utc_now,
                 settings: Settings | None = None,
                 tree_heads: AbstractTreeHeads | None = None) -> None:
        super().__init__(env=env, clock=clock)
        self.settings = settings or test_settings()
        self.tree_heads = tree_heads
        self.bus = CommandBus(self, all_handlers(self.settings.attest_working_days, tree_heads))

    @property
    def store(self) -> ArsplanStore:
        return self

    def execute(self, command: Command, person_id: str) -> CommandResult:
        return self.bus.execute(command, person_id)

    def execute_system(self, command: SystemCommand) -> CommandResult:
        return self.bus.execute_system(command)


def fact_key(*parts: object) -> str:
    """A system command's key for a test's hand-made fact."""
    return ":".join(str(p) for p in ("test", *parts))


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)
