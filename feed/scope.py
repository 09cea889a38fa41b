"""Which nämnd, cycle and unit an event belongs to, read from its aggregate's first event."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from feed.catalogue import aggregate_type
from feed.envelope import EventScope

CACHE_SIZE = 50_000


def scope_of_creation(event: Any) -> EventScope:
    """Creation events name their nämnd (``namnd_code``, or ``code`` for an organisation)."""
    namnd = (getattr(event, "namnd_code", None) or getattr(event, "code", None)
             or _nested_namnd(event))
    cycle = getattr(event, "cycle_id", None)
    if cycle is None and aggregate_type(type(event).__qualname__) == "Cycle":
        cycle = event.originator_id
    return EventScope(namnd_code=namnd, cycle_id=cycle, unit_id=getattr(event, "unit_id", None))


def _nested_namnd(event: Any) -> str | None:
    """Some creation events carry their facts as one dict (Delegationsbeslut.Decided)."""
    for value in vars(event).values():
        if isinstance(value, dict) and isinstance(value.get("namnd_code"), str):
            return str(value["namnd_code"])
    return None


Scoped = tuple[EventScope, dict[str, Any]]  # the model and its JSON object


class ScopeResolver:
    """Scopes by aggregate id; an aggregate's scope never changes, so it is cached."""

    def __init__(self, app: Application[Any], cache_size: int = CACHE_SIZE) -> None:
        self.app = app
        self.cache_size = cache_size
        self._cache: OrderedDict[UUID, Scoped] = OrderedDict()

    def scope(self, event: Any) -> EventScope:
        return self.scoped(event.originator_id, getattr(event, "unit_id", None),
                           lambda: event)[0]

    def scoped(self, aggregate_id: UUID, unit: str | None,
               decode: Callable[[], Any]) -> Scoped:
        """The scope of an event of ``aggregate_id`` naming ``unit``; ``decode`` gives the
        event itself, asked for only when the aggregate's scope is not cached."""
        base = self._cache.get(aggregate_id)
        if base is None:
            model = scope_of_creation(self._first_event(decode()))
            base = (model, model.model_dump(mode="json"))
            self._remember(aggregate_id, base)
        # Some events name a unit of their own (an organisation's UnitAdded, RoleAssigned).
        if unit is not None and unit != base[0].unit_id:
            return base[0].model_copy(update={"unit_id": unit}), {**base[1], "unit_id": unit}
        return base

    def _first_event(self, event: Any) -> Any:
        if hasattr(event, "originator_topic"):
            return event
        stored = self.app.recorder.select_events(event.originator_id, limit=1)
        return self.app.mapper.to_domain_event(stored[0])

    def _remember(self, aggregate_id: UUID, scope: Scoped) -> None:
        self._cache[aggregate_id] = scope
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
