"""Aggregates kept current by fast-forwarding: shared read-only ones for hot authority
checks, and private copies of recently used ones for commands."""

from __future__ import annotations

import copy
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from uuid import UUID

from domain.base import AuditedAggregate
from infrastructure.eventstore.projector import project_events
from infrastructure.eventstore.reads import StoreReads

A = TypeVar("A", bound=AuditedAggregate)


class FastForwardCache(Generic[A]):
    """Keeps the latest version of a few aggregates that nearly every command reads.

    Each read asks the store only for events after the cached version, so changes by
    other processes are seen at once. A newer version replaces the cached instance
    instead of editing it: a caller holding the older one is never changed under its
    feet (copy-on-write), which makes the instances safe to share between threads as
    long as callers only read them.
    """

    def __init__(self, reads: StoreReads, load: Callable[[UUID], A]) -> None:
        self._reads = reads
        self._load = load
        self._latest: dict[UUID, A] = {}

    def version_of(self, aggregate_id: UUID) -> int | None:
        cached = self._latest.get(aggregate_id)
        return None if cached is None else cached.version

    def get(self, aggregate_id: UUID) -> A:
        cached = self._latest.get(aggregate_id)
        if cached is None:
            fresh = self._load(aggregate_id)
        else:
            newer = self._reads.after(aggregate_id, cached.version)
            if not newer:
                return cached
            fresh = copy.deepcopy(cached)
            for event in newer:
                event.mutate(fresh)
        self._latest[aggregate_id] = fresh
        return fresh


class StateCache:
    """The latest stored state of recently used aggregates, so a command decodes only new events.

    Loading a report decodes every one of its events (JSON with an object hook per value),
    which grows with the report's history. Here the state built from the store is kept as
    pickled bytes: every caller unpickles its own copy (nothing is shared between threads or
    commands, and a command that fails leaves the cache as it was) and then asks the store
    for the events after the cached version, so writes by other processes count at once.
    Pickle is a fast deep copy of objects this process built itself from the store; the bytes
    never leave memory. Least recently used aggregates go first beyond ``maxsize``.
    """

    def __init__(self, reads: StoreReads, maxsize: int) -> None:
        self._reads = reads
        self._maxsize = maxsize
        self._states: OrderedDict[UUID, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, aggregate_id: UUID,
            companions: Callable[[Any], Mapping[UUID, int | None]] | None = None) -> Any:
        """The aggregate as the store has it now, or None when it has no events.

        ``companions`` names, for a cached aggregate, others to read in the same round trip.
        """
        cached = self._cached(aggregate_id)
        cached_version = None if cached is None else cached.version
        also = (companions(cached) if companions is not None and cached is not None
                and self._reads.in_scope else {})
        newer = self._reads.together(aggregate_id, cached_version, also)
        # Projecting onto the cached copy changes it in place: compare with the old version.
        aggregate = project_events(cached, newer)
        if aggregate is not None and aggregate.version != cached_version:
            self._keep(aggregate)
        return aggregate

    def _cached(self, aggregate_id: UUID) -> Any:
        with self._lock:
            entry = self._states.get(aggregate_id)
            if entry is None:
                return None
            self._states.move_to_end(aggregate_id)
        return pickle.loads(entry[1])

    def _keep(self, aggregate: Any) -> None:
        if self._maxsize <= 0:
            return
        try:
            state = pickle.dumps(aggregate, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return  # a kind that cannot be copied this way is simply read from its events
        with self._lock:
            entry = self._states.get(aggregate.id)
            if entry is not None and entry[0] >= aggregate.version:
                return  # another thread kept a newer one meanwhile
            self._states[aggregate.id] = (aggregate.version, state)
            self._states.move_to_end(aggregate.id)
            while len(self._states) > self._maxsize:
                self._states.popitem(last=False)

    def __len__(self) -> int:
        return len(self._states)
