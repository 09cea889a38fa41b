"""Dashboard sessions, kept server side in a sidecar table.

Server side rather than a signed cookie: every API process sees the same rows, so a
logout (a deleted row) counts at once everywhere and no signing key has to be shared
between processes. Only a SHA-256 of the session id is stored, so a copy of the table
(a backup, a read-only role) opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from infrastructure.eventstore.sidecar import SidecarDB

DEFAULT_LIFETIME = timedelta(hours=8)


def _utc_now() -> datetime:
    return datetime.now(tz=UTC)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    person_id: str
    csrf_token: str
    expires_at: datetime


class SessionStore:
    """Creates, finds and revokes sessions; an expired one is never found again.

    The clock is wall time, not the engine's (which tests and simulations move).
    """

    def __init__(self, db: SidecarDB, lifetime: timedelta = DEFAULT_LIFETIME,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self._db = db
        self.lifetime = lifetime
        self._clock = clock
        if db.creates_tables:
            db.execute("CREATE TABLE IF NOT EXISTS dashboard_sessions "
                       "(id_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, "
                       "csrf_token TEXT NOT NULL, expires_at BIGINT NOT NULL)")

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def create(self, person_id: str) -> tuple[str, Session]:
        """A new session for the person: its id (for the cookie only) and the session."""
        now = self._now()
        self._db.execute("DELETE FROM dashboard_sessions WHERE expires_at <= ?", (now,))
        session_id = secrets.token_urlsafe(32)
        expires = now + int(self.lifetime.total_seconds())
        session = Session(person_id, secrets.token_urlsafe(32),
                          datetime.fromtimestamp(expires, tz=UTC))
        self._db.execute(
            "INSERT INTO dashboard_sessions (id_hash, person_id, csrf_token, expires_at) "
            "VALUES (?, ?, ?, ?)", (_digest(session_id), person_id, session.csrf_token, expires))
        return session_id, session

    def get(self, session_id: str) -> Session | None:
        rows = self._db.execute(
            "SELECT person_id, csrf_token, expires_at FROM dashboard_sessions "
            "WHERE id_hash = ? AND expires_at > ?", (_digest(session_id), self._now()))
        if not rows:
            return None
        person_id, csrf_token, expires = rows[0]
        return Session(str(person_id), str(csrf_token),
                       datetime.fromtimestamp(int(expires), tz=UTC))

    def revoke(self, session_id: str) -> None:
        self._db.execute("DELETE FROM dashboard_sessions WHERE id_hash = ?",
                         (_digest(session_id),))
