"""Opaque position tokens: clients hand back what they got, never compute positions."""

from __future__ import annotations

import base64
import binascii

from domain.errors import InvalidInputError

PREFIX = "p1:"


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{position}".encode()).decode().rstrip("=")


def decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not text.startswith(PREFIX):
            raise ValueError(text)
        position = int(text.removeprefix(PREFIX))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError(f"Ogiltig positionstoken {token!r}", rule="position_token") \
            from None
    if position < 0:
        raise InvalidInputError(f"Ogiltig positionstoken {token!r}", rule="position_token")
    return position
