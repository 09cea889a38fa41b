"""Direct edits of stored events, as an attacker with database access would make them."""

from __future__ import annotations

import sqlite3
from uuid import UUID

import psycopg

from tests.support.stores import POSTGRES_DSN


class StoreTamperer:
    """Reads and rewrites rows of ``stored_events`` behind the application's back."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.is_pg = env["PERSISTENCE_MODULE"].endswith("postgres")

    def _table(self) -> str:
        return self.table("events")

    def table(self, kind: str) -> str:
        """The store's ``events`` or ``snapshots`` table, as SQL names it."""
        if self.is_pg:
            return f'"{self.env["POSTGRES_SCHEMA"]}".arsplan_{kind}'
        return f"stored_{kind}"

    def _run(self, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        sql = sql.replace("{table}", self._table())
        if self.is_pg:
            with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
                cur = conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
                return cur.fetchall() if cur.description else []
        con = sqlite3.connect(self.env["SQLITE_DBNAME"])
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def _oid(self, originator_id: UUID) -> object:
        return originator_id if self.is_pg else originator_id.hex

    def state(self, originator_id: UUID, version: int) -> bytes:
        rows = self._run("SELECT state FROM {table} WHERE originator_id = ? AND "
                         "originator_version = ?", (self._oid(originator_id), version))
        return bytes(rows[0][0])  # type: ignore[arg-type]

    def set_state(self, originator_id: UUID, version: int, state: bytes) -> None:
        self._run("UPDATE {table} SET state = ? WHERE originator_id = ? AND "
                  "originator_version = ?", (state, self._oid(originator_id), version))

    def delete(self, originator_id: UUID, version: int) -> None:
        self._run("DELETE FROM {table} WHERE originator_id = ? AND originator_version = ?",
                  (self._oid(originator_id), version))

    def swap(self, originator_id: UUID, v1: int, v2: int) -> None:
        s1, s2 = self.state(originator_id, v1), self.state(originator_id, v2)
        self.set_state(originator_id, v1, s2)
        self.set_state(originator_id, v2, s1)
