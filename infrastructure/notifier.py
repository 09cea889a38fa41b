"""Reminders and escalations to people: an outbox by default, SMTP when configured.

Every notification has the idempotency key of the fact it belongs to. The outbox
keeps one row per key, so a retried activity never queues a second message, and
SMTP delivery is marked on the row so a retry after a successful send is skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

import aiosmtplib

from infrastructure.eventstore.sidecar import SidecarDB


@dataclass(frozen=True)
class Notification:
    key: str
    recipient_person_id: str
    recipient_email: str | None
    subject: str
    body: str
    created_at: datetime


class Outbox:
    """A table the API and CLI can show; the reminder projection shows ReminderSent too."""

    def __init__(self, db: SidecarDB) -> None:
        self._db = db
        if db.creates_tables:
            self._db.execute(
            "CREATE TABLE IF NOT EXISTS notification_outbox (key TEXT PRIMARY KEY, "
            "recipient_person_id TEXT NOT NULL, recipient_email TEXT, subject TEXT NOT NULL, "
            "body TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT)")

    def add(self, n: Notification) -> bool:
        """Queues the notification; False when its key is already queued."""
        before = self._count(n.key)
        self._db.execute(
            "INSERT INTO notification_outbox (key, recipient_person_id, recipient_email, "
            "subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (n.key, n.recipient_person_id, n.recipient_email, n.subject, n.body,
             n.created_at.isoformat()))
        return before == 0

    def _count(self, key: str) -> int:
        return int(self._db.execute(
            "SELECT COUNT(*) FROM notification_outbox WHERE key = ?", (key,))[0][0])

    def is_sent(self, key: str) -> bool:
        rows = self._db.execute("SELECT sent_at FROM notification_outbox WHERE key = ?", (key,))
        return bool(rows and rows[0][0])

    def mark_sent(self, key: str, at: datetime) -> None:
        self._db.execute("UPDATE notification_outbox SET sent_at = ? WHERE key = ?",
                         (at.isoformat(), key))

    def all(self) -> list[Notification]:
        rows = self._db.execute(
            "SELECT key, recipient_person_id, recipient_email, subject, body, created_at "
            "FROM notification_outbox ORDER BY created_at, key")
        return [Notification(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5]))
                for r in rows]


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str


class Notifier:
    """Queues in the outbox, then mails it if SMTP is configured and the person has an email."""

    def __init__(self, outbox: Outbox, smtp: SmtpConfig | None = None) -> None:
        self.outbox = outbox
        self.smtp = smtp

    async def notify(self, n: Notification) -> None:
        # Outbox statements block (a held SQLite lock waits up to 10 s): run them in a
        # thread so the worker's event loop keeps serving every other workflow task.
        await asyncio.to_thread(self.outbox.add, n)
        if self.smtp is None or not n.recipient_email:
            return
        if await asyncio.to_thread(self.outbox.is_sent, n.key):
            return
        message = EmailMessage()
        message["From"] = self.smtp.sender
        message["To"] = n.recipient_email
        message["Subject"] = n.subject
        message["Message-ID"] = f"<{hashlib.sha256(n.key.encode()).hexdigest()[:32]}@arsplan>"
        message["X-Arsplan-Key"] = n.key
        message.set_content(n.body)
        await aiosmtplib.send(message, hostname=self.smtp.host, port=self.smtp.port)
        await asyncio.to_thread(self.outbox.mark_sent, n.key, datetime.now(tz=UTC))
