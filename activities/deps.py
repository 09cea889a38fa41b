"""What activities need from the outside world, built once by the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from temporalio.exceptions import ApplicationError

from activities.schedule import ReminderSchedule
from domain.application import Arsplaner
from domain.errors import ConcurrencyConflictError, DomainError
from infrastructure.adapters import AbstractDestination, destination
from infrastructure.notifier import Notifier, Outbox, SmtpConfig
from infrastructure.settings import Settings
from infrastructure.sidecar import SidecarDB, sidecar_for
from infrastructure.timeline import REAL_TIME, Timeline

T = TypeVar("T")


@dataclass
class ActivityDeps:
    app: Arsplaner
    notifier: Notifier
    klk: AbstractDestination
    platina: AbstractDestination
    schedule: ReminderSchedule
    attest_working_days: int
    data_dir: Path
    timeline: Timeline = REAL_TIME

    @classmethod
    def from_settings(cls, app: Arsplaner, settings: Settings, timeline: Timeline = REAL_TIME,
                      sidecar: SidecarDB | None = None) -> ActivityDeps:
        db = sidecar or sidecar_for(settings.eventsourcing_env(), "outbox")
        smtp = (SmtpConfig(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
                if settings.smtp_host else None)
        return cls(
            app=app, notifier=Notifier(Outbox(db), smtp),
            klk=destination(settings.klk_transport, settings.klk_url,
                            settings.drop_dir / "klk", "kommunledningskontoret"),
            platina=destination(settings.platina_transport, settings.platina_url,
                                settings.drop_dir / "platina", "platina"),
            schedule=ReminderSchedule(tuple(settings.reminder_working_days_before),
                                      settings.reminder_hour, settings.overdue_reminder_days),
            attest_working_days=settings.attest_working_days,
            data_dir=settings.data_dir, timeline=timeline,
        )


async def in_domain(call: Callable[[], T]) -> T:
    """Runs a blocking domain call off the event loop; a refused command is not retried."""
    try:
        return await asyncio.to_thread(call)
    except ConcurrencyConflictError:
        raise  # another writer won: Temporal retries and the idempotency key dedupes
    except DomainError as exc:
        raise ApplicationError(str(exc), type=exc.rule, non_retryable=True) from exc
