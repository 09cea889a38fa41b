"""Tamper-evident hash chain over recorded events.

Each event's ``chain_hash`` is SHA-256 over the previous event's hash in the same
aggregate and a canonical JSON encoding of everything the event records (its class
topic, originator id and version, timestamps, actor and payload). Changing,
deleting or reordering a stored event breaks the link at that event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic

GENESIS_HASH = "0" * 64
UNHASHED_FIELDS = frozenset({"chain_hash"})


# Types answered without a look at their class: the bulk of every event (fast path).
_AS_IS = frozenset({str, int, float, bool, type(None)})


_FIELD_NAMES: dict[type[Any], tuple[str, ...] | None] = {}
_HASHED_FIELDS: dict[type[Any], tuple[tuple[str, ...], str]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...] | None:
    """A dataclass's field names, once per class; None for any other class."""
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = (tuple(f.name for f in dataclasses.fields(cls))
                             if dataclasses.is_dataclass(cls) else None)
    return _FIELD_NAMES[cls]


def _canonical(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {str(k): _canonical(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_canonical(v) for v in value]
    if kind is UUID:
        return str(value)
    names = _field_names(kind)
    if names is not None:
        return {name: _canonical(getattr(value, name)) for name in names}
    return _canonical_other(value)


def _canonical_other(value: Any) -> Any:
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


# The orjson path. orjson writes these exact types as json.dumps writes them (a UUID as
# its hyphenated string, which is what _canonical makes of it); floats it writes in
# another notation (1e-7 for 1e-07, null for NaN), so they go in as json.dumps' text.
_NATIVE = frozenset({str, int, bool, type(None), UUID})
_NAN, _INF, _MINUS_INF = (orjson.Fragment(b"NaN"), orjson.Fragment(b"Infinity"),
                          orjson.Fragment(b"-Infinity"))


class _Fallback(Exception):
    """A value the orjson path does not take: the reference encoding decides."""


def json_float(value: float) -> Any:
    """A float for orjson to write as json.dumps writes it (its repr; NaN, Infinity)."""
    if value != value:
        return _NAN
    if math.isinf(value):
        return _INF if value > 0 else _MINUS_INF
    return orjson.Fragment(float.__repr__(value))


def _fast(value: Any) -> Any:
    """``_canonical`` for orjson: the same structure, floats as their json.dumps text."""
    kind = type(value)
    if kind in _NATIVE:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): v if type(v) in _NATIVE else _fast(v)
                for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _NATIVE else _fast(v) for v in value]
    if kind is datetime:  # orjson writes a UTC instant as isoformat() does
        return value if value.tzinfo is UTC else value.isoformat()
    if kind is float:
        return json_float(value)
    names = _field_names(kind)
    if names is not None:
        return {name: v if type(v := getattr(value, name)) in _NATIVE else _fast(v)
                for name in names}
    return _fast_other(value)


def _fast_other(value: Any) -> Any:
    if isinstance(value, Enum):
        return _fast(value.value)
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _fast(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fast(v) for v in value]
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, (str, int)):
        return value  # subclasses: orjson writes their str or int value, as json.dumps does
    raise _Fallback  # json.dumps refuses it; the reference encoding raises its TypeError


def _hashed_fields(cls: type[Any]) -> tuple[tuple[str, ...], str]:
    if cls not in _HASHED_FIELDS:
        _HASHED_FIELDS[cls] = (tuple(f.name for f in dataclasses.fields(cls)
                                     if f.name not in UNHASHED_FIELDS), get_topic(cls))
    return _HASHED_FIELDS[cls]


# An upcast event keeps what its upcaster changed under this key, so that its hash is
# recomputed over the fields as they were recorded, not over the new shape.
AS_RECORDED = "_as_recorded"


def as_recorded(state: dict[str, Any], removed: dict[str, Any], added: dict[str, Any]) -> None:
    """For an upcaster: adds ``added`` to the event state, remembering what was recorded."""
    state.update(added)
    state[AS_RECORDED] = {"removed": removed, "added": sorted(added)}


def canonical_bytes(event: Any) -> bytes:
    """The bytes the chain hash covers: every recorded field but the hash itself.

    Written by orjson from a body built by ``_fast``; anything that encoder would write
    differently from ``json.dumps`` (or refuse) goes through ``json_canonical_bytes``,
    the reference encoding, instead."""
    names, topic = _hashed_fields(type(event))
    try:
        body = {name: value if type(value := getattr(event, name)) in _NATIVE else _fast(value)
                for name in names}
        recorded = event.__dict__.get(AS_RECORDED)
        if recorded is not None:
            for name in recorded["added"]:
                body.pop(name, None)
            body.update(_fast(recorded["removed"]))
        body["__topic__"] = topic
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, _Fallback):
        return json_canonical_bytes(event)


def json_canonical_bytes(event: Any) -> bytes:
    """The reference encoding of the chain (``json.dumps``, keys sorted, no spaces,
    UTF-8): ``canonical_bytes`` must give these bytes for every event."""
    names, topic = _hashed_fields(type(event))
    body = {name: _canonical(getattr(event, name)) for name in names}
    recorded = event.__dict__.get(AS_RECORDED)
    if recorded is not None:
        for name in recorded["added"]:
            body.pop(name, None)
        body.update(_canonical(recorded["removed"]))
    body["__topic__"] = topic
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: Any) -> str:
    return hashlib.sha256(event.prev_hash.encode() + canonical_bytes(event)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first place where a chain does not hold, and why."""

    originator_id: str
    originator_version: int
    reason: str
    expected: str
    found: str
    event_type: str | None = None


def verify_sequence(events: Iterable[Any]) -> BrokenLink | None:
    """Checks one aggregate's events in version order; returns the first broken link."""
    previous_hash = GENESIS_HASH
    expected_version: int | None = None
    for event in events:
        where = (str(event.originator_id), int(event.originator_version))
        if expected_version is not None and event.originator_version != expected_version:
            return BrokenLink(*where, "version gap: an event is missing or reordered",
                              str(expected_version), str(event.originator_version))
        if event.prev_hash != previous_hash:
            return BrokenLink(*where, "link to the previous event does not match",
                              previous_hash, event.prev_hash)
        recomputed = compute_hash(event)
        if recomputed != event.chain_hash:
            return BrokenLink(*where, "content does not match its hash", recomputed,
                              event.chain_hash)
        previous_hash = event.chain_hash
        expected_version = event.originator_version + 1
    return None
