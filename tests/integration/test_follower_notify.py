"""Push where the store can: on PostgreSQL the events table's trigger sends NOTIFY on commit
and the follower's wait wakes on it (its poll interval long, so only the notification can
wake it); a killed LISTEN connection is opened again; SQLite keeps polling."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from structlog.testing import capture_logs

from bootstrap import build_follower
from bootstrap.migrate import migrate
from infrastructure.eventstore.notify import (
    EventsListener,
    Polling,
    Wake,
    Wakeup,
    postgres_conninfo,
    wakeup_for,
)
from infrastructure.eventstore.pg_schema import fresh_postgres_schema
from tests.support.engine import TestEngine
from tests.support.engine import test_settings as settings_with
from tests.support.org import build_organisation, open_delar_2022
from tests.support.pg_roles import deployment_roles
from tests.support.stores import POSTGRES_DSN, skip_without_postgres, sqlite_env

LONG_POLL = 30.0  # far beyond any wait here: only a notification ends one early
EVENTS = "arsplan_events"
TRIGGER = "arsplan_events_notify"


@pytest.fixture
def pg_env() -> Iterator[dict[str, str]]:
    skip_without_postgres()
    with fresh_postgres_schema("notify", pool_size=2, dsn=POSTGRES_DSN) as env:
        yield env


def triggers(schema: str) -> list[str]:
    with psycopg.connect(POSTGRES_DSN) as conn:
        rows = conn.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND NOT t.tgisinternal ORDER BY 1",
            (schema, EVENTS)).fetchall()
    return [r[0] for r in rows]


def listener_on(env: dict[str, str], app: TestEngine) -> EventsListener:
    wakeup = wakeup_for(env, app.recorder, follower="test")
    assert isinstance(wakeup, EventsListener)
    return wakeup


async def connected(listener: EventsListener, stop: asyncio.Event) -> None:
    assert await listener.wait(stop, LONG_POLL) == "connected"


async def record_elsewhere(env: dict[str, str]) -> None:
    """Events recorded through another store, so another pool and connection."""
    def write() -> None:
        other = TestEngine(env=env)
        try:
            build_organisation(other)
        finally:
            other.close()
    await asyncio.to_thread(write)


class TestTrigger:
    def test_the_store_creates_it_with_its_tables_and_again_is_harmless(
            self, pg_env: dict[str, str]) -> None:
        TestEngine(env=pg_env).close()
        TestEngine(env=pg_env).close()
        assert triggers(pg_env["POSTGRES_SCHEMA"]) == [TRIGGER]

    async def test_migrate_creates_it_and_the_application_role_fires_it_without_a_grant(
            self) -> None:
        skip_without_postgres()
        with deployment_roles() as roles:
            migrate(roles.env(roles.owner, create_tables=True), roles.app)
            assert TRIGGER in triggers(roles.schema)
            app_env = roles.env(roles.app, create_tables=False)
            app = TestEngine(env=app_env)
            listener = listener_on(app_env, app)
            stop = asyncio.Event()
            try:
                await connected(listener, stop)
                await asyncio.to_thread(build_organisation, app)
                assert await listener.wait(stop, LONG_POLL) == "notified"
            finally:
                await listener.close()
                app.close()


class TestListener:
    async def test_an_event_recorded_by_another_connection_wakes_the_wait(
            self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env)
        listener = listener_on(pg_env, app)
        stop = asyncio.Event()
        try:
            await connected(listener, stop)
            waiting = asyncio.create_task(listener.wait(stop, LONG_POLL))
            await record_elsewhere(pg_env)
            assert await waiting == "notified"
        finally:
            await listener.close()
            app.close()

    async def test_another_schemas_events_do_not_wake_it(self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env)
        listener = listener_on(pg_env, app)
        stop = asyncio.Event()
        try:
            await connected(listener, stop)
            with fresh_postgres_schema("notify", pool_size=1, dsn=POSTGRES_DSN) as other:
                await record_elsewhere(other)
            assert await listener.wait(stop, 0.5) == "timeout"
            await record_elsewhere(pg_env)
            assert await listener.wait(stop, LONG_POLL) == "notified"
        finally:
            await listener.close()
            app.close()

    async def test_stop_ends_the_wait(self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env)
        listener = listener_on(pg_env, app)
        stop = asyncio.Event()
        try:
            await connected(listener, stop)
            waiting = asyncio.create_task(listener.wait(stop, LONG_POLL))
            await asyncio.sleep(0)
            stop.set()
            assert await waiting == "stopped"
        finally:
            await listener.close()
            app.close()

    async def test_a_killed_connection_is_opened_again_and_still_wakes_it(
            self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env)
        stop = asyncio.Event()
        killed: list[int | None] = []
        with capture_logs() as logs:
            listener = listener_on(pg_env, app)
            try:
                await connected(listener, stop)
                # Killed twice before any wait went well: at once, then after a backoff.
                for _ in range(2):
                    killed.append(listener.backend_pid)
                    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
                        admin.execute("SELECT pg_terminate_backend(%s)", (killed[-1],))
                    assert await listener.wait(stop, LONG_POLL) == "connected"
                    assert listener.backend_pid not in (None, *killed)
                waiting = asyncio.create_task(listener.wait(stop, LONG_POLL))
                await record_elsewhere(pg_env)
                assert await waiting == "notified"
            finally:
                await listener.close()
                app.close()
        lost = [e for e in logs if e["event"] == "events_listener_lost"]
        assert [(e["backend_pid"], e["follower"], e["channel"], e["retry_in_seconds"])
                for e in lost] == [(killed[0], "test", "arsplan_events", 0.0),
                                   (killed[1], "test", "arsplan_events", listener.first_backoff)]

    async def test_a_missing_trigger_is_logged_and_the_wait_polls(
            self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env)
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(f'DROP TRIGGER {TRIGGER} ON "{pg_env["POSTGRES_SCHEMA"]}".{EVENTS}')
        stop = asyncio.Event()
        with capture_logs() as logs:
            listener = listener_on(pg_env, app)
            try:
                await connected(listener, stop)
                # Through the store opened before the drop: a new one would add it again.
                await asyncio.to_thread(build_organisation, app)
                assert await listener.wait(stop, 0.5) == "timeout"
            finally:
                await listener.close()
                app.close()
        assert [e["event"] for e in logs if e["log_level"] == "warning"] == [
            "events_notify_trigger_missing"]

    async def test_an_unreachable_server_is_logged_and_the_wait_falls_back_to_polling(
            self) -> None:
        unreachable = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "1",
                       "POSTGRES_DBNAME": "test", "POSTGRES_USER": "postgres"}
        with capture_logs() as logs:
            listener = EventsListener(postgres_conninfo(unreachable), "public", EVENTS,
                                      first_backoff=60.0, max_backoff=120.0)
            stop = asyncio.Event()
            assert await listener.wait(stop, 0.2) == "timeout"
            assert await listener.wait(stop, 0.2) == "timeout"  # backing off: no new try
        failed = [e for e in logs if e["event"] == "events_listener_connect_failed"]
        assert [(e["attempt"], e["retry_in_seconds"]) for e in failed] == [(1, 60.0)]


class Recorded:
    """Stands in for the Temporal client: records starts and signals."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.some = asyncio.Event()

    async def start_workflow(self, workflow: str, arg: Any, *, id: str, **_: Any) -> None:
        self.delivered.append((id, f"start:{workflow}"))
        self.some.set()

    def get_workflow_handle(self, workflow_id: str) -> Any:
        raise AssertionError("only starts are routed here")


