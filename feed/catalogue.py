"""Which event types exist: public type names ("UnitReport.Klarmarkerad") and their topics.

Built from the domain's one list of aggregates (domain/aggregates.py).
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Any

from eventsourcing.utils import get_topic

from domain.aggregates import AGGREGATES
from domain.base import AuditedAggregate

ENVELOPE_FIELDS = frozenset({
    "originator_id", "originator_version", "originator_topic", "timestamp", "event_id", "actor",
    "occurred_at", "command_id", "prev_hash", "chain_hash", "originator_id_type",
})
# Base classes nested in aggregates that are never recorded themselves.
BASE_EVENT_NAMES = frozenset({"Event", "Created", "StatusEvent"})


def type_name(topic: str) -> str:
    """``domain.unit_report:UnitReport.Klarmarkerad`` → ``UnitReport.Klarmarkerad``."""
    return topic.partition(":")[2] or topic


def aggregate_type(event_type: str) -> str:
    return event_type.rsplit(".", 1)[0]


@cache
def event_classes() -> dict[str, type[Any]]:
    """Public type name → event class, for every aggregate the engine records."""
    classes: dict[str, type[Any]] = {}
    for aggregate in AGGREGATES:
        for name, attr in vars(aggregate).items():
            if (name not in BASE_EVENT_NAMES and isinstance(attr, type)
                    and issubclass(attr, AuditedAggregate.Event)):
                classes[type_name(get_topic(attr))] = attr
    return dict(sorted(classes.items()))


def topics_for(event_types: typing.Iterable[str]) -> list[str]:
    """Topics to push a type filter down to the store; KeyError names an unknown type."""
    known = event_classes()
    return [get_topic(known[t]) for t in event_types]


def payload_fields(event_type: str) -> dict[str, Any]:
    """Field name → annotation of the payload an event class records (envelope fields left out)."""
    cls = event_classes()[event_type]
    hints = typing.get_type_hints(cls)
    return {name: hint for name, hint in hints.items()
            if name not in ENVELOPE_FIELDS and not name.startswith("_")
            and typing.get_origin(hint) is not typing.ClassVar}
