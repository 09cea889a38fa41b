"""Row views for each store: POPO (tests, time travel), SQLite (embedded), PostgreSQL.

Each view owns two tables named after its projection, ``<name>_rows`` and
``<name>_tracking``, in the event store's database (and schema), so several
read models live side by side without sharing a tracking row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder
from psycopg import Cursor
from psycopg.errors import UniqueViolation
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.base import (
    Delete,
    Doc,
    EncodedRow,
    Put,
    ReadModelView,
    Row,
    RowChange,
)
from projections.canonical import canonical_json_text

# Fewer new rows than this are upserted: a savepoint and a COPY cost more round trips.
COPY_FROM = 64


class SnapshotRow(NamedTuple):
    """One row of a view as an as-of checkpoint keeps it."""
    kind: str
    key: str
    part: str
    position: int
    doc: str


def _position(change: Put, tracking: Tracking) -> int:
    return tracking.notification_id if change.position is None else change.position


def _dumps(doc: Doc) -> str:
    return canonical_json_text(doc) if doc else "{}"  # index rows are empty: skip the encoder


def _put_rows(changes: Sequence[RowChange], tracking: Tracking) -> list[EncodedRow]:
    """Row tuples for the puts; a doc shared by several rows (the audit trail writes
    each entry under three kinds) is encoded once."""
    encoded: dict[int, str] = {}
    rows = []
    for c in changes:
        if isinstance(c, Put):
            if id(c.doc) not in encoded:
                encoded[id(c.doc)] = _dumps(c.doc)
            rows.append((c.kind, c.key, c.partition, _position(c, tracking), encoded[id(c.doc)]))
    return rows


class POPOReadModelView(POPOTrackingRecorder, ReadModelView):
    """In memory: for unit tests and for folding history into an as-of view."""

    def __init__(self, name: str = "popo") -> None:
        super().__init__()
        self.name = name
        self._rows: dict[tuple[str, str], tuple[int, str, str]] = {}

    def get(self, kind: str, key: str) -> Doc | None:
        with self._database_lock:
            found = self._rows.get((kind, key))
        return json.loads(found[2]) if found else None

    def find(self, kind: str, partition: str | None = None) -> list[Doc]:
        with self._database_lock:
            hits = [(pos, k[1], doc) for k, (pos, part, doc) in self._rows.items()
                    if k[0] == kind and (partition is None or part == partition)]
        return [json.loads(doc) for _, _, doc in sorted(hits)]

    def find_keys(self, kind: str, partition: str) -> list[str]:
        with self._database_lock:
            hits = sorted((pos, k[1]) for k, (pos, part, _) in self._rows.items()
                          if k[0] == kind and part == partition)
        return [key for _, key in hits]

    def find_positions(self, kind: str, keys: Sequence[str]) -> dict[str, int]:
        with self._database_lock:
            found = [(key, self._rows.get((kind, key))) for key in keys]
        return {key: row[0] for key, row in found if row is not None}

    def write_with_tracking(self, changes: Sequence[RowChange], tracking: Tracking,
                            encoded: Sequence[EncodedRow] = ()) -> None:
        # Encode everything before touching state, so a failure changes nothing.
        docs = [(c, _dumps(c.doc) if isinstance(c, Put) else "") for c in changes]
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            for change, doc in docs:
                if isinstance(change, Put):
                    self._rows[(change.kind, change.key)] = (
                        _position(change, tracking), change.partition, doc)
                else:
                    self._rows.pop((change.kind, change.key), None)
            for kind, key, partition, position, doc in encoded:
                self._rows[(kind, key)] = (position, partition, doc)
            self._insert_tracking(tracking)

    def rows(self) -> list[Row]:
        with self._database_lock:
            items = sorted(self._rows.items())
        return [Row(k[0], k[1], part, json.loads(doc)) for k, (_, part, doc) in items]

    def encoded_rows(self) -> list[tuple[str, str, str, str]]:
        with self._database_lock:
            return [(k[0], k[1], part, doc) for k, (_, part, doc) in sorted(self._rows.items())]

    def reset(self) -> None:
        with self._database_lock:
            self._rows.clear()
            self._max_tracking_ids.clear()

    def snapshot_rows(self) -> list[SnapshotRow]:
        with self._database_lock:
            return [SnapshotRow(k[0], k[1], part, pos, doc)
                    for k, (pos, part, doc) in self._rows.items()]

    def restore(self, rows: Sequence[SnapshotRow], tracking: Tracking) -> None:
        """The rows of a checkpoint, folded up to ``tracking``'s position."""
        with self._database_lock:
            self._rows = {(r.kind, r.key): (r.position, r.part, r.doc) for r in rows}
            self._insert_tracking(tracking)


