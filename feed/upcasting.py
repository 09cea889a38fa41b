"""Payload schema versions and the upcasters between them.

Version 1 of every type's payload is the domain event's own fields. When the
published shape changes, the change is registered here as an upcaster from
(type, n) to n + 1: the feed derives the current version by upcasting version 1,
a consumer that pins an older version gets exactly that version, and a stored or
brokered envelope of an old version is brought up to date with ``upcast``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.calendar import local_date

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    def register(fn: Upcaster) -> Upcaster:
        key = (event_type, from_version)
        if key in UPCASTERS:
            raise ValueError(f"an upcaster from {event_type} v{from_version} already exists")
        UPCASTERS[key] = fn
        return fn
    return register


def current_version(event_type: str) -> int:
    version = 1
    while (event_type, version) in UPCASTERS:
        version += 1
    return version


def upcast(event_type: str, version: int, payload: Payload, to: int | None = None) -> Payload:
    """Applies the registered upcasters from ``version`` up to ``to`` (default: current)."""
    target = current_version(event_type) if to is None else to
    if not 1 <= version <= target <= current_version(event_type):
        raise ValueError(f"{event_type}: cannot bring v{version} to v{target}")
    while version < target:
        payload = UPCASTERS[(event_type, version)](dict(payload))
        version += 1
    return payload


@upcaster("UnitReport.ReminderSent", 1)
def reminder_recipient_as_object(payload: Payload) -> Payload:
    """v2: the recipient is an object (room for role and channel later), and the
    deadline's Stockholm date comes ready for messages ("senast 23 augusti")."""
    recipient = payload.pop("recipient_person_id")
    payload["recipient"] = {"person_id": recipient}
    payload["deadline_date"] = local_date(datetime.fromisoformat(payload["deadline"])).isoformat()
    return payload


class Recipient(BaseModel):
    person_id: str = Field(json_schema_extra={"x-personal-data": True})


class ReminderSentV2(BaseModel):
    """UnitReport.ReminderSent, payload version 2."""

    recipient: Recipient
    task: str = Field(description="klarmarkera or attestera")
    deadline: datetime
    deadline_date: date = Field(description="the deadline's date in Europe/Stockholm")
    overdue: bool


# Schemas of versions after 1 (version 1 is derived from the domain event's fields).
PAYLOAD_MODELS: dict[tuple[str, int], type[BaseModel]] = {
    ("UnitReport.ReminderSent", 2): ReminderSentV2,
}
