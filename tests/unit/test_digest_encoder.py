"""The read models' orjson encoder writes the reference encoding's bytes.

``projections.canonical.canonical_json_bytes`` and ``canonical_json_text`` (orjson) must equal
``canonical_json`` (``json.dumps``, the encoding every stored row and recorded digest was
made with) byte for byte, or fail as it fails; and ``digest`` must be the SHA-256 it
always was.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.base import Put, digest
from projections.canonical import canonical_json, canonical_json_bytes, canonical_json_text
from projections.views import POPOReadModelView
from tests.support.encoder_outcome import outcome


class Colour(enum.Enum):
    RED = "röd"


class Level(enum.StrEnum):
    KF = "KF"


class Size(enum.IntEnum):
    BIG = 10**20
    SMALL = 3


class Tag(str):
    pass


class Amount(float):
    pass


# Every character, lone surrogates too (which neither encoding can write as UTF-8).
TEXT = st.text(st.characters(codec=None, categories=None), max_size=12)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(width=32),
    st.sampled_from([1e16, 1e-7, -0.0, 5e-324, 1.7976931348623157e308, 0.1, 1e22, 123.0]),
    TEXT, st.uuids(), st.datetimes(), st.dates(), st.decimals(),
    st.sampled_from([*Colour, Level.KF, *Size, Tag("t"), Amount(2.5e-8), b"bytes", {1, 2}]),
)
KEYS = st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.floats(),
                 st.sampled_from([Level.KF, Tag("k"), Size.SMALL]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


def reference_digest(rows: list[tuple[str, str, str, str]]) -> str:
    """``digest`` as every recorded digest was made: ``json.dumps`` per row."""
    sha = hashlib.sha256()
    for kind, key, partition, doc in rows:
        sha.update(canonical_json([kind, key, partition])[:-1].encode())
        sha.update(b"," + doc.encode() + b"]\n")
    return sha.hexdigest()


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_orjson_writes_the_reference_bytes(value: Any) -> None:
    assert outcome(canonical_json_bytes, value) == outcome(
        lambda v: canonical_json(v).encode(), value)
    assert outcome(canonical_json_text, value) == outcome(canonical_json, value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT, st.dictionaries(TEXT, VALUES, max_size=3)),
                max_size=6))
def test_a_views_digest_is_the_reference_digest(rows: list[tuple[str, str, str, Any]]) -> None:
    view = POPOReadModelView()
    try:
        view.write_with_tracking([Put(kind, key, doc, partition)
                                  for kind, key, partition, doc in rows], Tracking("app", 1))
    except Exception:  # a doc no encoding can store: nothing to digest
        return
    assert outcome(digest, view) == outcome(reference_digest, view.encoded_rows())


def test_row_heads_keep_the_reference_escapes() -> None:
    for kind, key, text in (("k", 'a"b\\c', b'"a\\"b\\\\c"'),
                            ("k", "\x00\x1f\x7f", b'"\\u0000\\u001f\x7f"'),
                            ("k", "\n\t\u2028å", '"\\n\\t\u2028å"'.encode())):
        head = canonical_json_bytes([kind, key, ""])
        assert head == canonical_json([kind, key, ""]).encode()
        assert text in head


def test_values_json_dumps_writes_its_own_way_keep_its_text() -> None:
    for value, text in ((1e16, b"1e+16"), (1e-7, b"1e-07"), (float("nan"), b"NaN"),
                        (float("-inf"), b"-Infinity"), (Amount(0.5), b"0.5"),
                        (Size.BIG, b"100000000000000000000"), (Level.KF, b'"KF"'),
                        ({2: "a", 10: "b"}, b'{"2":"a","10":"b"}'), (True, b"true")):
        assert canonical_json_bytes(value) == canonical_json(value).encode()
        assert text in canonical_json_bytes(value)
    for refused in (Colour.RED, UUID(int=1), datetime(2022, 1, 1, tzinfo=UTC),
                    date(2022, 1, 1), Decimal("1.5")):
        assert outcome(canonical_json_bytes, refused)[0] == "raises"


def test_row_heads_that_are_not_plain_strings_keep_the_reference_text() -> None:
    for kind, key, partition in ((1e-7, "a", ""), (Tag("t"), Size.SMALL, Level.KF),
                                 ("k", "\udc80", "")):
        view = POPOReadModelView()
        view.write_with_tracking([Put(kind, key, {"n": 1.5}, partition)], Tracking("app", 1))
        assert outcome(digest, view) == outcome(reference_digest, view.encoded_rows())
    assert outcome(digest, view)[0] == "raises"  # a lone surrogate: neither can write it
