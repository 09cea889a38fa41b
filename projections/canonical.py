"""The JSON read models store docs in and their digests cover: ``json.dumps`` with sorted
keys, no spaces, UTF-8 as is (``canonical_json``, the reference), written by orjson where
it writes the same bytes (tests/unit/test_digest_encoder.py compares the two)."""

from __future__ import annotations

import json
from typing import Any

import orjson

from domain.chain import json_float


def canonical_json(value: Any) -> str:
    """The encoding views store docs in and the digest covers."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# orjson writes these exact types as json.dumps writes them (strings with the same
# escapes, ints up to 64 bits, true/false/null); floats in another notation (1e-7 for
# 1e-07, null for NaN), so they go in as json.dumps' text.
_NATIVE = frozenset({str, int, bool, type(None)})


class _Fallback(Exception):
    """A value the orjson path does not take: ``canonical_json`` decides."""


def canonical_json_bytes(value: Any) -> bytes:
    """``canonical_json(value).encode()``, written by orjson where it writes the same bytes;
    anything else (keys that are not strings, types json.dumps refuses or orjson writes
    otherwise, ints past 64 bits, lone surrogates, deep nesting) goes to the reference
    encoding, which then writes it or raises as it always did."""
    encoded = _orjson(value)
    return canonical_json(value).encode() if encoded is None else encoded


def canonical_json_text(value: Any) -> str:
    """``canonical_json(value)``, written by orjson where it writes the same text."""
    encoded = _orjson(value)
    return canonical_json(value) if encoded is None else encoded.decode()


def _orjson(value: Any) -> bytes | None:
    try:
        return orjson.dumps(_fast(value), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, _Fallback, RecursionError):
        return None


def _fast(value: Any) -> Any:
    """The value as orjson should see it to write json.dumps' bytes."""
    kind = type(value)
    if kind in _NATIVE:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _NATIVE else _fast(v) for v in value]
    if kind is dict:
        # orjson refuses keys that are not strings (json.dumps sorts them before it turns
        # them into text): those go to the reference.
        return {k: v if type(v) in _NATIVE else _fast(v) for k, v in value.items()}
    if kind is float:
        return json_float(value)
    # Subclasses, as json.dumps writes them (orjson would write an Enum by its value).
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return json_float(value)
    raise _Fallback  # json.dumps writes them its own way or refuses them