class Spy:
    """The follower's wakeup, noting why each wait ended."""

    def __init__(self, inner: Wakeup) -> None:
        self.inner = inner
        self.wakes: list[Wake] = []
        self.entered = 0
        self.in_long_wait = asyncio.Event()  # connected, polled again, waiting
        self.closed = False

    async def wait(self, stop: asyncio.Event, seconds: float) -> Wake:
        self.entered += 1
        if self.entered == 2:
            self.in_long_wait.set()
        wake = await self.inner.wait(stop, seconds)
        self.wakes.append(wake)
        return wake

    async def close(self) -> None:
        self.closed = True
        await self.inner.close()


class TestFollower:
    async def test_build_follower_listens_on_postgres_and_a_command_wakes_it(
            self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env, settings=settings_with(follower_poll_seconds=LONG_POLL))
        client = Recorded()
        follower = build_follower(app, client)  # type: ignore[arg-type]
        assert isinstance(follower.wakeup, EventsListener)
        spy = Spy(follower.wakeup)
        follower.wakeup = spy
        stop = asyncio.Event()
        running = asyncio.create_task(follower.run(stop, interval=LONG_POLL))
        try:
            await guarded(spy.in_long_wait)
            await asyncio.to_thread(build_organisation, app)
            await asyncio.to_thread(open_delar_2022, app)
            await guarded(client.some)
        finally:
            stop.set()
            await running
            app.close()
        assert [name for _, name in client.delivered] == ["start:CycleWorkflow"]
        assert spy.wakes[:2] == ["connected", "notified"]
        assert spy.closed

    def test_sqlite_keeps_polling(self, tmp_path: Path) -> None:
        env = sqlite_env(tmp_path / "events.sqlite")
        app = TestEngine(env=env)
        try:
            assert isinstance(build_follower(app, Recorded()).wakeup,  # type: ignore[arg-type]
                              Polling)
        finally:
            app.close()

    async def test_the_setting_turns_listening_off(self, pg_env: dict[str, str]) -> None:
        app = TestEngine(env=pg_env, settings=settings_with(follower_listen=False))
        try:
            assert isinstance(build_follower(app, Recorded()).wakeup,  # type: ignore[arg-type]
                              Polling)
        finally:
            app.close()

    async def test_polling_waits_out_its_interval_or_stops(self) -> None:
        stop = asyncio.Event()
        assert await Polling().wait(stop, 0.01) == "timeout"
        stop.set()
        assert await Polling().wait(stop, LONG_POLL) == "stopped"



async def guarded(event: asyncio.Event) -> None:
    """The guard only keeps a broken run from hanging; it is no measure of speed."""
    await asyncio.wait_for(event.wait(), 20.0)
