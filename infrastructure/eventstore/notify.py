"""Push rather than poll where the store can.

On PostgreSQL a statement trigger on the events table sends ``NOTIFY arsplan_events`` in
the inserting transaction, so listeners hear of it only once the events are committed,
whichever process (and role) wrote them. A follower waits on ``LISTEN`` on its own
connection and wakes at once; its poll interval stays the backstop, and it always reads
from its committed position, so a lost notification or a reconnect loses no event.
Elsewhere (SQLite, memory) the wait is a plain sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any, Literal, Protocol

import psycopg
import structlog
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo

CHANNEL = "arsplan_events"
NOTIFY_FUNCTION = "arsplan_notify_events"
# Serialises installers (processes starting together, `arsplan migrate`): concurrent
# creation of one function or trigger fails ("tuple concurrently updated").
_INSTALL_LOCK = "arsplan_notify_trigger"

# Why a wait ended: "notified" by the trigger, the poll interval ran out ("timeout"),
# ``stop`` was set, or a LISTEN connection was just (re)established ("connected": events
# committed before it existed were not heard, so poll once at once).
Wake = Literal["notified", "timeout", "stopped", "connected"]


class Wakeup(Protocol):
    async def wait(self, stop: asyncio.Event, seconds: float) -> Wake: ...

    async def close(self) -> None: ...


async def sleep_until_stopped(stop: asyncio.Event, seconds: float) -> Wake:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(seconds, 0.0))
        return "stopped"
    return "timeout"


class Polling:
    """No push: the follower looks again after its interval."""

    async def wait(self, stop: asyncio.Event, seconds: float) -> Wake:
        return await sleep_until_stopped(stop, seconds)

    async def close(self) -> None:
        return None


def notify_payload(schema: str, table: str) -> str:
    return f"{schema}.{table}"


def install_notify_trigger(cur: psycopg.Cursor[Any], schema: str, table: str) -> None:
    """The events table's ``AFTER INSERT FOR EACH STATEMENT`` trigger sending ``NOTIFY``
    (payload: schema.table, so stores sharing a database tell their events apart).
    Idempotent; run by whoever creates the tables, inside one transaction."""
    trigger = trigger_name(table)
    # Left alone when there: CREATE TRIGGER locks out writers for a moment, and the
    # function may belong to another role (the owner's, made by `arsplan migrate`).
    if _has_trigger(cur, schema, table, trigger):
        return
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_INSTALL_LOCK,))
    if _has_trigger(cur, schema, table, trigger):
        return
    function = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(NOTIFY_FUNCTION))
    cur.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM pg_notify({}, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; "
        "END $$").format(function, sql.Literal(CHANNEL)))
    cur.execute(sql.SQL("CREATE TRIGGER {} AFTER INSERT ON {}.{} FOR EACH STATEMENT "
                        "EXECUTE FUNCTION {}()")
                .format(sql.Identifier(trigger), sql.Identifier(schema), sql.Identifier(table),
                        function))


_TRIGGER_EXISTS = ("SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = %s AND c.relname = %s AND t.tgname = %s")


def trigger_name(table: str) -> str:
    return f"{table}_notify"


def _has_trigger(cur: psycopg.Cursor[Any], schema: str, table: str, trigger: str) -> bool:
    cur.execute(_TRIGGER_EXISTS, (schema, table, trigger))
    return cur.fetchone() is not None


def install_for(recorder: Any) -> None:
    """The trigger on a PostgreSQL application recorder's events table; nothing elsewhere."""
    inner = getattr(recorder, "inner", recorder)  # under group commit
    if not isinstance(inner, PostgresApplicationRecorder):
        return
    with inner.datastore.transaction(commit=True) as cur:
        install_notify_trigger(cur, inner.datastore.schema, inner.events_table_name)


def postgres_conninfo(env: Mapping[str, str]) -> str:
    return make_conninfo(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
                         dbname=env["POSTGRES_DBNAME"], user=env["POSTGRES_USER"],
                         password=env.get("POSTGRES_PASSWORD") or None)


