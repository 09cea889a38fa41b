"""The chain's orjson encoder writes the reference encoding's bytes, for any payload.

``domain.chain.canonical_bytes`` (orjson) must equal ``json_canonical_bytes`` (``json.dumps``,
the encoding every stored hash was made with) byte for byte, or fail as it fails.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.base import Actor
from domain.chain import AS_RECORDED, canonical_bytes, compute_hash, json_canonical_bytes
from tests.support.encoder_outcome import outcome


class Colour(enum.Enum):
    RED = "röd"
    COUNT = 3
    RATIO = 0.5


class Level(enum.StrEnum):
    KF = "KF"


class Size(enum.IntEnum):
    BIG = 10**20


class Tag(str):
    pass


class Amount(float):
    pass


@dataclasses.dataclass
class Event:
    """Stands in for a recorded event: the fields the chain covers, and the hash."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    payload: Any
    extra: Any
    prev_hash: str = "0" * 64
    chain_hash: str = ""


# Every character, lone surrogates too (which neither encoding can write as UTF-8).
TEXT = st.text(st.characters(codec=None, categories=None), max_size=12)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5,
                                                                              minutes=-30)),
                         timezone(timedelta(seconds=3661)), None])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(width=32),
    st.sampled_from([1e16, 1e-7, -0.0, 5e-324, 1.7976931348623157e308, 0.1, 1e22, 123.0]),
    TEXT, st.uuids(), st.datetimes(timezones=ZONES), st.dates(), st.decimals(),
    st.sampled_from([*Colour, Level.KF, Size.BIG, Tag("t"), Amount(2.5e-8), time(9, 30),
                     b"bytes", {1, 2}]),
    st.builds(Actor, TEXT, TEXT, TEXT, st.none() | TEXT),
)
KEYS = st.one_of(TEXT, st.integers(), st.uuids(), st.sampled_from([*Colour, Level.KF]),
                 st.booleans(), st.none(), st.floats())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.uuids(), st.integers(1, 2**40), st.datetimes(timezones=ZONES), VALUES, VALUES)
def test_orjson_writes_the_reference_bytes(oid: UUID, version: int, when: datetime,
                                           payload: Any, extra: Any) -> None:
    event = Event(oid, version, when, payload, extra)
    assert outcome(canonical_bytes, event) == outcome(json_canonical_bytes, event)


@settings(max_examples=150, deadline=None)
@given(VALUES, st.dictionaries(TEXT, VALUES, max_size=3))
def test_an_upcast_event_hashes_its_recorded_fields_alike(payload: Any,
                                                          removed: dict[str, Any]) -> None:
    event = Event(UUID(int=7), 2, datetime(2022, 8, 15, tzinfo=UTC), payload, None)
    event.__dict__[AS_RECORDED] = {"removed": removed, "added": ["extra"]}
    assert outcome(canonical_bytes, event) == outcome(json_canonical_bytes, event)


def test_a_typical_event_takes_the_orjson_path_and_keeps_its_hash() -> None:
    event = Event(UUID(int=1), 1, datetime(2022, 8, 15, 9, tzinfo=UTC),
                  {"items": [{"title": "Trygg vård", "amount": 12.5, "due": date(2022, 9, 1)}]},
                  Actor("chef", "enhetschef", "enh-1"))
    expected = json_canonical_bytes(event)
    assert canonical_bytes(event) == expected
    assert b'"amount":12.5' in expected and "vård".encode() in expected
    assert compute_hash(event) == compute_hash(dataclasses.replace(event))


def test_floats_keep_the_reference_notation() -> None:
    for value, text in ((1e16, b"1e+16"), (1e-7, b"1e-07"), (float("nan"), b"NaN"),
                        (float("-inf"), b"-Infinity"), (Decimal("1.50"), b'"1.50"')):
        event = Event(UUID(int=1), 1, datetime(2022, 1, 1, tzinfo=UTC), value, None)
        assert b'"payload":' + text in canonical_bytes(event) == json_canonical_bytes(event)
