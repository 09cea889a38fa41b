"""Event store environments for the three persistence modules the domain runs on."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from infrastructure.settings import postgres_env

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_DSN, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def postgres_schema_env() -> Iterator[dict[str, str]]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield {"PERSISTENCE_MODULE": "eventsourcing.postgres", **postgres_env(POSTGRES_DSN),
               "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": "4"}
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10"}


MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
