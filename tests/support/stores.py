"""Event store environments for the three persistence modules the domain runs on."""

from __future__ import annotations

import functools
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlparse

import pytest

from infrastructure.eventstore import pg_schema
from infrastructure.eventstore.pg_schema import fresh_postgres_schema

__all__ = ["MEMORY_ENV", "POSTGRES_DSN", "REQUIRE_POSTGRES", "missing_postgres_message",
           "postgres_available", "postgres_required", "postgres_schema_env",
           "skip_or_fail", "skip_without_postgres", "sqlite_env"]

# The server the PostgreSQL tests use; ARSPLAN_TEST_POSTGRES_DSN points them elsewhere
# (tests/unit/test_require_postgres.py points it at a closed port).
POSTGRES_DSN = os.environ.get("ARSPLAN_TEST_POSTGRES_DSN", pg_schema.POSTGRES_DSN)
# Set by `make test` (so in CI): a PostgreSQL that does not answer fails the run.
REQUIRE_POSTGRES = "ARSPLAN_REQUIRE_POSTGRES"


@functools.cache
def postgres_available() -> bool:
    return pg_schema.postgres_available(POSTGRES_DSN)


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES) == "1"


def postgres_address(dsn: str = POSTGRES_DSN) -> str:
    url = urlparse(dsn)
    return f"{url.hostname or '127.0.0.1'}:{url.port or 5432}"


def missing_postgres_message() -> str:
    return f"PostgreSQL is not answering on {postgres_address()}"


def skip_or_fail(message: str, variable: str) -> NoReturn:
    """A service a test needs is missing: skip it for a developer who has none, fail it
    where ``variable``=1 says the service must be there (`make test`, CI)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{message}, and {variable}=1 requires it", pytrace=False)
    pytest.skip(message)


def skip_without_postgres() -> None:
    """Skips (or with ARSPLAN_REQUIRE_POSTGRES=1 fails) a test when PostgreSQL is missing."""
    if not postgres_available():
        skip_or_fail(f"{missing_postgres_message()} (start it to run these)", REQUIRE_POSTGRES)


def postgres_schema_env() -> AbstractContextManager[dict[str, str]]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    return fresh_postgres_schema("t", pool_size=4, dsn=POSTGRES_DSN)


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10"}


MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
