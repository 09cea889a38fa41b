"""Activities of the UnitReportWorkflow: read the report, record facts, notify people.

Each fact goes through the bus as a system command keyed by the workflow; the handler
decides who is reminded or escalated to, and the activity mails whoever it recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from activities.heartbeat import heartbeating
from domain import system_commands as sc
from domain.calendar import local_date, shown
from domain.errors import RuleViolationError
from domain.escalation import task_owner
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from infrastructure.logging import get_logger
from infrastructure.notifier import Notification
from infrastructure.person_directory import person_email
from workflows import activity_names as names
from workflows.payloads import (
    ReminderPlan,
    ReminderPlanRequest,
    RemindersSkipped,
    ReportFact,
    ReportSnapshot,
)

TASK_LABELS = {"klarmarkera": "Klarmarkera", "attestera": "Attestera"}


class ReportActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    def _report(self, report_id: str) -> UnitReport:
        return self.deps.store.get(UUID(report_id), UnitReport)

    @activity.defn(name=names.LOAD_REPORT)
    @heartbeating
    async def load_report(self, report_id: str) -> ReportSnapshot:
        r = await in_domain(lambda: self._report(report_id))
        tl = self.deps.timeline
        return ReportSnapshot(
            report_id=report_id, unit_id=r.unit_id, unit_kind=r.unit_kind, status=r.status,
            version=r.version, deadline=tl.to_workflow(r.deadline),
            attest_deadline=tl.to_workflow(r.attest_deadline) if r.attest_deadline else None,
            has_attester=r.attester_role is not None, open_task=r.open_task, done=r.done)

    @activity.defn(name=names.PLAN_REMINDERS)
    @heartbeating
    async def plan_reminders(self, request: ReminderPlanRequest) -> ReminderPlan:
        tl, schedule = self.deps.timeline, self.deps.schedule
        deadline = tl.to_domain(request.deadline)
        return ReminderPlan(before=[tl.to_workflow(i) for i in schedule.before(deadline)],
                            overdue=[tl.to_workflow(i) for i in schedule.overdue(deadline)])

    @activity.defn(name=names.SEND_REMINDER)
    @heartbeating
    async def send_reminder(self, fact: ReportFact) -> None:
        when, deadline = self._domain_times(fact)
        command = sc.RecordReminderSent(
            command_id=fact.key, occurred_at=when, report_id=UUID(fact.report_id),
            task=fact.task, deadline=deadline, overdue=fact.overdue)
        recorded = await self._record(command)
        log = get_logger(report_id=fact.report_id, key=fact.key, workflow_id=_workflow_id())
        sent = _first(recorded, UnitReport.ReminderSent)
        if sent is None:
            log.warning("reminder_without_recipient", task=fact.task)
            return
        report, org = await self._report_and_organisation(fact.report_id)
        unit = _unit_name(org, report.unit_id)
        late = "Tidsgränsen har passerat" if fact.overdue else "Påminnelse"
        await self._notify(fact.key, org, sent.recipient_person_id, when,
                           f"{late}: {TASK_LABELS[fact.task]} rapporten för {unit}",
                           f"{TASK_LABELS[fact.task]} rapporten för {unit} senast "
                           f"{shown(deadline)}.")
        log.info("reminder_sent", unit_id=report.unit_id, task=fact.task,
                 to=sent.recipient_person_id, overdue=fact.overdue)

    @activity.defn(name=names.RECORD_REMINDERS_SKIPPED)
    @heartbeating
    async def record_reminders_skipped(self, fact: RemindersSkipped) -> None:
        tl = self.deps.timeline
        await self._record(sc.RecordRemindersSkipped(
            command_id=fact.key, occurred_at=tl.to_domain(fact.occurred_at),
            report_id=UUID(fact.report_id), task=fact.task, deadline=tl.to_domain(fact.deadline),
            skipped=[tl.to_domain(at) for at in fact.skipped]))
        get_logger(report_id=fact.report_id, key=fact.key, workflow_id=_workflow_id()).info(
            "reminders_skipped", task=fact.task, skipped=len(fact.skipped))

    @activity.defn(name=names.DEADLINE_PASSED)
    @heartbeating
    async def deadline_passed(self, fact: ReportFact) -> None:
        when, deadline = self._domain_times(fact)
        recorded = await self._record(sc.RecordDeadlinePassed(
            command_id=fact.key, occurred_at=when, report_id=UUID(fact.report_id),
            task=fact.task, deadline=deadline))
        escalated = _first(recorded, UnitReport.Escalated)
        report, org = await self._report_and_organisation(fact.report_id)
        if escalated is not None and escalated.to_person_id is not None:
            unit = _unit_name(org, report.unit_id)
            await self._notify(fact.key, org, escalated.to_person_id, when,
                               f"Eskalering: {unit} har inte hunnit {fact.task}",
                               f"Tidsgränsen {shown(deadline)} för att {fact.task} "
                               f"rapporten för {unit} har passerat.")
        get_logger(report_id=fact.report_id, unit_id=report.unit_id, key=fact.key,
                   workflow_id=_workflow_id()).info(
            "deadline_passed", task=fact.task,
            escalated_to=escalated.to_person_id if escalated else None)

    @activity.defn(name=names.REQUEST_ATTESTATION)
    @heartbeating
    async def request_attestation(self, fact: ReportFact) -> datetime | None:
        """Opens the Attestera task; None if the report is no longer klarmarkerad."""
        when = self.deps.timeline.to_domain(fact.occurred_at)
        command = sc.RequestAttestation(command_id=fact.key, occurred_at=when,
                                        report_id=UUID(fact.report_id))

        def record() -> Any:
            try:
                return self.deps.bus.execute_system(command).recorded
            except RuleViolationError:  # återsänd, reopened or godkänd meanwhile
                return None

        recorded = await in_domain(record)
        requested = _first(recorded or (), UnitReport.AttestationRequested)
        report, org = await self._report_and_organisation(fact.report_id)
        if requested is None or report.open_task != "attestera" or not report.attest_deadline:
            return None
        attester = task_owner(org, report.unit_id, "attestera", local_date(when)).person_id
        if attester is not None:
            unit = _unit_name(org, report.unit_id)
            await self._notify(fact.key, org, attester, when,
                               f"Attestera: rapporten för {unit} är klarmarkerad",
                               f"Granska och attestera rapporten för {unit} senast "
                               f"{shown(report.attest_deadline)}.")
        return self.deps.timeline.to_workflow(report.attest_deadline)

    async def _record(self, command: sc.SystemCommand) -> tuple[Any, ...]:
        result = await in_domain(lambda: self.deps.bus.execute_system(command))
        return result.recorded

    async def _report_and_organisation(self, report_id: str
                                       ) -> tuple[UnitReport, Organisation]:
        report = await in_domain(lambda: self._report(report_id))
        org = await in_domain(lambda: self.deps.store.organisation(report.namnd_code))
        return report, org

    def _domain_times(self, fact: ReportFact) -> tuple[datetime, datetime]:
        tl = self.deps.timeline
        return tl.to_domain(fact.occurred_at), tl.to_domain(fact.deadline)

    async def _notify(self, key: str, org: Organisation, person_id: str, when: datetime,
                      subject: str, body: str) -> None:
        email = await in_domain(lambda: person_email(self.deps.store, person_id))
        await self.deps.notifier.notify(Notification(key, person_id, email, subject, body,
                                                     when))


def _first(recorded: tuple[Any, ...], event_class: type[Any]) -> Any:
    return next((e for e in recorded if isinstance(e, event_class)), None)


def _unit_name(org: Organisation, unit_id: str) -> str:
    """Mail names the unit as its chef knows it."""
    unit = org.units.get(unit_id)
    return unit.name if unit is not None else unit_id


def _workflow_id() -> str | None:
    return activity.info().workflow_id if activity.in_activity() else None