class SQLiteReadModelView(SQLiteTrackingRecorder, ReadModelView):
    """The embedded default: rows and position in the event store's SQLite file."""

    def __init__(self, datastore: SQLiteDatastore, *, name: str, **kwargs: Any) -> None:
        self.name = name
        self.rows_table = f"{name}_rows"
        self.tracking_table = f"{name}_tracking"
        super().__init__(datastore, **kwargs)
        # Our own tracking table: the base class hard-codes one shared "tracking" table.
        self.insert_tracking_statement = self.insert_tracking_statement.replace(
            "tracking", self.tracking_table)
        self.select_max_tracking_id_statement = self.select_max_tracking_id_statement.replace(
            "tracking", self.tracking_table)

    def construct_create_table_statements(self) -> list[str]:
        statements = [s.replace("EXISTS tracking", f"EXISTS {self.tracking_table}")
                      for s in super().construct_create_table_statements()]
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.rows_table} (kind TEXT NOT NULL, "
            "key TEXT NOT NULL, part TEXT NOT NULL, position INTEGER NOT NULL, "
            # A rowid table: docs are large and keys random (event ids); WITHOUT ROWID
            # kept whole docs in the key B-tree and halved the audit trail's catch-up.
            "doc TEXT NOT NULL, PRIMARY KEY (kind, key))")
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {self.rows_table}_part "
            f"ON {self.rows_table} (kind, part, position)")
        return statements

    def get(self, kind: str, key: str) -> Doc | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT doc FROM {self.rows_table} WHERE kind=? AND key=?", (kind, key))
            found = c.fetchone()
        return json.loads(found["doc"]) if found else None

    def find(self, kind: str, partition: str | None = None) -> list[Doc]:
        sql = f"SELECT doc FROM {self.rows_table} WHERE kind=?"
        params: tuple[str, ...] = (kind,)
        if partition is not None:
            sql, params = sql + " AND part=?", (kind, partition)
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql + " ORDER BY position, key", params)
            return [json.loads(r["doc"]) for r in c.fetchall()]

    def find_keys(self, kind: str, partition: str) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key FROM {self.rows_table} WHERE kind=? AND part=? "
                      "ORDER BY position, key", (kind, partition))
            return [r["key"] for r in c.fetchall()]

    def find_positions(self, kind: str, keys: Sequence[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(keys), 500):  # under SQLite's limit on parameters
                chunk = keys[start:start + 500]
                c.execute(f"SELECT key, position FROM {self.rows_table} WHERE kind=? AND "
                          f"key IN ({','.join('?' * len(chunk))})", (kind, *chunk))
                positions.update((r["key"], r["position"]) for r in c.fetchall())
        return positions

    def write_with_tracking(self, changes: Sequence[RowChange], tracking: Tracking,
                            encoded: Sequence[EncodedRow] = ()) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            rows: list[EncodedRow] = []
            if any(isinstance(change, Delete) for change in changes):
                for change in changes:  # keep the order: a key may be put, then deleted
                    self._apply(c, change, tracking)
            else:  # one statement for the batch: a catch-up writes thousands of rows
                rows = _put_rows(changes, tracking)
            rows.extend(encoded)
            c.executemany(f"INSERT OR REPLACE INTO {self.rows_table} VALUES (?, ?, ?, ?, ?)",
                          rows)

    def _apply(self, c: SQLiteCursor, change: RowChange, tracking: Tracking) -> None:
        if isinstance(change, Put):
            c.execute(f"INSERT OR REPLACE INTO {self.rows_table} VALUES (?, ?, ?, ?, ?)",
                      (change.kind, change.key, change.partition, _position(change, tracking),
                       _dumps(change.doc)))
        elif isinstance(change, Delete):
            c.execute(f"DELETE FROM {self.rows_table} WHERE kind=? AND key=?",
                      (change.kind, change.key))

    def rows(self) -> list[Row]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT kind, key, part, doc FROM {self.rows_table} ORDER BY kind, key")
            return [Row(r["kind"], r["key"], r["part"], json.loads(r["doc"]))
                    for r in c.fetchall()]

    def encoded_rows(self) -> list[tuple[str, str, str, str]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT kind, key, part, doc FROM {self.rows_table} ORDER BY kind, key")
            return [(r["kind"], r["key"], r["part"], r["doc"]) for r in c.fetchall()]

    def reset(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.rows_table}")
            c.execute(f"DELETE FROM {self.tracking_table} WHERE application_name != ?",
                      (self.table_migration_identifier,))


class PostgresReadModelView(PostgresTrackingRecorder, ReadModelView):
    """Production: rows and position in the event store's PostgreSQL schema.

    Constructed by eventsourcing's factory too (``tracking_table_name`` is then
    ``<projection name>_tracking``), so it also works under ``ProjectionRunner``.
    """

    concurrent_writes = True  # each transaction takes its own pooled connection

    def __init__(self, datastore: PostgresDatastore, *, tracking_table_name: str,
                 **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name, **kwargs)
        self.name = tracking_table_name.removesuffix("_tracking")
        self.rows_table = f"{self.name}_rows"
        self.check_identifier_length(self.rows_table)
        schema, table = Identifier(datastore.schema), Identifier(self.rows_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (kind text NOT NULL, key text NOT NULL, "
            "part text NOT NULL, position bigint NOT NULL, doc text NOT NULL, "
            "PRIMARY KEY (kind, key))").format(schema, table))
        self.sql_create_statements.append(SQL(
            "CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (kind, part, position)").format(
            Identifier(f"{self.rows_table}_part"), schema, table))
        self._upsert = SQL(
            "INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s) ON CONFLICT (kind, key) DO UPDATE "
            "SET part = EXCLUDED.part, position = EXCLUDED.position, doc = EXCLUDED.doc"
        ).format(schema, table)
        # One statement per batch: row by row, the audit trail's 100k-event catch-up spent
        # 70 % of its time in psycopg's pipeline sending 300k upserts.
        self._upsert_all = SQL(
            # Binary parameters (%b): the pure-Python text dumper escapes every doc's quotes.
            "INSERT INTO {0}.{1} SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], "
            "%b::bigint[], %b::text[]) ON CONFLICT (kind, key) DO UPDATE "
            "SET part = EXCLUDED.part, position = EXCLUDED.position, doc = EXCLUDED.doc"
        ).format(schema, table)
        self._copy = SQL("COPY {0}.{1} (kind, key, part, position, doc) FROM STDIN").format(
            schema, table)
        self._delete = SQL("DELETE FROM {0}.{1} WHERE kind = %s AND key = %s").format(
            schema, table)
        self._select = SQL("SELECT doc FROM {0}.{1} WHERE kind = %s").format(schema, table)
        self._keys = SQL("SELECT key FROM {0}.{1} WHERE kind = %s AND part = %s "
                         "ORDER BY position, key").format(schema, table)
        self._positions = SQL("SELECT key, position FROM {0}.{1} WHERE kind = %s "
                              "AND key = ANY(%s)").format(schema, table)
        self._all = SQL("SELECT kind, key, part, doc FROM {0}.{1} ORDER BY kind, key").format(
            schema, table)
        self._clear_rows = SQL("DELETE FROM {0}.{1}").format(schema, table)
        self._clear_tracking = SQL("DELETE FROM {0}.{1} WHERE application_name != %s").format(
            schema, Identifier(self.tracking_table_name))

    def get(self, kind: str, key: str) -> Doc | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select + SQL(" AND key = %s"), (kind, key))
            found = curs.fetchone()
        return json.loads(found["doc"]) if found else None

    def find(self, kind: str, partition: str | None = None) -> list[Doc]:
        order = SQL(" ORDER BY position, key")
        with self.datastore.transaction(commit=False) as curs:
            if partition is None:
                curs.execute(self._select + order, (kind,))
            else:
                curs.execute(self._select + SQL(" AND part = %s") + order, (kind, partition))
            return [json.loads(r["doc"]) for r in curs.fetchall()]

    def find_keys(self, kind: str, partition: str) -> list[str]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._keys, (kind, partition))
            return [r["key"] for r in curs.fetchall()]

    def find_positions(self, kind: str, keys: Sequence[str]) -> dict[str, int]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._positions, (kind, list(keys)))
            return {r["key"]: r["position"] for r in curs.fetchall()}

    def write_with_tracking(self, changes: Sequence[RowChange], tracking: Tracking,
                            encoded: Sequence[EncodedRow] = ()) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            puts: list[EncodedRow] = []
            if any(isinstance(c, Delete) for c in changes):
                for c in changes:  # keep the order: a key may be put, then deleted
                    if isinstance(c, Delete):
                        curs.execute(self._delete, (c.kind, c.key))
                    else:
                        curs.execute(self._upsert, _put_rows([c], tracking)[0])
            else:
                puts = _put_rows(changes, tracking)
            self._upsert_rows(curs, puts)
            self._append_rows(curs, encoded)

    def write_batch(self, deletes: Sequence[RowChange], tracking: Tracking,
                    upserts: Sequence[EncodedRow], appends: Sequence[EncodedRow]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            for c in deletes:
                curs.execute(self._delete, (c.kind, c.key))
            self._upsert_rows(curs, upserts)
            self._append_rows(curs, appends)

    def _upsert_rows(self, curs: Cursor[DictRow], rows: Sequence[EncodedRow]) -> None:
        if rows:
            # ON CONFLICT may touch a row once per statement: the last put of a key wins,
            # as it would row by row.
            last_per_key = {(row[0], row[1]): row for row in rows}.values()
            columns = [list(column) for column in zip(*last_per_key, strict=True)]
            curs.execute(self._upsert_all, columns)

    def _append_rows(self, curs: Cursor[DictRow], rows: Sequence[EncodedRow]) -> None:
        """Rows new when written (a batch's transparency-log nodes, audit-trail entries):
        COPY, half the time of the upsert for a batch's thousands of rows. A key stored
        after all (an unexpected rewrite) rolls back to the savepoint and upserts."""
        if len(rows) < COPY_FROM:
            self._upsert_rows(curs, rows)
            return
        try:
            with curs.connection.transaction(), curs.copy(self._copy) as copy:
                for row in rows:
                    copy.write_row(row)
        except UniqueViolation:
            self._upsert_rows(curs, rows)

    def rows(self) -> list[Row]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._all)
            return [Row(r["kind"], r["key"], r["part"], json.loads(r["doc"]))
                    for r in curs.fetchall()]

    def encoded_rows(self) -> list[tuple[str, str, str, str]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._all)
            return [(r["kind"], r["key"], r["part"], r["doc"]) for r in curs.fetchall()]

    def reset(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._clear_rows)
            curs.execute(self._clear_tracking, (self.table_migration_identifier,))


__all__ = ["IntegrityError", "POPOReadModelView", "PostgresReadModelView",
           "SQLiteReadModelView"]
