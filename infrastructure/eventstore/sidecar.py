"""Small tables kept beside the event store, in the same kind of store.

The follower's position and the notification outbox live here: a SQLite file next
to the event store's file, a table in the event store's PostgreSQL schema, or an
in-memory SQLite database when the event store is in memory.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg

from infrastructure.eventstore.environment import creates_tables


class SidecarDB:
    """Runs short statements written with ``?`` placeholders on SQLite or PostgreSQL."""

    def __init__(self, *, sqlite_path: str | None = None, postgres: Mapping[str, str] | None = None,
                 schema: str | None = None, creates_tables: bool = True) -> None:
        self.creates_tables = creates_tables
        self._sqlite_path = sqlite_path
        self._postgres = dict(postgres) if postgres else None
        self._schema = schema
        self._lock = threading.Lock()
        self._memory: sqlite3.Connection | None = None
        if sqlite_path == ":memory:":
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._postgres is not None:
            return self._execute_postgres(sql.replace("?", "%s"), params)
        with self._lock:
            if self._memory is not None:
                return self._execute_sqlite(self._memory, sql, params)
            assert self._sqlite_path is not None
            con = sqlite3.connect(self._sqlite_path, timeout=10)
            try:
                return self._execute_sqlite(con, sql, params)
            finally:
                con.close()

    @staticmethod
    def _execute_sqlite(con: sqlite3.Connection, sql: str,
                        params: Sequence[Any]) -> list[tuple[Any, ...]]:
        rows = con.execute(sql, tuple(params)).fetchall()
        con.commit()
        return rows

    def _execute_postgres(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        assert self._postgres is not None
        pg = self._postgres
        with psycopg.connect(host=pg["POSTGRES_HOST"], port=int(pg["POSTGRES_PORT"]),
                             dbname=pg["POSTGRES_DBNAME"], user=pg["POSTGRES_USER"],
                             password=pg.get("POSTGRES_PASSWORD") or None,
                             autocommit=True) as conn:
            if self._schema:
                conn.execute(f'SET search_path TO "{self._schema}"')
            cur = conn.execute(sql, tuple(params))
            return cur.fetchall() if cur.description else []


def sidecar_for(env: Mapping[str, str], name: str) -> SidecarDB:
    """The sidecar database matching an eventsourcing environment (see Settings)."""
    module = env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
    if module.endswith("postgres"):
        return SidecarDB(postgres=env, schema=env.get("POSTGRES_SCHEMA") or None,
                         creates_tables=creates_tables(env))
    if module.endswith("sqlite"):
        dbname = env["SQLITE_DBNAME"]
        if dbname.startswith(":memory:") or dbname.startswith("file::memory:"):
            return SidecarDB(sqlite_path=":memory:")
        return SidecarDB(sqlite_path=f"{dbname}.{name}.sqlite")
    return SidecarDB(sqlite_path=":memory:")
