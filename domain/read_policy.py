"""Who may read what: one policy for every read (API, dashboard, downloads, calendars, feed).

Decided like command authority, from the nämnd's Organisation and the roles a person holds
on the day (ersättare included): chefs and controllers read the units below the one they
hold their role in, the nämnd's members and secretary its record, the revisor everything.
Kommunledningskontoret's controllers (a role in kommunstyrelsen's organisation, passed as
``kommun``) read in every nämnd what a kommun follow-up needs and nothing else.
What is read is a ``ReadSubject``: the kind of thing (an aggregate type or one of the
documents below), its nämnd, the units it concerns and the people it names. The decision
is data (``Refusal``), raised at the edge; lists are filtered with ``may_read``.
docs/read-policy.md has the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.authority import person_name
from domain.organisation import Organisation
from domain.roles import KOMMUN_FOLLOWUP_ROLES

EVERYTHING_ROLES = frozenset({"revisor"})  # reads everything, changes nothing
# Read the reports of the unit they hold the role in and of every unit below it.
SUBTREE_ROLES = frozenset({"enhetschef", "avdelningschef", "forvaltningschef",
                           "stallforetradande_forvaltningschef", "controller"})
# Administer the organisation (arbetsgivarens företrädare: they appoint chefer and
# ersättare), so they read everyone's contact details and absences.
PERSONAL_DATA_ROLES = frozenset({"forvaltningschef", "stallforetradande_forvaltningschef"})
# The nämnd's record: sammanträden, protokoll, anmälningslistor, the delegation register.
NAMND_RECORD_ROLES = frozenset({"ordforande", "vice_ordforande", "au_ledamot", "ledamot",
                                "ersattare", "namndsekreterare", "forvaltningschef",
                                "stallforetradande_forvaltningschef"})

# Kinds of things read that are not one aggregate's history.
UNDERLAG = "Underlag"
PERSON_CALENDAR = "PersonCalendar"
UNIT_CALENDAR = "UnitCalendar"
INTEGRITY = "Integrity"  # the chain's verification status: counts and hashes, no content
EVENT_FEED = "EventFeed"  # every event of the nämnd
KOMMUN_STEP = "KommunSteg"  # a kommun step (KSAU dialog, KS/KF beslut), in KS's organisation
# What KLK reads in every nämnd: the plan, the cycles' progress, the underlag sent to KLK.
KOMMUN_FOLLOWUP_KINDS = frozenset({"Arsplan", "Cycle", UNDERLAG, KOMMUN_STEP})
MEMBER_KINDS = frozenset({"Organisation", "Arsplan", "ReportTemplate", "Delegationsordning",
                          INTEGRITY})
RECORD_KINDS = frozenset({"Meeting", "DelegationLedger", "ParagraphRegister"})


@dataclass(frozen=True)
class ReadScope:
    """What one person reads in one nämnd on one day."""

    person_id: str
    namnd_code: str
    member: bool = False  # holds any role in the nämnd
    everything: bool = False
    units: frozenset[str] = frozenset()
    namnd_record: bool = False
    personal_data: bool = False  # about everyone, not only themselves
    whole_record: bool = False  # every event of the nämnd (the event feed)
    kommun_followup: bool = False  # KLK: KOMMUN_FOLLOWUP_KINDS in every nämnd

    def reads_unit(self, unit_id: str) -> bool:
        return self.everything or unit_id in self.units

    def reads_personal_data_of(self, person_id: str | None) -> bool:
        return self.everything or self.personal_data or person_id == self.person_id


@dataclass(frozen=True)
class ReadSubject:
    kind: str
    namnd_code: str
    unit_ids: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str


def subject_from_creation(aggregate_type: str, payload: Mapping[str, Any]) -> ReadSubject:
    """An aggregate as a subject, from its first event's payload: every aggregate names
    its nämnd there (an organisation its ``code``), a report its unit, a cycle its units,
    a delegationsbeslut its decider and on whose behalf."""
    if aggregate_type == "Delegationsbeslut":
        facts = payload.get("facts") or {}
        people = {facts.get("decider"), facts.get("on_behalf_of")} - {None}
        return ReadSubject(aggregate_type, str(facts.get("namnd_code", "")),
                           people=frozenset(str(p) for p in people))
    namnd = payload.get("namnd_code") or payload.get("code") or ""
    units = payload.get("unit_ids") or ([payload["unit_id"]] if payload.get("unit_id") else [])
    return ReadSubject(aggregate_type, str(namnd), frozenset(str(u) for u in units))


def read_scope(org: Organisation | None, person_id: str, on: date,
               namnd_code: str | None = None, kommun: Organisation | None = None) -> ReadScope:
    """The person's scope in the nämnd that day; without an organisation, nothing.
    ``kommun``: kommunstyrelsen's organisation, where KLK's roles are held."""
    followup = kommun is not None and any(
        a.role in KOMMUN_FOLLOWUP_ROLES for a in kommun.roles_of(person_id, on))
    if org is None:
        return ReadScope(person_id, namnd_code or "", kommun_followup=followup)
    assignments = org.roles_of(person_id, on)
    roles = {a.role for a in assignments}
    below = _children(org)
    units: set[str] = set()
    for a in assignments:
        if a.role in SUBTREE_ROLES:
            units |= _subtree(below, a.unit_id)
    everything = bool(roles & EVERYTHING_ROLES)
    forvaltningar = {u.unit_id for u in org.units.values() if u.kind == "forvaltning"}
    record, personal = bool(roles & NAMND_RECORD_ROLES), bool(roles & PERSONAL_DATA_ROLES)
    return ReadScope(
        person_id, org.code, member=bool(assignments), everything=everything,
        units=frozenset(units), namnd_record=record, personal_data=personal,
        whole_record=everything or (record and personal and forvaltningar <= units),
        kommun_followup=followup)


def refusal(org: Organisation | None, scope: ReadScope, subject: ReadSubject
            ) -> Refusal | None:
    """Why the person may not read the subject, or None when they may."""
    if scope.everything or (scope.kommun_followup and subject.kind in KOMMUN_FOLLOWUP_KINDS):
        return None
    who = person_name(org, scope.person_id) if org else scope.person_id
    kind = subject.kind
    if kind == KOMMUN_STEP:
        if scope.member:  # of kommunstyrelsen's organisation, where the steps are kept
            return None
        return Refusal("kommun_followup_only",
                       "Kommunens steg (KSAU:s dialog, KS:s och KF:s beslut) läses av "
                       "kommunledningskontorets controller och kommunstyrelsens förvaltning")
    if kind in ("UnitReport", UNIT_CALENDAR):
        if _reads_all(scope, subject):
            return None
        names = ", ".join(sorted(_unit_name(org, u) for u in subject.unit_ids))
        return Refusal("unit_outside_read_scope",
                       f"{who} läser rapporter och kalendrar för enheterna i sitt eget ansvar; "
                       f"{names} ingår inte")
    if kind == "Cycle":
        if any(scope.reads_unit(u) for u in subject.unit_ids):
            return None
        return Refusal("cycle_outside_read_scope", f"{who} har ingen enhet i cykeln")
    if kind == UNDERLAG:
        if _reads_all(scope, subject):
            return None
        return Refusal("underlag_needs_whole_forvaltning",
                       "Underlaget sammanställer hela förvaltningens rapporter och läses av den "
                       "som läser alla cykelns enheter (förvaltningschef, controller, revisor)")
    if kind in MEMBER_KINDS:
        return None if scope.member else _not_member(org, scope, who)
    if kind in RECORD_KINDS or kind == "Delegationsbeslut":
        if scope.namnd_record or scope.person_id in subject.people:
            return None
        return Refusal("namnd_record_only",
                       "Nämndens handlingar (sammanträden, protokoll, delegationsbeslut) läses "
                       "av nämndens ledamöter och sekreterare, förvaltningschefen och revisorn; "
                       "en delegat läser sina egna beslut")
    if kind == PERSON_CALENDAR:
        if scope.person_id in subject.people:
            return None
        return Refusal("own_calendar_only", "Du kan bara läsa din egen kalender")
    if kind == EVENT_FEED:
        if scope.whole_record:
            return None
        return Refusal("whole_record_only",
                       f"{who} läser inte allt i {scope.namnd_code}: händelseflödet visar varje "
                       "händelse i nämnden (revisor, förvaltningschef)")
    # A kind this policy does not name yet is for the revisor alone.
    return Refusal("no_read_policy", f"Ingen läsregel finns för {kind}; bara revisorn läser")


def may_read(org: Organisation | None, scope: ReadScope, subject: ReadSubject) -> bool:
    return refusal(org, scope, subject) is None


def _reads_all(scope: ReadScope, subject: ReadSubject) -> bool:
    # A subject naming no unit is nobody's to read by unit.
    return bool(subject.unit_ids) and all(scope.reads_unit(u) for u in subject.unit_ids)


def _not_member(org: Organisation | None, scope: ReadScope, who: str) -> Refusal:
    namnd = org.name if org else scope.namnd_code
    return Refusal("not_in_namnd", f"{who} har ingen roll i {namnd}")


def _unit_name(org: Organisation | None, unit_id: str) -> str:
    unit = org.units.get(unit_id) if org else None
    return unit.name if unit else unit_id


def _children(org: Organisation) -> dict[str, list[str]]:
    below: dict[str, list[str]] = {}
    for unit in org.units.values():
        if unit.parent_id is not None:
            below.setdefault(unit.parent_id, []).append(unit.unit_id)
    return below


def _subtree(below: dict[str, list[str]], unit_id: str) -> set[str]:
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(below.get(current, ()))
    return found
