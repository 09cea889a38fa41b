"""What an encoder does with a value: its bytes, or the type of what it raised. Two
encodings agree when they write the same bytes or refuse alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def outcome(encode: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return "bytes", encode(value)
    except Exception as exc:  # both must refuse what they refuse, alike
        return "raises", type(exc)
