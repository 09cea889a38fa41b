"""Fresh event stores for one benchmark measurement each."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from infrastructure.settings import postgres_env

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"
STORE_KINDS = ("memory", "sqlite", "postgres")


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_DSN, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def fresh_store(kind: str, pool_size: int = 8) -> Iterator[dict[str, str]]:
    """An empty store of the given kind, removed afterwards."""
    if kind == "memory":
        yield {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    elif kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="arsplan-bench-") as tmp:
            yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                   "SQLITE_DBNAME": str(Path(tmp) / "events.sqlite"),
                   "SQLITE_LOCK_TIMEOUT": "30"}
    else:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield {"PERSISTENCE_MODULE": "eventsourcing.postgres", **postgres_env(POSTGRES_DSN),
                   "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": str(pool_size),
                   "POSTGRES_LOCK_TIMEOUT": "30"}
        finally:
            with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
