"""What a feed consumer may see: which nämnder, and whether personal data in clear.

A grant belongs to an integration (a bearer token configured for it) or to a
person: the feed shows every event of a nämnd, so a person is granted the nämnder whose
whole record the read policy lets them read (the revisor, the förvaltningschef and the
ställföreträdande; ``domain/read_policy.py``), with personal data. Without
``personal_data`` the feed pseudonymises person ids with a keyed hash (the same person
keeps one pseudonym, so a BI tool can still count per person without learning who it is)
and withholds other personal data (feed/allow_list.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.calendar import local_date
from domain.command_identity import SYSTEM_PERSON
from domain.ids import organisation_id
from domain.read_policy import read_scope


@dataclass(frozen=True)
class FeedGrant:
    """``namnd_codes`` None: every nämnd. ``client_id`` owns the consumer positions."""

    client_id: str
    namnd_codes: frozenset[str] | None
    personal_data: bool = False

    def allows(self, namnd_code: str | None) -> bool:
        return self.namnd_codes is None or namnd_code in self.namnd_codes


class Pseudonymiser:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self._known: dict[str, str] = {}  # a log names few people, many times

    def __call__(self, value: str | None) -> str | None:
        if value is None or value == SYSTEM_PERSON:
            return value
        pseudonym = self._known.get(value)
        if pseudonym is None:
            digest = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:16]
            pseudonym = self._known[value] = f"pseudonym-{digest}"
        return pseudonym


def grants_from_json(text: str) -> dict[str, FeedGrant]:
    """``{"<token>": {"client_id": "...", "namnd_codes": ["VON"] | null,
    "personal_data": false}}`` → token → grant."""
    grants = {}
    for token, spec in json.loads(text or "{}").items():
        codes = spec.get("namnd_codes")
        grants[token] = FeedGrant(spec["client_id"],
                                  None if codes is None else frozenset(codes),
                                  bool(spec.get("personal_data", False)))
    return grants


def grant_for_person(app: Any, person_id: str, namnd_codes: list[str],
                     on: datetime) -> FeedGrant | None:
    """A person's grant from their roles that day in the given nämnder' organisations."""
    granted = frozenset(
        code for code in namnd_codes if app.exists(organisation_id(code))
        and read_scope(app.organisation(code), person_id, local_date(on)).whole_record)
    return FeedGrant(f"person:{person_id}", granted, personal_data=True) if granted else None
