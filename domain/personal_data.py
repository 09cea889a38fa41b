"""Personal data about other people in what is read: contact details and absences.

Names and e-mail addresses are kept outside the hash chain, in the person directory;
``PersonRegistered`` and ``PersonProfileChanged`` record a salted commitment to them
(``profile_digest``), so a profile can be corrected or erased while the chain verifies,
and anyone given the name, e-mail and salt can prove which profile was registered.

Absences: an ersättare's ``RoleAssigned`` names whom they stand in for and why
(frånvaro, jäv). A reader sees that about themselves; the revisor and whoever administers
the organisation about everyone (``ReadScope.reads_personal_data_of``). The ersättare
sees whom they stand in for, not why. Who acted on whose behalf in a report stays visible
to the report's readers: it is the record of who had the authority.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from domain.read_policy import ReadScope

HIDDEN = None  # a hidden value reads as absent, as a missing e-mail does
SALT_BYTES = 16  # 128 bits, drawn per person (and per correction) by the directory


def canonical_profile(name: str, email: str | None) -> bytes:
    """The profile as the digest covers it: canonical JSON of {name, email}."""
    return json.dumps({"email": email, "name": name}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode()


def profile_digest(salt: bytes, name: str, email: str | None) -> str:
    """SHA-256 over salt ‖ canonical profile, hex: the commitment recorded in the chain."""
    if len(salt) < SALT_BYTES:
        raise ValueError(f"salt: at least {SALT_BYTES} bytes, got {len(salt)}")
    return hashlib.sha256(salt + canonical_profile(name, email)).hexdigest()


def redact_payload(scope: ReadScope, event_type: str, payload: dict[str, Any]
                   ) -> dict[str, Any]:
    """The payload as this reader may see it (the same dict when nothing is hidden)."""
    if event_type == "Organisation.PersonRegistered":
        if payload.get("email") is not None \
                and not scope.reads_personal_data_of(payload.get("person_id")):
            return {**payload, "email": HIDDEN}
    elif event_type == "Organisation.RoleAssigned":
        absent = payload.get("substitute_for")
        if scope.reads_personal_data_of(absent or payload.get("person_id")):
            return payload
        hidden = {**payload, "reason": HIDDEN}
        if absent is not None and payload.get("person_id") != scope.person_id:
            hidden["substitute_for"] = HIDDEN
        return hidden
    return payload
