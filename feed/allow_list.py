"""What the feed publishes of each event: an explicit allow-list per event type.

Every payload field is listed with how it goes out. A field the list does not name is
withheld from every consumer (the envelope's ``withheld`` names it), so a field added to an
event reaches other systems only once someone has decided here how it may:

    PUBLIC    as recorded (ids, dates, the reports' and plans' own content)
    PERSON    a person id (or a list of them): pseudonymised without a personal-data grant
    PERSONAL  personal data beyond an id (names, e-mail, absence reasons, jäv grounds):
              withheld without a personal-data grant
A nested object (``Delegationsbeslut.Decided.facts``) has a list of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeAlias

from feed.upcasting import Payload


class Publish(Enum):
    PUBLIC = "public"
    PERSON = "person"
    PERSONAL = "personal"


Spec: TypeAlias = "Publish | Mapping[str, Spec]"
PUBLIC, PERSON, PERSONAL = Publish.PUBLIC, Publish.PERSON, Publish.PERSONAL


def _public(*names: str) -> dict[str, Spec]:
    return dict.fromkeys(names, PUBLIC)


BESLUT_FACTS: dict[str, Spec] = {
    **_public("namnd_code", "row_nr", "ordning_version", "lagrum", "arende", "arende_ref",
              "beslut", "decided_on", "delegat_role", "via", "vagnar", "amount", "limit_unit",
              "must_be_anmald", "anmalan", "laglighetsprovning", "bradskande"),
    "decider": PERSON, "on_behalf_of": PERSON,
}

FIELDS: dict[str, dict[str, Spec]] = {
    "Arsplan.Adopted": _public("namnd_code", "label", "milestones"),
    "Arsplan.CyclesDefined": _public("cycles"),
    "Arsplan.MilestonesAdded": _public("namnd_code", "label", "milestones"),
    "Arsplan.MilestoneMoved": _public("namnd_code", "label", "milestone_id", "old_start",
                                      "old_end", "start", "end", "reason"),
    "Cycle.BeslutExported": _public("destination", "reference"),
    "Cycle.BeslutRecorded": _public("meeting_id", "paragraph", "beslut"),
    "Cycle.DeadlineMoved": _public("level", "old", "new", "reason"),
    "Cycle.Opened": _public("namnd_code", "process", "year", "title", "deadlines",
                            "underlag_date", "beslut_date", "unit_ids", "item_template"),
    "Cycle.UnderlagSent": _public("destination", "reference", "document_sha256"),
    "DelegationLedger.AnmalningslistaTaken": _public("meeting_id", "beslut_ids"),
    "DelegationLedger.AwaitingAnmalan": _public("beslut_id", "decided_on"),
    "DelegationLedger.JavDeclared": {**_public("arende_ref", "on"), "person_id": PERSON,
                                     "grounds": PERSONAL},
    "DelegationLedger.MatterHandedBack": {**_public("arende_ref", "rubrik", "row_nr", "on"),
                                          "person_id": PERSON, "reason": PERSONAL},
    "DelegationLedger.MattersPlacedOnArendelista": _public("meeting_id", "arende_refs"),
    "DelegationLedger.Opened": _public("namnd_code"),
    "Delegationsbeslut.Anmalt": _public("meeting_id", "paragraph"),
    "Delegationsbeslut.Anslaget": _public("anslag_date", "last_day", "laga_kraft_at"),
    "Delegationsbeslut.Decided": {"facts": BESLUT_FACTS},
    "Delegationsbeslut.LagaKraftVunnen": _public("on"),
    "Delegationsbeslut.Overklagat": _public("received_on", "reference"),
    "Delegationsbeslut.PlacedOnAnmalningslista": _public("meeting_id"),
    "Delegationsordning.DelegationRevoked": _public("nr", "from_date", "dnr", "paragraph",
                                                    "arende_ref", "reason"),
    "Delegationsordning.Established": _public("namnd_code", "namnd_name"),
    "Delegationsordning.VersionAdopted": _public("number", "in_force_from", "dnr", "paragraph",
                                                 "beslut_date", "rows"),
    "Meeting.AnmalningslistaCompiled": _public("beslut_ids"),
    "Meeting.Anslaget": _public("anslag_date"),
    "Meeting.ArendeAdded": _public("dnr", "rubrik", "kind", "cycle_id"),
    "Meeting.ArendeBeslutat": _public("dnr", "beslut"),
    "Meeting.Expedierat": {"recipients": PERSON},
    "Meeting.Justerad": {**_public("capacity", "on"), "person_id": PERSON},
    "Meeting.JusterareUtsedd": {"person_id": PERSON},
    "Meeting.JusteringReminderSent": {"to": PERSON},
    "Meeting.ProtokollJusterat": _public("on"),
    "Meeting.ProtokollOpened": _public("paragraphs"),
    "Meeting.Scheduled": _public("namnd_code", "meeting_date", "starts_at", "cutoff",
                                 "anmalan_dnr"),
    "Meeting.TreeHeadRecorded": _public("tree_size", "root_hash", "signed_at", "key_id",
                                        "public_key", "signature"),
    # Names and e-mail live in the person directory, never in an event: only the id and
    # the salted commitment to the profile go out.
    "Organisation.PersonProfileChanged": {"person_id": PERSON, "profile_digest": PUBLIC},
    "Organisation.PersonProfileErased": {"person_id": PERSON},
    "Organisation.PersonRegistered": {"person_id": PERSON, "profile_digest": PUBLIC},
    "Organisation.Registered": _public("code", "name"),
    "Organisation.RoleAssigned": {**_public("assignment_id", "role", "unit_id", "valid_from",
                                            "valid_to"),
                                  "person_id": PERSON, "substitute_for": PERSON,
                                  "reason": PERSONAL},
    "Organisation.RoleEnded": _public("assignment_id", "valid_to"),
    "Organisation.UnitAdded": _public("unit_id", "name", "kind", "parent_id"),
    "KommunSteg.Recorded": _public("namnd_code", "milestone_id", "year", "process", "step",
                                   "responsible", "deadline", "done_on", "reference"),
    "ParagraphRegister.Allocated": _public("meeting_id", "meeting_date", "first", "last"),
    "ParagraphRegister.Opened": _public("namnd_code", "year", "first_number"),
    "ReportTemplate.Adopted": _public("namnd_code", "items"),
    "ReportTemplate.Revised": _public("items"),
    "UnitReport.Atersand": _public("reason", "new_deadline"),
    "UnitReport.AttestationRequested": _public("attester_unit_id", "deadline"),
    "UnitReport.BedomningSet": _public("item_id", "suggestion", "bedomning", "overridden",
                                       "motivering"),
    "UnitReport.DeadlineMoved": _public("deadline_kind", "old", "new", "reason"),
    "UnitReport.DeadlinePassed": _public("task", "deadline"),
    "UnitReport.EkonomiRecorded": _public("table", "flags"),
    "UnitReport.Escalated": {**_public("task", "to_role", "to_unit_id"),
                             "to_person_id": PERSON},
    "UnitReport.Godkand": {},
    "UnitReport.IndicatorRecorded": _public("item_id", "indicator"),
    "UnitReport.ItemChanged": _public("item_id", "field", "old", "new"),
    "UnitReport.Klarmarkerad": {},
    "UnitReport.Opened": _public("cycle_id", "namnd_code", "unit_id", "unit_kind",
                                 "parent_unit_id", "deadline", "items"),
    "UnitReport.ReminderSent": {**_public("task", "deadline", "overdue"),
                                "recipient_person_id": PERSON},
    "UnitReport.RemindersSkipped": _public("task", "deadline", "skipped", "reason"),
    "UnitReport.Reopened": _public("reason"),
}

Pseudonymise = Callable[[str | None], str | None]


def published(event_type: str, payload: Payload, pseudonymise: Pseudonymise | None
              ) -> tuple[Payload, list[str]]:
    """The payload a consumer gets and the (dotted) names of the fields withheld from it;
    ``pseudonymise`` None: a personal-data grant, person ids and personal data in clear."""
    withheld: list[str] = []
    out = _apply(FIELDS.get(event_type, {}), payload, pseudonymise, "", withheld)
    return out, withheld


def _apply(spec: Mapping[str, Spec], payload: Payload, pseudonymise: Pseudonymise | None,
           prefix: str, withheld: list[str]) -> Payload:
    out: Payload = {}
    for name, value in payload.items():
        rule = spec.get(name)
        if rule is PUBLIC:  # the common case first: the Mapping check below is slow
            out[name] = value
        elif rule is None or (rule is PERSONAL and pseudonymise is not None):
            withheld.append(prefix + name)
        elif isinstance(rule, Mapping):
            out[name] = (_apply(rule, value, pseudonymise, f"{prefix}{name}.", withheld)
                         if isinstance(value, dict) else value)
        elif rule is PERSON and pseudonymise is not None:
            out[name] = _pseudonymised(value, pseudonymise)
        else:
            out[name] = value
    return out


def _pseudonymised(value: Any, pseudonymise: Pseudonymise) -> Any:
    if isinstance(value, list):
        return [pseudonymise(v) if isinstance(v, str) else v for v in value]
    return pseudonymise(value) if isinstance(value, str) else value


def personal_fields(event_type: str) -> frozenset[str]:
    """Top-level fields holding a person id or personal data (marked in the schemas)."""
    return frozenset(name for name, rule in FIELDS.get(event_type, {}).items()
                     if rule in (PERSON, PERSONAL) or isinstance(rule, Mapping))


def withheld_without_grant(event_type: str) -> frozenset[str]:
    return frozenset(name for name, rule in FIELDS.get(event_type, {}).items()
                     if rule is PERSONAL)
