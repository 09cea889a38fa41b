"""The reporting read model: units, role assignments, cycles and each report's state.

It feeds the att-göra lists (who must klarmarkera or attestera what, by when) and
the cycle board (per unit: state, deadline, reminders, escalations, klarmarkering
and godkännande). Role assignments are projected with their date ranges so that
"who was chef on that date, ersättare included" is answered at query time.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking

from domain.cycle import Cycle
from domain.organisation import Organisation
from domain.report_flow import EJ_PABORJAD, GODKAND, KLARMARKERAD, PAGAR, attester_role
from domain.unit_report import UnitReport
from domain.working_days import attest_deadline
from infrastructure.settings import get_settings
from projections.base import Doc, Put, ReadModelProjection, topics_of

ORGANISATION, UNIT, PERSON = "organisation", "unit", "person"
ASSIGNMENT_BY_UNIT, ASSIGNMENT_BY_PERSON = "assignment_by_unit", "assignment_by_person"
CYCLE, REPORT = "cycle", "report"


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def unit_key(namnd_code: str, unit_id: str) -> str:
    return f"{namnd_code}/{unit_id}"


class ReportingProjection(ReadModelProjection):
    """Projects Organisation, Cycle and UnitReport events into rows the att-göra
    lists and cycle boards read. Reports are keyed by report id and partitioned by
    cycle; assignments are written twice, by unit and by person, for both lookups.
    """

    name = "reporting"
    # 2,000 per transaction instead of 500: a 100k catch-up on PostgreSQL went from 0.44x
    # to 0.52x of the baseline (best of 3, one process; SQLite 0.55x -> 0.56x).
    batch_size = 2000
    topics = topics_of(
        Organisation.Registered, Organisation.UnitAdded, Organisation.PersonRegistered,
        Organisation.RoleAssigned, Organisation.RoleEnded,
        Cycle.Opened, Cycle.DeadlineMoved, Cycle.UnderlagSent, Cycle.BeslutRecorded,
        Cycle.BeslutExported,
        UnitReport.Opened, UnitReport.ItemChanged, UnitReport.Klarmarkerad, UnitReport.Godkand,
        UnitReport.Atersand, UnitReport.Reopened, UnitReport.DeadlineMoved,
        UnitReport.AttestationRequested, UnitReport.ReminderSent, UnitReport.DeadlinePassed,
        UnitReport.Escalated,
    )

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    def _namnd_code(self, organisation_id: Any) -> str:
        org = self.view.get(ORGANISATION, str(organisation_id))
        if org is None:
            raise LookupError(f"organisation {organisation_id} was not projected first")
        return str(org["code"])

    # Organisation

    @process_event.register(Organisation.Registered)
    def _(self, event: Organisation.Registered, tracking: Tracking) -> None:
        self.write(tracking, [Put(ORGANISATION, str(event.originator_id),
                                  {"code": event.code, "name": event.name})])

    @process_event.register(Organisation.UnitAdded)
    def _(self, event: Organisation.UnitAdded, tracking: Tracking) -> None:
        code = self._namnd_code(event.originator_id)
        doc: Doc = {"namnd_code": code, "unit_id": event.unit_id, "name": event.name,
               "kind": event.kind, "parent_id": event.parent_id}
        self.write(tracking, [Put(UNIT, unit_key(code, event.unit_id), doc, partition=code)])

    @process_event.register(Organisation.PersonRegistered)
    def _(self, event: Organisation.PersonRegistered, tracking: Tracking) -> None:
        # No name: names live in the person directory (application.person_directory).
        self.write(tracking, [Put(PERSON, event.person_id, {"person_id": event.person_id})])

    @process_event.register(Organisation.RoleAssigned)
    def _(self, event: Organisation.RoleAssigned, tracking: Tracking) -> None:
        code = self._namnd_code(event.originator_id)
        doc = {"namnd_code": code, "assignment_id": event.assignment_id,
               "person_id": event.person_id, "role": event.role, "unit_id": event.unit_id,
               "valid_from": iso(event.valid_from), "valid_to": iso(event.valid_to),
               "substitute_for": event.substitute_for, "reason": event.reason}
        self.write(tracking, _assignment_rows(doc))

    @process_event.register(Organisation.RoleEnded)
    def _(self, event: Organisation.RoleEnded, tracking: Tracking) -> None:
        code = self._namnd_code(event.originator_id)
        doc = self.view.get(ASSIGNMENT_BY_UNIT, f"{code}/{event.assignment_id}")
        if doc is None:
            raise LookupError(f"assignment {event.assignment_id} was not projected first")
        self.write(tracking, _assignment_rows({**doc, "valid_to": iso(event.valid_to)}))

    # Cycle

    @process_event.register(Cycle.Opened)
    def _(self, event: Cycle.Opened, tracking: Tracking) -> None:
        doc: Doc = {"cycle_id": str(event.originator_id), "namnd_code": event.namnd_code,
               "process": event.process, "year": event.year, "title": event.title,
               "status": "open", "deadlines": {k: iso(v) for k, v in event.deadlines.items()},
               "underlag_date": iso(event.underlag_date), "beslut_date": iso(event.beslut_date),
               "unit_ids": list(event.unit_ids), "opened_at": iso(event.occurred_at)}
        self.write(tracking, [Put(CYCLE, str(event.originator_id), doc,
                                  partition=event.namnd_code)])

    @process_event.register(Cycle.DeadlineMoved)
    def _(self, event: Cycle.DeadlineMoved, tracking: Tracking) -> None:
        self._update_cycle(event, tracking,
                           lambda d: d["deadlines"].__setitem__(event.level, iso(event.new)))

    @process_event.register(Cycle.UnderlagSent)
    def _(self, event: Cycle.UnderlagSent, tracking: Tracking) -> None:
        self._update_cycle(event, tracking, lambda d: d.update(
            status="underlag_sent", underlag_reference=event.reference,
            underlag_sent_at=iso(event.occurred_at)))

    @process_event.register(Cycle.BeslutRecorded)
    def _(self, event: Cycle.BeslutRecorded, tracking: Tracking) -> None:
        self._update_cycle(event, tracking, lambda d: d.update(
            status="beslut_recorded", beslut=event.beslut, paragraph=event.paragraph,
            beslut_at=iso(event.occurred_at)))

    @process_event.register(Cycle.BeslutExported)
    def _(self, event: Cycle.BeslutExported, tracking: Tracking) -> None:
        self._update_cycle(event, tracking, lambda d: d.update(
            status="closed", export_reference=event.reference))

    def _update_cycle(self, event: Any, tracking: Tracking, change: Any) -> None:
        doc = self.view.get_for_update(CYCLE, str(event.originator_id))
        if doc is None:
            raise LookupError(f"cycle {event.originator_id} was not projected first")
        change(doc)
        self.write(tracking, [Put(CYCLE, doc["cycle_id"], doc, partition=doc["namnd_code"])])

    # UnitReport

    @process_event.register(UnitReport.Opened)
    def _(self, event: UnitReport.Opened, tracking: Tracking) -> None:
        doc: Doc = {"report_id": str(event.originator_id), "cycle_id": str(event.cycle_id),
               "namnd_code": event.namnd_code, "unit_id": event.unit_id,
               "unit_kind": event.unit_kind, "parent_unit_id": event.parent_unit_id,
               "status": EJ_PABORJAD, "deadline": iso(event.deadline), "attest_deadline": None,
               "reminders_sent": 0, "escalations": 0, "deadlines_passed": [],
               "klarmarkerad_at": None, "klarmarkerad_by": None, "godkand_at": None,
               "godkand_by": None, "atersand_count": 0, "last_reason": None,
               "last_changed_at": None, "version": event.originator_version}
        self.write(tracking, [Put(REPORT, str(event.originator_id), doc,
                                  partition=str(event.cycle_id))])

    @process_event.register(UnitReport.ItemChanged)
    def _(self, event: UnitReport.ItemChanged, tracking: Tracking) -> None:
        def change(d: Doc) -> None:
            d["last_changed_at"] = iso(event.occurred_at)
            if d["status"] == EJ_PABORJAD:
                d["status"] = PAGAR
        self._update_report(event, tracking, change)

    @process_event.register(UnitReport.Klarmarkerad)
    def _(self, event: UnitReport.Klarmarkerad, tracking: Tracking) -> None:
        # The Attestera task shows its own deadline from the klarmarkering on: the one the
        # workflow's AttestationRequested records a moment later (the same domain rule,
        # counted from the klarmarkering), not the level's deadline meanwhile.
        def change(d: Doc) -> None:
            d.update(status=KLARMARKERAD, klarmarkerad_at=iso(event.occurred_at),
                     klarmarkerad_by=event.actor.person_id)
            if attester_role(d["unit_kind"]) is not None:
                d["attest_deadline"] = iso(attest_deadline(event.occurred_at,
                                                           self.attest_working_days))
        self._update_report(event, tracking, change)

    @process_event.register(UnitReport.Godkand)
    def _(self, event: UnitReport.Godkand, tracking: Tracking) -> None:
        self._update_report(event, tracking, lambda d: d.update(
            status=GODKAND, godkand_at=iso(event.occurred_at), godkand_by=event.actor.person_id))

    @process_event.register(UnitReport.Atersand)
    def _(self, event: UnitReport.Atersand, tracking: Tracking) -> None:
        def change(d: Doc) -> None:
            d.update(status=PAGAR, klarmarkerad_at=None, klarmarkerad_by=None, godkand_at=None,
                     godkand_by=None, atersand_count=d["atersand_count"] + 1,
                     last_reason=event.reason)
            if event.new_deadline is not None:
                d["deadline"] = iso(event.new_deadline)
        self._update_report(event, tracking, change)

    @process_event.register(UnitReport.Reopened)
    def _(self, event: UnitReport.Reopened, tracking: Tracking) -> None:
        self._update_report(event, tracking, lambda d: d.update(
            status=PAGAR, klarmarkerad_at=None, klarmarkerad_by=None, last_reason=event.reason))

    @process_event.register(UnitReport.DeadlineMoved)
    def _(self, event: UnitReport.DeadlineMoved, tracking: Tracking) -> None:
        field = "attest_deadline" if event.deadline_kind == "attest" else "deadline"
        self._update_report(event, tracking, lambda d: d.update({field: iso(event.new)}))

    @process_event.register(UnitReport.AttestationRequested)
    def _(self, event: UnitReport.AttestationRequested, tracking: Tracking) -> None:
        self._update_report(event, tracking,
                            lambda d: d.update(attest_deadline=iso(event.deadline)))

    @process_event.register(UnitReport.ReminderSent)
    def _(self, event: UnitReport.ReminderSent, tracking: Tracking) -> None:
        self._update_report(event, tracking,
                            lambda d: d.update(reminders_sent=d["reminders_sent"] + 1))

    @process_event.register(UnitReport.DeadlinePassed)
    def _(self, event: UnitReport.DeadlinePassed, tracking: Tracking) -> None:
        self._update_report(event, tracking, lambda d: d.update(
            deadlines_passed=[*d["deadlines_passed"], event.task]))

    @process_event.register(UnitReport.Escalated)
    def _(self, event: UnitReport.Escalated, tracking: Tracking) -> None:
        self._update_report(event, tracking,
                            lambda d: d.update(escalations=d["escalations"] + 1))

    @functools.cached_property
    def attest_working_days(self) -> int:
        return get_settings().attest_working_days

    def _update_report(self, event: Any, tracking: Tracking, change: Any) -> None:
        doc = self.view.get_for_update(REPORT, str(event.originator_id))
        if doc is None:
            raise LookupError(f"report {event.originator_id} was not projected first")
        change(doc)
        doc["version"] = event.originator_version
        self.write(tracking, [Put(REPORT, doc["report_id"], doc, partition=doc["cycle_id"])])


def _assignment_rows(doc: Doc) -> list[Put]:
    key = f"{doc['namnd_code']}/{doc['assignment_id']}"
    return [Put(ASSIGNMENT_BY_UNIT, key, doc, unit_key(doc["namnd_code"], doc["unit_id"])),
            Put(ASSIGNMENT_BY_PERSON, key, doc, doc["person_id"])]
