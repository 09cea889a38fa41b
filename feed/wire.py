"""Envelopes straight from the stored JSON: plain values, serialised once with orjson.

The reference is ``EventFeed.envelope`` (decode the domain event, build the pydantic
``EventEnvelope``, ``model_dump_json``). This path reads the notification's state as JSON
and turns the transcoder's tagged values (``{"_type_": ..., "_data_": ...}``) into the
envelope's JSON values directly: the same bytes (tests/feed/test_wire.py compares them over
a real cycle's history and generated payloads), without a domain event or a model per event.
Whatever it cannot vouch for goes the reference way (``Unsupported``): events upcast by
their class, floats (orjson reads integers beyond 64 bits as floats), JSON that orjson
refuses (NaN), or a state the transcoder would not decode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper, Notification
from eventsourcing.utils import resolve_topic

from domain.calendar import iso_local
from domain.command_identity import key_of
from feed.catalogue import ENVELOPE_FIELDS
from feed.envelope import ENVELOPE_VERSION, jsonable

Wire = dict[str, Any]


class Unsupported(Exception):
    """This event goes through the domain event and the pydantic envelope instead."""


_HEX32 = re.compile(r"[0-9a-f]{32}")


def uuid_text(data: str) -> str:
    """A stored ``uuid_hex`` as ``str(UUID)`` writes it."""
    if _HEX32.fullmatch(data):
        return f"{data[:8]}-{data[8:12]}-{data[12:16]}-{data[16:20]}-{data[20:]}"
    return str(UUID(data))


@lru_cache(maxsize=4096)  # an aggregate's events come close together
def id_text(originator_id: UUID | str) -> str:
    return str(originator_id) if type(originator_id) is UUID else uuid_text(str(originator_id))


@lru_cache(maxsize=4096)  # facts recorded at one instant (a deadline for every enhet)
def instant_text(data: str) -> str:
    return iso_local(datetime.fromisoformat(data))


# Transcodings whose JSON value follows from their data alone; others are decoded by the
# store's own transcoder and rendered with ``jsonable``, as the reference path does.
SIMPLE: dict[str, Callable[[str], str]] = {
    "uuid_hex": uuid_text,
    "datetime_iso": instant_text,
    "date_iso": lambda data: date.fromisoformat(data).isoformat(),
    "decimal_str": lambda data: str(Decimal(data)),
}


class StateReader:
    """Reads stored event states as plain JSON values, like the store's mapper would."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        # Another transcoder's states are not this JSON: every event goes the reference way.
        self.transcoder = mapper.transcoder if isinstance(mapper.transcoder,
                                                          JSONTranscoder) else None
        self.transformed = bool(mapper.cipher or mapper.compressor)
        self._class_versions: dict[str, int] = {}

    def state(self, notification: Notification) -> Wire:
        if self.transcoder is None:
            raise Unsupported("not the JSON transcoder")
        data = notification.state
        if self.transformed:
            if self.mapper.cipher:
                data = self.mapper.cipher.decrypt(data)
            if self.mapper.compressor:
                data = self.mapper.compressor.decompress(data)
        try:
            state = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise Unsupported("not JSON orjson reads") from None
        if not isinstance(state, dict):
            raise Unsupported("not an object")
        class_version = state.pop("class_version", 1)
        if type(class_version) is not int \
                or class_version < self._class_version(notification.topic):
            raise Unsupported("upcast by its class")
        return state

    def _class_version(self, topic: str) -> int:
        version = self._class_versions.get(topic)
        if version is None:
            version = self._class_versions[topic] = getattr(resolve_topic(topic),
                                                            "class_version", 1)
        return version

    def plain(self, value: Any) -> Any:
        """The JSON value ``jsonable`` gives for what the transcoder decodes from ``value``."""
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            return value
        if kind is dict:
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._tagged(value)
            return {k: self.plain(v) for k, v in value.items()}
        if kind is list:
            return [self.plain(v) for v in value]
        raise Unsupported(f"a {kind.__name__} value")

    def _tagged(self, value: dict[str, Any]) -> Any:
        simple = SIMPLE.get(value["_type_"])
        data = value["_data_"]
        try:
            if simple is not None and type(data) is str:
                return simple(data)
            assert self.transcoder is not None  # state() refused the event otherwise
            return jsonable(self.transcoder.decode(orjson.dumps(value)))
        except Exception as error:  # the reference path would fail on it the same way
            raise Unsupported(str(error)) from error

    def payload(self, state: Wire) -> Wire:
        """The recorded fields (envelope fields and ``_as_recorded`` left out), as JSON."""
        return {name: value if type(value) is str else self.plain(value)
                for name, value in state.items()
                if name not in ENVELOPE_FIELDS and name[:1] != "_"}


ACTOR_FIELDS = frozenset({"person_id", "role", "unit_id", "on_behalf_of"})


def actor_of(state: Wire) -> dict[str, Any]:
    value = state.get("actor")
    if type(value) is not dict or value.get("_type_") != "actor" \
            or type(value.get("_data_")) is not dict:
        raise Unsupported("actor")
    actor: dict[str, Any] = value["_data_"]
    unit, on_behalf_of = actor.get("unit_id"), actor.get("on_behalf_of")
    if not actor.keys() <= ACTOR_FIELDS \
            or type(actor.get("person_id")) is not str or type(actor.get("role")) is not str \
            or (unit is not None and type(unit) is not str) \
            or (on_behalf_of is not None and type(on_behalf_of) is not str):
        raise Unsupported("actor")
    return actor


TAGS = ("uuid_hex", "datetime_iso", "datetime_iso")


def envelope_wire(notification: Notification, state: Wire, event_type: str,
                  aggregate_type: str, version: int, scope: Wire, actor: Wire,
                  on_behalf_of: str | None, payload: Wire, withheld: list[str]) -> Wire:
    """The envelope's JSON object, its fields in ``EventEnvelope``'s order."""
    try:
        event_id, occurred, recorded = state["event_id"], state["occurred_at"], state["timestamp"]
        if (event_id["_type_"], occurred["_type_"], recorded["_type_"]) != TAGS:
            raise Unsupported("event_id, occurred_at or timestamp")
        command_id, prev_hash, chain_hash = (state["command_id"], state["prev_hash"],
                                             state["chain_hash"])
        if type(prev_hash) is not str or type(chain_hash) is not str \
                or (command_id is not None and type(command_id) is not str):
            raise Unsupported("command_id or hashes")
        return {
            "envelope_version": ENVELOPE_VERSION,
            "position": notification.id,
            "event_id": uuid_text(event_id["_data_"]),
            "type": event_type,
            "version": version,
            "occurred_at": instant_text(occurred["_data_"]),
            "recorded_at": instant_text(recorded["_data_"]),
            "actor": actor,
            "on_behalf_of": on_behalf_of,
            "command_id": key_of(command_id),
            "aggregate": {"id": id_text(notification.originator_id), "type": aggregate_type,
                          "version": notification.originator_version},
            "scope": scope,
            "payload": payload,
            "withheld": withheld,
            "prev_hash": prev_hash,
            "chain_hash": chain_hash,
        }
    except (KeyError, TypeError, ValueError) as error:  # the reference path decides
        raise Unsupported(str(error)) from error


def dumps(wire: Wire) -> bytes:
    """The envelope's bytes: what ``EventEnvelope.model_dump_json()`` gives, UTF-8."""
    # Copied to their exact size: a page holding orjson's own output buffers took three
    # times as long (the allocator's doing), while the copy reuses one buffer per event.
    return bytes(memoryview(orjson.dumps(wire)))
