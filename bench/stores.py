"""Fresh event stores for one benchmark measurement each."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from infrastructure.eventstore.pg_schema import fresh_postgres_schema, postgres_available

__all__ = ["STORE_KINDS", "fresh_store", "postgres_available"]
STORE_KINDS = ("memory", "sqlite", "postgres")


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
        with fresh_postgres_schema("bench", pool_size, POSTGRES_LOCK_TIMEOUT="30") as env:
            yield env
