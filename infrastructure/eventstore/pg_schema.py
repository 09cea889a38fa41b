"""Throwaway PostgreSQL schemas: an empty event store per test or benchmark run."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg

from infrastructure.eventstore.environment import postgres_env

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available(dsn: str = POSTGRES_DSN) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def fresh_postgres_schema(prefix: str, pool_size: int, dsn: str = POSTGRES_DSN,
                          **extra_env: str) -> Iterator[dict[str, str]]:
    """The eventsourcing environment of a new, empty schema; the schema is dropped afterwards,
    so runs never see each other's rows. ``extra_env`` adds settings (e.g. lock timeouts)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield {"PERSISTENCE_MODULE": "eventsourcing.postgres", **postgres_env(dsn),
               "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": str(pool_size),
               **extra_env}
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
