"""Aggregate state as of an instant: the last version recorded at or before it."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from domain.application import Arsplaner
from domain.base import AuditedAggregate

A = TypeVar("A", bound=AuditedAggregate)


def state_as_of(app: Arsplaner, aggregate_id: UUID, kind: type[A],
                as_of: datetime | None) -> A | None:
    """None when the aggregate did not exist yet (or at all)."""
    if not app.exists(aggregate_id):
        return None
    if as_of is None:
        return app.get(aggregate_id, kind)
    version = None
    for event in app.aggregate_events(aggregate_id):
        if event.timestamp > as_of:
            break
        version = event.originator_version
    if version is None:
        return None
    return app.get(aggregate_id, kind, version=version)

