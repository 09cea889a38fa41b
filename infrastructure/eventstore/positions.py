"""Durable positions in the notification log, one row per named follower."""

from __future__ import annotations

from infrastructure.eventstore.sidecar import SidecarDB


class PositionStore:
    """Remembers the last notification id a follower has fully handled."""

    def __init__(self, db: SidecarDB) -> None:
        self._db = db
        if db.creates_tables:
            self._db.execute("CREATE TABLE IF NOT EXISTS follower_positions "
                             "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)")

    def get(self, name: str) -> int:
        rows = self._db.execute("SELECT position FROM follower_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set(self, name: str, position: int) -> None:
        self._db.execute(
            "INSERT INTO follower_positions (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position", (name, position))
