"""A throwaway schema holds one run's event store and is gone afterwards."""

from __future__ import annotations

import psycopg
import pytest

from infrastructure.eventstore.pg_schema import fresh_postgres_schema
from tests.support.stores import POSTGRES_DSN, skip_without_postgres


@pytest.fixture(autouse=True)
def _postgres() -> None:
    skip_without_postgres()


def _schema_exists(name: str) -> bool:
    with psycopg.connect(POSTGRES_DSN) as conn:
        row = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,)).fetchone()
    return row is not None


def test_each_run_gets_its_own_empty_schema_which_is_dropped_afterwards() -> None:
    with fresh_postgres_schema("t", pool_size=3, dsn=POSTGRES_DSN,
                               POSTGRES_LOCK_TIMEOUT="5") as first, \
            fresh_postgres_schema("t", pool_size=3, dsn=POSTGRES_DSN) as second:
        assert first["POSTGRES_SCHEMA"] != second["POSTGRES_SCHEMA"]
        assert _schema_exists(first["POSTGRES_SCHEMA"])
        assert first["POSTGRES_POOL_SIZE"] == "3"
        assert first["POSTGRES_LOCK_TIMEOUT"] == "5"
        assert first["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert not _schema_exists(first["POSTGRES_SCHEMA"])
    assert not _schema_exists(second["POSTGRES_SCHEMA"])


def test_the_schema_is_dropped_when_the_run_fails() -> None:
    with pytest.raises(RuntimeError), \
            fresh_postgres_schema("t", pool_size=1, dsn=POSTGRES_DSN) as env:
        raise RuntimeError("the run failed")
    assert not _schema_exists(env["POSTGRES_SCHEMA"])
