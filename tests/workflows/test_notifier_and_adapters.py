"""Notifier (outbox, SMTP against a local aiosmtpd) and the outbound document adapters."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from infrastructure.adapters import FileDrop, HttpDestination, OutboundDocument
from infrastructure.eventstore.sidecar import SidecarDB
from infrastructure.notifier import Notification, Notifier, Outbox, SmtpConfig

WHEN = datetime(2022, 8, 18, 6, 0, tzinfo=UTC)


def reminder(key: str = "wf:reminder:klarmarkera:1") -> Notification:
    return Notification(key, "anna", "anna@example.se", "Påminnelse: Klarmarkera",
                        "Klarmarkera rapporten senast 2022-08-23.", WHEN)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class TestOutbox:
    async def test_the_same_key_is_queued_once(self, tmp_path: Path) -> None:
        notifier = Notifier(Outbox(SidecarDB(sqlite_path=str(tmp_path / "outbox.sqlite"))))
        await notifier.notify(reminder())
        await notifier.notify(reminder())
        await notifier.notify(reminder("wf:reminder:klarmarkera:2"))
        assert [n.key for n in notifier.outbox.all()] == ["wf:reminder:klarmarkera:1",
                                                          "wf:reminder:klarmarkera:2"]


class TestEventLoop:
    async def test_other_coroutines_run_while_the_outbox_waits_for_a_held_write_lock(
            self, tmp_path: Path) -> None:
        path = tmp_path / "outbox.sqlite"
        db = EnteredSidecar(sqlite_path=str(path))
        notifier = Notifier(Outbox(db))
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process writing
        notifying = asyncio.create_task(notifier.notify(reminder()))
        progress = 0

        async def keep_working() -> None:
            # Steps only while the loop is free, i.e. the outbox waits for the lock in a thread.
            nonlocal progress
            assert await asyncio.to_thread(db.entered.wait, 60)
            for _ in range(100):
                progress += 1
                await asyncio.sleep(0)

        await keep_working()
        assert progress == 100 and not notifying.done()
        holder.execute("ROLLBACK")
        holder.close()
        await notifying
        assert [n.key for n in notifier.outbox.all()] == ["wf:reminder:klarmarkera:1"]


class EnteredSidecar(SidecarDB):
    """Signals when a statement starts, from whichever thread runs it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entered = threading.Event()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if not sql.startswith("CREATE"):
            self.entered.set()
        return super().execute(sql, params)


class TestSmtp:
    async def test_mails_the_reminder_once_even_when_notified_twice(
            self, tmp_path: Path, smtp_server: tuple[Inbox, int]) -> None:
        inbox, port = smtp_server
        outbox = Outbox(SidecarDB(sqlite_path=str(tmp_path / "outbox.sqlite")))
        notifier = Notifier(outbox, SmtpConfig("127.0.0.1", port, "arsplan@alingsas.example"))
        await notifier.notify(reminder())
        await notifier.notify(reminder())  # a retried activity
        await asyncio.sleep(0.05)
        assert len(inbox.messages) == 1
        mail = message_from_bytes(inbox.messages[0])
        assert mail["To"] == "anna@example.se"
        assert mail["X-Arsplan-Key"] == "wf:reminder:klarmarkera:1"
        assert outbox.is_sent("wf:reminder:klarmarkera:1")

    async def test_a_person_without_email_stays_in_the_outbox(
            self, tmp_path: Path, smtp_server: tuple[Inbox, int]) -> None:
        inbox, port = smtp_server
        outbox = Outbox(SidecarDB(sqlite_path=str(tmp_path / "outbox.sqlite")))
        notifier = Notifier(outbox, SmtpConfig("127.0.0.1", port, "arsplan@alingsas.example"))
        n = reminder()
        await notifier.notify(Notification(n.key, n.recipient_person_id, None, n.subject,
                                           n.body, n.created_at))
        assert inbox.messages == []
        assert len(outbox.all()) == 1 and not outbox.is_sent(n.key)


DOC = OutboundDocument("underlag-von-delarsbokslut-2022.docx", b"PK\x03\x04 docx", "application/x")


class TestAdapters:
    def test_file_drop_writes_the_document_and_a_rerun_overwrites_it(self, tmp_path: Path) -> None:
        drop = FileDrop(tmp_path / "klk", "kommunledningskontoret")
        first = drop.deliver(DOC, "cycle-1:underlag")
        second = drop.deliver(DOC, "cycle-1:underlag")
        assert first == second
        assert Path(first).read_bytes() == DOC.content
        assert len(list((tmp_path / "klk").rglob("*"))) == 2  # one folder, one file

    def test_http_posts_with_an_idempotency_key(self) -> None:
        received: list[tuple[dict[str, str], bytes]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                payload = json.dumps({"reference": "KLK-2022-117"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/underlag"
            reference = HttpDestination(url, "kommunledningskontoret").deliver(DOC, "k1")
        finally:
            server.shutdown()
        assert reference == "KLK-2022-117"
        headers, body = received[0]
        assert headers["Idempotency-Key"] == "k1" and body == DOC.content
