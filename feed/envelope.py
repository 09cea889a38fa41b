"""The published event: a versioned JSON envelope around one domain event's payload.

Envelope version 1. Fields marked ``x-personal-data`` hold personuppgifter: for consumers
whose grant does not include personal data, person ids are pseudonymised and other personal
data withheld (feed/allow_list.py decides per field; ``withheld`` names what was left out).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from domain.calendar import LocalInstant, iso_local

ENVELOPE_VERSION: Literal[1] = 1
PERSONAL: dict[str, JsonValue] = {"x-personal-data": True}


class ActorRef(BaseModel):
    """Who caused the event; ``system`` for facts the workflows record."""

    model_config = ConfigDict(frozen=True)
    person_id: str = Field(json_schema_extra=PERSONAL)
    role: str
    unit_id: str | None = None


class AggregateRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: UUID
    type: str = Field(description="e.g. UnitReport, Cycle, Organisation")
    version: int = Field(description="the aggregate's version after this event")


class EventScope(BaseModel):
    """Where the event belongs, for filtering and authority."""

    model_config = ConfigDict(frozen=True)
    namnd_code: str | None = None
    cycle_id: UUID | None = None
    unit_id: str | None = None


class EventEnvelope(BaseModel):
    """One event as other systems see it. ``position`` orders the whole log."""

    model_config = ConfigDict(frozen=True, title="ArsplanEvent")
    envelope_version: Literal[1] = ENVELOPE_VERSION
    position: int = Field(description="notification id: strictly increasing, no gaps skipped")
    event_id: UUID = Field(description="unique; use it to deduplicate")
    type: str = Field(description="<Aggregate>.<Event>, e.g. UnitReport.Klarmarkerad")
    version: int = Field(description="version of this type's payload schema")
    occurred_at: LocalInstant  # instants are Europe/Stockholm with their offset
    recorded_at: LocalInstant
    actor: ActorRef
    on_behalf_of: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                     description="whose role an ersättare exercised")
    command_id: str | None = None
    aggregate: AggregateRef
    scope: EventScope
    payload: dict[str, Any]
    withheld: list[str] = Field(
        default_factory=list, description="payload fields left out: personal data outside the "
        "grant, or fields not (yet) on the feed's allow-list (dotted for nested ones)")
    prev_hash: str
    chain_hash: str = Field(description="SHA-256 link in the aggregate's tamper-evident chain")


def jsonable(value: Any) -> Any:
    """Plain JSON values for a payload: ids and instants as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return iso_local(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value