class EventsListener:
    """Waits on ``LISTEN`` for the events table's notifications, on a connection of its
    own. A lost connection is logged and opened again with backoff; meanwhile the wait
    falls back to sleeping out the poll interval, so the follower keeps polling."""

    def __init__(self, conninfo: str, schema: str, table: str, *,
                 first_backoff: float = 0.5, max_backoff: float = 30.0, **ids: object) -> None:
        # Keepalives: a connection cut without a reset (a dropped network path) is noticed.
        self.conninfo = make_conninfo(conninfo, keepalives=1, keepalives_idle=30,
                                      keepalives_interval=10, keepalives_count=3)
        self.schema, self.table = schema, table
        self.payload = notify_payload(schema, table)
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        # structlog directly: infrastructure.logging imports the settings, which import
        # this package.
        self.log = structlog.get_logger().bind(channel=CHANNEL, events=self.payload, **ids)
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._pid: int | None = None  # kept: a lost connection no longer knows it
        self._failures = 0  # connects failed or connections lost since the last good wait
        self._retry_at = 0.0

    @property
    def backend_pid(self) -> int | None:
        """The listening server process (None while disconnected)."""
        return self._pid if self._conn is not None else None

    async def wait(self, stop: asyncio.Event, seconds: float) -> Wake:
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            now = time.monotonic()
            if self._conn is None:
                if now >= self._retry_at and await self._connect():
                    return "connected"
                if now >= deadline:
                    return "timeout"
                wake = await sleep_until_stopped(stop, min(deadline, self._retry_at) - now)
                if wake == "stopped":
                    return wake
                continue
            heard = await self._listen(self._conn, stop, deadline - now)
            if heard is not None:
                return heard
        return "stopped"

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()

    async def _connect(self) -> bool:
        try:
            conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True,
                                                         connect_timeout=5)
            try:
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                found = await (await conn.execute(_TRIGGER_EXISTS, (
                    self.schema, self.table, trigger_name(self.table)))).fetchone()
            except BaseException:
                await conn.close()
                raise
        except (psycopg.Error, OSError) as exc:
            self._failures += 1
            delay = self._back_off()
            self.log.warning("events_listener_connect_failed", error=str(exc),
                             attempt=self._failures, retry_in_seconds=delay)
            return False
        self._conn, self._pid = conn, conn.info.backend_pid
        self.log.info("events_listener_connected", backend_pid=self._pid)
        if found is None:
            # Tables made before the trigger existed, by a role that may not add it.
            self.log.warning("events_notify_trigger_missing", backend_pid=self._pid,
                             remedy="run `arsplan migrate`; until then the follower polls")
        return True

    async def _listen(self, conn: psycopg.AsyncConnection[Any], stop: asyncio.Event,
                      seconds: float) -> Wake | None:
        """Until a notification for our table, ``seconds`` or ``stop``; None when the
        connection was lost (closed, to be opened again at once)."""
        heard = asyncio.ensure_future(self._next_notification(conn, seconds))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({heard, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not heard.done():
                heard.cancel()
        if not heard.done() or heard.cancelled():
            # Stopping: a connection interrupted mid-wait is not used again.
            with contextlib.suppress(asyncio.CancelledError, psycopg.Error, OSError):
                await heard
            await self.close()
            return "stopped"
        try:
            wake = heard.result()
        except (psycopg.Error, OSError) as exc:
            # Once at once; a connection lost again before any good wait backs off.
            delay = self._back_off()
            self._failures += 1
            self.log.warning("events_listener_lost", error=str(exc), backend_pid=self._pid,
                             retry_in_seconds=delay)
            await self.close()
            return None
        self._failures = 0
        return wake

    def _back_off(self) -> float:
        delay = (0.0 if self._failures == 0 else
                 min(self.first_backoff * 2 ** (self._failures - 1), self.max_backoff))
        self._retry_at = time.monotonic() + delay
        return delay

    async def _next_notification(self, conn: psycopg.AsyncConnection[Any],
                                 seconds: float) -> Wake:
        async with contextlib.aclosing(conn.notifies(timeout=max(seconds, 0.0))) as heard:
            async for notify in heard:
                if notify.payload == self.payload:
                    return "notified"
        return "timeout"


def wakeup_for(env: Mapping[str, str], recorder: Any, *, listen: bool = True,
               **ids: Any) -> Wakeup:
    """The follower's wait: LISTEN on PostgreSQL (unless ``listen`` is off), else polling."""
    inner = getattr(recorder, "inner", recorder)
    if not listen or not isinstance(inner, PostgresApplicationRecorder):
        return Polling()
    return EventsListener(postgres_conninfo(env), inner.datastore.schema,
                          inner.events_table_name, **ids)
