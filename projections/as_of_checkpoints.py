"""Checkpoints for as-of reads: a projection's rows as they stood at a log position.

An as-of read folds the log from the latest checkpoint recorded at or before its instant
instead of from the first event, so its cost follows the events since that checkpoint,
not the age of the store. Checkpoints are derived data kept beside the read models
(table ``as_of_checkpoints``), outside the chain. Each names the chain hash of the last
event it folded and a digest of its rows: one whose event no longer carries that hash, or
whose rows do not match their digest, is not used (the read folds from the start and
logs why), so a tampered checkpoint can slow a read but not change its answer.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from eventsourcing.application import Application
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg.sql import SQL, Identifier

from infrastructure.eventstore.environment import creates_tables
from projections.views import SnapshotRow

log = structlog.get_logger(__name__)

TABLE = "as_of_checkpoints"
CHECKPOINT_EVERY = 1000  # folded events between two checkpoints of one projection


def _micros(instant: datetime) -> int:
    return int(instant.astimezone(UTC).timestamp() * 1_000_000)


@dataclass(frozen=True)
class Checkpoint:
    projection: str
    position: int  # the notification id of the last event folded
    recorded_until: datetime  # that event's recorded-at
    chain_hash: str  # that event's chain hash
    rows: list[SnapshotRow]

    def encode(self) -> bytes:
        return zlib.compress(json.dumps(self.rows, separators=(",", ":")).encode())

    @staticmethod
    def digest_of(blob: bytes) -> str:
        return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True)
class StoredCheckpoint:
    projection: str
    position: int
    recorded_until_us: int
    chain_hash: str
    blob: bytes
    digest: str

    def decode(self) -> Checkpoint:
        rows = [SnapshotRow(*r) for r in json.loads(zlib.decompress(self.blob))]
        when = datetime.fromtimestamp(self.recorded_until_us / 1_000_000, UTC)
        return Checkpoint(self.projection, self.position, when, self.chain_hash, rows)


class CheckpointStore(ABC):
    """Where a store's checkpoints are kept: in its own database."""

    def save(self, checkpoint: Checkpoint) -> None:
        blob = checkpoint.encode()
        self._insert(StoredCheckpoint(
            checkpoint.projection, checkpoint.position, _micros(checkpoint.recorded_until),
            checkpoint.chain_hash, blob, Checkpoint.digest_of(blob)))

    @abstractmethod
    def _insert(self, stored: StoredCheckpoint) -> None: ...

    @abstractmethod
    def latest(self, projection: str, instant: datetime) -> StoredCheckpoint | None:
        """The checkpoint with the highest position whose events were all recorded at or
        before ``instant``."""


class MemoryCheckpoints(CheckpointStore):
    def __init__(self) -> None:
        self._saved: dict[tuple[str, int], StoredCheckpoint] = {}

    def _insert(self, stored: StoredCheckpoint) -> None:
        self._saved.setdefault((stored.projection, stored.position), stored)

    def latest(self, projection: str, instant: datetime) -> StoredCheckpoint | None:
        until = _micros(instant)
        found = [s for (name, _), s in self._saved.items()
                 if name == projection and s.recorded_until_us <= until]
        return max(found, key=lambda s: s.position, default=None)


class SQLiteCheckpoints(CheckpointStore):
    def __init__(self, datastore: SQLiteDatastore, *, create_table: bool = True) -> None:
        self.datastore = datastore
        if not create_table:
            return
        with datastore.transaction(commit=True) as c:
            c.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (projection TEXT NOT NULL, "
                      "position INTEGER NOT NULL, recorded_until INTEGER NOT NULL, "
                      "chain_hash TEXT NOT NULL, rows BLOB NOT NULL, digest TEXT NOT NULL, "
                      "PRIMARY KEY (projection, position))")

    def _insert(self, stored: StoredCheckpoint) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"INSERT OR IGNORE INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                      (stored.projection, stored.position, stored.recorded_until_us,
                       stored.chain_hash, stored.blob, stored.digest))

    def latest(self, projection: str, instant: datetime) -> StoredCheckpoint | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {TABLE} WHERE projection=? AND recorded_until<=? "
                      "ORDER BY position DESC LIMIT 1", (projection, _micros(instant)))
            r = c.fetchone()
        return None if r is None else StoredCheckpoint(
            r["projection"], r["position"], r["recorded_until"], r["chain_hash"],
            bytes(r["rows"]), r["digest"])


class PostgresCheckpoints(CheckpointStore):
    def __init__(self, datastore: PostgresDatastore, *, create_table: bool = True) -> None:
        self.datastore = datastore
        table = SQL("{0}.{1}").format(Identifier(datastore.schema), Identifier(TABLE))
        self._insert_sql = SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s, %s, %s) "
                               "ON CONFLICT DO NOTHING").format(table)
        self._latest_sql = SQL(
            "SELECT projection, position, recorded_until, chain_hash, rows, digest FROM {0} "
            "WHERE projection = %s AND recorded_until <= %s "
            "ORDER BY position DESC LIMIT 1").format(table)
        if not create_table:  # the application's role may not: `arsplan migrate` does
            return
        with datastore.transaction(commit=True) as c:
            c.execute(SQL("CREATE TABLE IF NOT EXISTS {0} (projection TEXT NOT NULL, "
                          "position BIGINT NOT NULL, recorded_until BIGINT NOT NULL, "
                          "chain_hash TEXT NOT NULL, rows BYTEA NOT NULL, "
                          "digest TEXT NOT NULL, PRIMARY KEY (projection, position))"
                          ).format(table))

    def _insert(self, stored: StoredCheckpoint) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(self._insert_sql, (stored.projection, stored.position,
                                         stored.recorded_until_us, stored.chain_hash,
                                         stored.blob, stored.digest))

    def latest(self, projection: str, instant: datetime) -> StoredCheckpoint | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._latest_sql, (projection, _micros(instant)))
            r = c.fetchone()
        if r is None:
            return None
        return StoredCheckpoint(r["projection"], r["position"], r["recorded_until"],
                                r["chain_hash"], bytes(r["rows"]), r["digest"])


def checkpoints_for(app: Application[Any]) -> CheckpointStore:
    """The store's checkpoints, opened once per application object (the table created
    unless the store's environment says tables are made by `arsplan migrate`)."""
    found: CheckpointStore | None = getattr(app, "_as_of_checkpoints", None)
    if found is None:
        datastore = getattr(app.recorder, "datastore", None)
        create = creates_tables(app.env)
        if isinstance(datastore, SQLiteDatastore):
            found = SQLiteCheckpoints(datastore, create_table=create)
        elif isinstance(datastore, PostgresDatastore):
            found = PostgresCheckpoints(datastore, create_table=create)
        else:
            found = MemoryCheckpoints()
        app._as_of_checkpoints = found  # type: ignore[attr-defined]
    return found


def usable(app: Application[Any], stored: StoredCheckpoint) -> Checkpoint | None:
    """The checkpoint, if its rows match their digest and its last event still carries
    the chain hash it names."""
    if Checkpoint.digest_of(stored.blob) != stored.digest:
        log.warning("as_of_checkpoint_rejected", projection=stored.projection,
                    position=stored.position, reason="rows do not match their digest")
        return None
    found = app.recorder.select_notifications(stored.position, 1)
    event = app.mapper.to_domain_event(found[0]) if found else None
    if event is None or found[0].id != stored.position \
            or getattr(event, "chain_hash", None) != stored.chain_hash:
        log.warning("as_of_checkpoint_rejected", projection=stored.projection,
                    position=stored.position, reason="its event's chain hash differs")
        return None
    return stored.decode()
