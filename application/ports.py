"""What the service layer needs of an event store; infrastructure/eventstore provides it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from domain.base import AuditedAggregate
from domain.organisation import Organisation

A = TypeVar("A", bound=AuditedAggregate)
Clock = Callable[[], datetime]


class AbstractTreeHeads(Protocol):
    """Signs the transparency log's current head with the key kept outside the database."""

    def current(self) -> dict[str, Any] | None:
        """The signed head of everything recorded so far; None while the log is empty."""
        ...


class AbstractEventStore(Protocol):
    """Loads aggregates as recorded, and saves new events of several aggregates at once."""

    clock: Clock

    def get(self, aggregate_id: UUID, kind: type[A], version: int | None = None) -> A:
        """The aggregate's current (or given) version; NotFoundError when it has none."""
        ...

    def exists(self, aggregate_id: UUID) -> bool: ...

    def organisation(self, namnd_code: str) -> Organisation:
        """The nämnd's organisation as recorded now; shared, so callers only read it."""
        ...

    def save_changes(self, *aggregates: AuditedAggregate) -> None:
        """Records every pending event atomically; ConcurrencyConflictError if another
        writer recorded a version first."""
        ...

    def aggregate_events(self, aggregate_id: UUID) -> Iterator[Any]: ...

    def arsplan_ids(self) -> Iterator[UUID]:
        """Every nämnd's stored årsplaner, in the order adopted."""
        ...

    def command_scope(self) -> AbstractContextManager[None]:
        """Reads within one command may be fetched together (one round trip)."""
        ...
