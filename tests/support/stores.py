"""Event store environments for the three persistence modules the domain runs on."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from infrastructure.eventstore.pg_schema import (
    POSTGRES_DSN,
    fresh_postgres_schema,
    postgres_available,
)

__all__ = ["MEMORY_ENV", "POSTGRES_DSN", "postgres_available", "postgres_schema_env",
           "sqlite_env"]


def postgres_schema_env() -> AbstractContextManager[dict[str, str]]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    return fresh_postgres_schema("t", pool_size=4)


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10"}


MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
