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
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo

from infrastructure.logging import get_logger

CHANNEL = "arsplan_events"
NOTIFY_FUNCTION = "arsplan_notify_events"
# Serialises installers (processes starting together, `arsplan migrate`): concurrent
# CREATE OR REPLACE FUNCTION on one row fails with "tuple concurrently updated".
_INSTALL_LOCK = "arsplan_notify_trigger"

# Why a wait ended: "notified" by the trigger, the poll interval ran out ("timeout"),
# ``stop`` was set, or a LISTEN connection was just (re)established ("connected": events
# committed before it existed were not heard, so poll once at once).
Wake = Literal["notified", "timeout", "stopped", "connected"]


class Wakeup(Protocol):
    async def wait(self, stop: asyncio.Event, timeout: float) -> Wake: ...

    async def close(self) -> None: ...


async def sleep_until_stopped(stop: asyncio.Event, timeout: float) -> Wake:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(timeout, 0.0))
        return "stopped"
    return "timeout"


class Polling:
    """No push: the follower looks again after its interval."""

    async def wait(self, stop: asyncio.Event, timeout: float) -> Wake:
        return await sleep_until_stopped(stop, timeout)

    async def close(self) -> None:
        return None


def notify_payload(schema: str, table: str) -> str:
    return f"{schema}.{table}"


def install_notify_trigger(cur: psycopg.Cursor[Any], schema: str, table: str) -> None:
    """The events table's ``AFTER INSERT FOR EACH STATEMENT`` trigger sending ``NOTIFY``
    (payload: schema.table, so stores sharing a database tell their events apart).
    Idempotent; run by whoever creates the tables, inside one transaction."""
    function = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(NOTIFY_FUNCTION))
    target = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
    trigger = f"{table}_notify"
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_INSTALL_LOCK,))
    cur.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM pg_notify({}, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; "
        "END $$").format(function, sql.Literal(CHANNEL)))
    cur.execute("SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s AND t.tgname = %s",
                (schema, table, trigger))
    if cur.fetchone() is None:
        # Created only when missing: CREATE TRIGGER locks out writers for a moment.
        cur.execute(sql.SQL("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH STATEMENT "
                            "EXECUTE FUNCTION {}()")
                    .format(sql.Identifier(trigger), target, function))


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
        self.payload = notify_payload(schema, table)
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.log = get_logger(channel=CHANNEL, events=self.payload, **ids)
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._failures = 0
        self._retry_at = 0.0

    @property
    def backend_pid(self) -> int | None:
        """The listening server process (None while disconnected)."""
        return self._conn.info.backend_pid if self._conn is not None else None

    async def wait(self, stop: asyncio.Event, timeout: float) -> Wake:
        deadline = time.monotonic() + timeout
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
            wake = await self._listen(self._conn, stop, deadline - now)
            if wake is not None:
                return wake
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
            except BaseException:
                await conn.close()
                raise
        except (psycopg.Error, OSError) as exc:
            self._failures += 1
            delay = min(self.first_backoff * 2 ** (self._failures - 1), self.max_backoff)
            self._retry_at = time.monotonic() + delay
            self.log.warning("events_listener_connect_failed", error=str(exc),
                             attempt=self._failures, retry_in_seconds=delay)
            return False
        self._conn, self._failures = conn, 0
        self.log.info("events_listener_connected", backend_pid=conn.info.backend_pid)
        return True

    async def _listen(self, conn: psycopg.AsyncConnection[Any], stop: asyncio.Event,
                      timeout: float) -> Wake | None:
        """Until a notification for our table, the timeout or ``stop``; None when the
        connection was lost (closed, to be opened again at once)."""
        heard = asyncio.ensure_future(self._next_notification(conn, timeout))
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
            return heard.result()
        except (psycopg.Error, OSError) as exc:
            self.log.warning("events_listener_lost", error=str(exc),
                             backend_pid=conn.info.backend_pid)
            await self.close()
            self._retry_at = 0.0
            return None

    async def _next_notification(self, conn: psycopg.AsyncConnection[Any],
                                 timeout: float) -> Wake:
        async with contextlib.aclosing(conn.notifies(timeout=max(timeout, 0.0))) as heard:
            async for notify in heard:
                if notify.payload == self.payload:
                    return "notified"
        return "timeout"


def wakeup_for(env: Mapping[str, str], recorder: Any, *, listen: bool = True,
               **ids: object) -> Wakeup:
    """The follower's wait: LISTEN on PostgreSQL (unless ``listen`` is off), else polling."""
    inner = getattr(recorder, "inner", recorder)
    if not listen or not isinstance(inner, PostgresApplicationRecorder):
        return Polling()
    return EventsListener(postgres_conninfo(env), inner.datastore.schema,
                          inner.events_table_name, **ids)
