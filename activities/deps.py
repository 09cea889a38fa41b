"""What activities need: the bus for the facts they record, the store for what they read,
and the outside world (notifier, KLK, Platina). Built by the composition root."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from temporalio.exceptions import ApplicationError

from application.bus import CommandBus
from application.ports import AbstractTreeHeads
from domain.errors import ConcurrencyConflictError, DomainError
from domain.working_days import ReminderSchedule
from infrastructure.adapters import AbstractDestination
from infrastructure.eventstore import ArsplanStore
from infrastructure.notifier import Notifier
from infrastructure.timeline import REAL_TIME, Timeline

T = TypeVar("T")


@dataclass
class ActivityDeps:
    bus: CommandBus
    store: ArsplanStore
    notifier: Notifier
    klk: AbstractDestination
    platina: AbstractDestination
    schedule: ReminderSchedule
    timeline: Timeline = REAL_TIME
    # Signs the log's head for the beslut package (None without a signing key).
    tree_heads: AbstractTreeHeads | None = None


async def in_domain(call: Callable[[], T]) -> T:
    """Runs a blocking store call off the event loop; a refused command is not retried."""
    try:
        return await asyncio.to_thread(call)
    except ConcurrencyConflictError:
        raise  # another writer won: Temporal retries and the idempotency key dedupes
    except DomainError as exc:
        raise ApplicationError(str(exc), type=exc.rule, non_retryable=True) from exc
