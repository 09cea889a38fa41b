"""The session table: only a hash of each id, expiry by the store's clock, no DDL when the
database role may not create tables."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from infrastructure.eventstore.sidecar import SidecarDB
from infrastructure.sessions import SessionStore
from tests.support.clock import ManualClock


def test_the_table_holds_no_usable_session_id() -> None:
    db = SidecarDB(sqlite_path=":memory:")
    session_id, session = SessionStore(db, timedelta(hours=1)).create("anna")
    rows = db.execute("SELECT * FROM dashboard_sessions")
    assert len(rows) == 1 and session_id not in rows[0]
    assert session.csrf_token != session_id


def test_expired_sessions_are_not_found_and_are_cleared() -> None:
    clock = ManualClock(datetime(2030, 1, 1, tzinfo=UTC))
    db = SidecarDB(sqlite_path=":memory:")
    store = SessionStore(db, timedelta(hours=8), clock=clock)
    old, _ = store.create("anna")
    clock.advance(hours=8)
    assert store.get(old) is None
    store.create("bertil")
    assert [r[0] for r in db.execute("SELECT person_id FROM dashboard_sessions")] == ["bertil"]


def test_without_create_tables_it_creates_none() -> None:
    db = SidecarDB(sqlite_path=":memory:", creates_tables=False)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        SessionStore(db, timedelta(hours=1)).create("anna")
