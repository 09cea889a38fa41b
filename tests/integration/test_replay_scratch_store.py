"""Replay's fresh SQLite store commits without fsync; the live store keeps SQLite's default."""

from __future__ import annotations

from pathlib import Path

from eventsourcing.sqlite import SQLiteDatastore

from audit.replay import replay, unsynced
from projections.read_models import ReadModels
from projections.runner import catch_up_all
from tests.integration.projection_support import record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV, sqlite_env

FULL, OFF = 2, 0


def _synchronous(datastore: SQLiteDatastore, connections: int = 1) -> list[int]:
    """The level of ``connections`` connections held at once (beyond the pooled ones,
    new ones are opened)."""
    held = [datastore.pool.get_connection() for _ in range(connections)]
    try:
        levels = []
        for connection in held:
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous")
            levels.append(cursor.fetchone()[0])
        return levels
    finally:
        for connection in held:
            datastore.pool.put_connection(connection)


def test_unsynced_turns_off_fsync_on_pooled_and_new_connections(tmp_path: Path) -> None:
    app = TestEngine(env=sqlite_env(tmp_path / "scratch.sqlite"))
    try:
        datastore = app.recorder.datastore  # type: ignore[attr-defined]
        assert _synchronous(datastore) == [FULL]  # opened by the application, pooled
        unsynced(datastore)
        assert _synchronous(datastore, connections=3) == [OFF, OFF, OFF]
    finally:
        app.close()


def test_unsynced_leaves_stores_without_sqlite_alone() -> None:
    unsynced(None)  # in memory: ReadModels has no datastore
    models = ReadModels(MEMORY_ENV)
    unsynced(models.datastore)
    assert models.datastore is None


def test_replay_leaves_the_live_store_at_full_synchronous(tmp_path: Path,
                                                          clock: ManualClock) -> None:
    live_env = sqlite_env(tmp_path / "live.sqlite")
    app = TestEngine(env=live_env, clock=clock)
    record_history(app, clock)
    models = ReadModels(live_env)
    try:
        catch_up_all(app, models)
        result = replay(app, models, sqlite_env(tmp_path / "replay.sqlite"))
        assert result.ok and result.events_copied == app.recorder.max_notification_id()
        assert _synchronous(app.recorder.datastore, 2) == [FULL, FULL]  # type: ignore[attr-defined]
        assert _synchronous(models.datastore, 2) == [FULL, FULL]
    finally:
        models.close()
        app.close()
