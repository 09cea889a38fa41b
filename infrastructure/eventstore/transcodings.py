"""JSON transcodings for the value types our events carry."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.base import Actor
from domain.organisation import RoleAssignment, Unit
from domain.report_items import Item


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return {"person_id": obj.person_id, "role": obj.role, "unit_id": obj.unit_id,
                "on_behalf_of": obj.on_behalf_of}

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(**data)


class StateValueAsDict(Transcoding):
    """A dataclass held in aggregate state, so that snapshots of the state can be stored."""

    def __init__(self, value_type: type[Any], name: str) -> None:
        self.type = value_type
        self.name = name

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(ActorAsDict())
    transcoder.register(StateValueAsDict(Item, "report_item"))
    transcoder.register(StateValueAsDict(Unit, "org_unit"))
    transcoder.register(StateValueAsDict(RoleAssignment, "role_assignment"))
