"""Personal data about other people in what is read: contact details and absences.

The organisation's events name everyone: e-mail addresses (``PersonRegistered``) and
absences (an ersättare's ``RoleAssigned`` names whom they stand in for and why: semester,
sjukdom). A reader sees them about themselves; the revisor and whoever administers the
organisation about everyone (``ReadScope.reads_personal_data_of``). The ersättare sees
whom they stand in for, not why. Who acted on whose behalf in a report stays visible to
the report's readers: it is the record of who had the authority.
"""

from __future__ import annotations

from typing import Any

from domain.read_policy import ReadScope

HIDDEN = None  # a hidden value reads as absent, as a missing e-mail does


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
