"""What a feed consumer may see: which nämnder, and whether personal data in clear.

A grant belongs to an integration (a bearer token configured for it) or to a
person through their role: a revisor sees every nämnd, a nämnd's own staff see
their nämnd. Without ``personal_data`` the feed pseudonymises every field marked
``x-personal-data`` with a keyed hash, so the same person keeps one pseudonym and a
BI tool can still count per person without learning who it is.
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
from feed.upcasting import Payload

PERSONAL_FIELD_NAMES = frozenset({"person_id", "substitute_for", "email"})
PERSONAL_FIELDS_BY_TYPE = {
    "Organisation.PersonRegistered": frozenset({"name"}),
    "Delegationsbeslut.Decided": frozenset({"decider", "on_behalf_of"}),  # inside ``facts``
}
ALL_NAMNDER_ROLES = frozenset({"revisor"})
OWN_NAMND_ROLES = frozenset({"forvaltningschef", "stallforetradande_forvaltningschef",
                             "controller", "namndsekreterare"})


def is_personal(event_type: str, field_name: str) -> bool:
    """Person ids (``person_id``, ``*_person_id``), e-mail, ersättare, and per-type extras."""
    return (field_name in PERSONAL_FIELD_NAMES or field_name.endswith("_person_id")
            or field_name in PERSONAL_FIELDS_BY_TYPE.get(event_type, frozenset()))


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

    def payload(self, event_type: str, payload: Payload) -> Payload:
        """Personal fields at any depth of the payload's objects and lists."""
        return {k: self(v) if isinstance(v, str) and is_personal(event_type, k)
                else self._nested(event_type, v) for k, v in payload.items()}

    def _nested(self, event_type: str, value: Any) -> Any:
        if isinstance(value, dict):
            return self.payload(event_type, value)
        if isinstance(value, list):
            return [self._nested(event_type, v) for v in value]
        return value


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
    own: set[str] = set()
    for code in namnd_codes:
        roles = {a.role for a in app.organisation(code).roles_of(person_id, local_date(on))}
        if roles & ALL_NAMNDER_ROLES:
            return FeedGrant(f"person:{person_id}", None, personal_data=True)
        if roles & OWN_NAMND_ROLES:
            own.add(code)
    if not own:
        return None
    return FeedGrant(f"person:{person_id}", frozenset(own), personal_data=True)
