"""Read-only aggregates kept current by fast-forwarding, for hot authority checks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.persistence import EventStore

from domain.base import AuditedAggregate

A = TypeVar("A", bound=AuditedAggregate)


class FastForwardCache(Generic[A]):
    """Keeps the latest version of a few aggregates that nearly every command reads.

    Each read asks the store only for events after the cached version, so changes by
    other processes are seen at once. A newer version replaces the cached instance
    instead of editing it: a caller holding the older one is never changed under its
    feet (copy-on-write), which makes the instances safe to share between threads as
    long as callers only read them.
    """

    def __init__(self, events: EventStore[Any], load: Callable[[UUID], A]) -> None:
        self._events = events
        self._load = load
        self._latest: dict[UUID, A] = {}

    def get(self, aggregate_id: UUID) -> A:
        cached = self._latest.get(aggregate_id)
        if cached is None:
            fresh = self._load(aggregate_id)
        else:
            newer: list[Any] = list(self._events.get(aggregate_id, gt=cached.version))
            if not newer:
                return cached
            fresh = copy.deepcopy(cached)
            for event in newer:
                event.mutate(fresh)
        self._latest[aggregate_id] = fresh
        return fresh
