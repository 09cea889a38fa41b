"""The environment keys our event store reads besides eventsourcing's own (settings fill
them from ARSPLAN_* variables), and the PostgreSQL ones from a DSN."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote, urlparse

STATE_CACHE_MAXSIZE = "STATE_CACHE_MAXSIZE"
DEFAULT_STATE_CACHE_MAXSIZE = 10_000
READ_TOGETHER = "READ_TOGETHER"
GROUP_COMMIT = "GROUP_COMMIT"
# eventsourcing's own key; our views and sidecar tables follow it too. "n" where the
# application's database role may not create tables (deploy/roles.sql): `arsplan migrate`
# creates them as the owner first.
CREATE_TABLE = "CREATE_TABLE"


def creates_tables(env: Mapping[str, str]) -> bool:
    return (env.get(CREATE_TABLE) or "y").lower() not in ("n", "no", "f", "false", "0", "off")


def postgres_env(dsn: str) -> dict[str, str]:
    url = urlparse(dsn)
    return {
        "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
    }
