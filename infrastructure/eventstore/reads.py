"""Reading the events recorded after given versions, for one aggregate or several at once.

Every command reads its aggregate and brings its nämnd's organisation up to date (so a
role ended by another process counts at once): two round trips to a database server.
Where the store can answer several aggregates in one statement, the command's reads go
together; the events fetched for a companion wait in the thread's open scope until the
organisation cache asks for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import EventStore, StoredEvent

# Takes (aggregate id, after version) pairs; returns the stored events of all of them.
SelectAfter = Callable[[Sequence[tuple[UUID, int | None]]], Sequence[StoredEvent]]
Events = list[Any]


class StoreReads:
    """Events after a version, straight from the store or fetched earlier in the same scope."""

    def __init__(self, events: EventStore[Any], select_after: SelectAfter | None) -> None:
        self._events = events
        self._select_after = select_after
        self._local = threading.local()

    @contextmanager
    def scope(self) -> Iterator[None]:
        """While open, events fetched for companions are kept for this thread to take."""
        if getattr(self._local, "waiting", None) is not None:
            yield  # already open further up this thread's stack
            return
        self._local.waiting = {}
        self._local.asked = set()
        try:
            yield
        finally:
            del self._local.waiting, self._local.asked

    @property
    def in_scope(self) -> bool:
        return getattr(self._local, "waiting", None) is not None

    def after(self, aggregate_id: UUID, version: int | None) -> Events:
        waiting: dict[UUID, tuple[int | None, Events]] | None = getattr(
            self._local, "waiting", None)
        if waiting is not None:
            fetched = waiting.pop(aggregate_id, None)
            if fetched is not None and fetched[0] == version:
                return fetched[1]
        return list(self._events.get(aggregate_id, gt=version))

    def together(self, aggregate_id: UUID, version: int | None,
                 companions: Mapping[UUID, int | None]) -> Events:
        """The aggregate's events; the companions' wait in the open scope for ``after``.

        A companion goes along once per scope: a command reading further aggregates (a
        cycle, the reports below) does not fetch the organisation with each of them.
        """
        waiting = getattr(self._local, "waiting", None)
        if waiting is None or self._select_after is None:
            return self.after(aggregate_id, version)
        asked: set[UUID] = self._local.asked
        companions = {c: v for c, v in companions.items() if c not in asked}
        if not companions:
            return self.after(aggregate_id, version)
        asked.update(companions)
        requests = {**companions, aggregate_id: version}
        fetched: dict[UUID, Events] = {i: [] for i in requests}
        to_event = self._events.mapper.to_domain_event
        for stored in self._select_after(list(requests.items())):
            fetched[_uuid(stored.originator_id)].append(to_event(stored))
        for companion, after in companions.items():
            waiting[companion] = (after, fetched[companion])
        return fetched[aggregate_id]


def _uuid(originator_id: Any) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
