"""`--store`: which event store an auditor's command reads (a SQLite file or a PostgreSQL DSN)."""

from __future__ import annotations

from pathlib import Path

import typer

from infrastructure.settings import Settings, get_settings

STORE_HELP = ("The event store to read: a SQLite file or a PostgreSQL DSN "
              "(postgresql://…); without it, the configured one (ARSPLAN_EVENT_STORE)")


def settings_for(store: str | None) -> Settings:
    """The settings with the event store ``store`` names; a missing SQLite file is an error
    (a fresh, empty store would verify as "OK")."""
    settings = get_settings()
    if store is None:
        return settings
    if store.startswith(("postgresql://", "postgres://")):
        return settings.model_copy(update={"event_store": "postgres", "postgres_dsn": store})
    path = Path(store)
    if not path.is_file():
        raise typer.BadParameter(f"{store} finns inte (en SQLite-fil eller en PostgreSQL-DSN)",
                                 param_hint="--store")
    return settings.model_copy(update={"event_store": "sqlite", "sqlite_path": path})
