"""Activities of the UnitReportWorkflow: read the report, record facts, notify people."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from activities.recipients import Recipient, escalation_target, task_owner
from activities.schedule import attest_deadline
from domain.base import Cause
from domain.calendar import local_date
from domain.errors import RuleViolationError
from domain.organisation import Organisation
from domain.unit_report import KLARMARKERAD, UnitReport
from infrastructure.logging import get_logger
from infrastructure.notifier import Notification
from workflows import activity_names as names
from workflows.payloads import ReminderPlan, ReminderPlanRequest, ReportFact, ReportSnapshot

TASK_LABELS = {"klarmarkera": "Klarmarkera", "attestera": "Attestera"}


class ReportActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    def _report(self, report_id: str) -> UnitReport:
        return self.deps.app.get(UUID(report_id), UnitReport)

    @activity.defn(name=names.LOAD_REPORT)
    async def load_report(self, report_id: str) -> ReportSnapshot:
        r = await in_domain(lambda: self._report(report_id))
        tl = self.deps.timeline
        return ReportSnapshot(
            report_id=report_id, unit_id=r.unit_id, unit_kind=r.unit_kind, status=r.status,
            version=r.version, deadline=tl.to_workflow(r.deadline),
            attest_deadline=tl.to_workflow(r.attest_deadline) if r.attest_deadline else None,
            has_attester=r.attester_role is not None)

    @activity.defn(name=names.PLAN_REMINDERS)
    async def plan_reminders(self, request: ReminderPlanRequest) -> ReminderPlan:
        tl, schedule = self.deps.timeline, self.deps.schedule
        deadline = tl.to_domain(request.deadline)
        return ReminderPlan(before=[tl.to_workflow(i) for i in schedule.before(deadline)],
                            overdue=[tl.to_workflow(i) for i in schedule.overdue(deadline)])

    @activity.defn(name=names.SEND_REMINDER)
    async def send_reminder(self, fact: ReportFact) -> None:
        when, deadline = self._domain_times(fact)
        report = await in_domain(lambda: self._report(fact.report_id))
        org = await in_domain(lambda: self.deps.app.organisation(report.namnd_code))
        to = task_owner(org, report.unit_id, fact.task, local_date(when))
        log = get_logger(report_id=fact.report_id, unit_id=report.unit_id, key=fact.key)
        if to.person_id is None:
            log.warning("reminder_without_recipient", role=to.role, unit=to.unit_id)
            return
        person_id = to.person_id
        await in_domain(lambda: self.deps.app.record_workflow_fact(
            report.id, fact.key, when, lambda r, cause: r.record_reminder(
                person_id, fact.task, deadline, fact.overdue, cause)))
        late = "Tidsgränsen har passerat" if fact.overdue else "Påminnelse"
        unit = _unit_name(org, report.unit_id)
        await self._notify(fact.key, to, when, org.people.get(person_id, {}).get("email"),
                           f"{late}: {TASK_LABELS[fact.task]} rapporten för {unit}",
                           f"{TASK_LABELS[fact.task]} rapporten för {unit} senast "
                           f"{deadline:%Y-%m-%d %H:%M}.")
        log.info("reminder_sent", task=fact.task, to=person_id, overdue=fact.overdue)

    @activity.defn(name=names.DEADLINE_PASSED)
    async def deadline_passed(self, fact: ReportFact) -> None:
        when, deadline = self._domain_times(fact)
        report = await in_domain(lambda: self._report(fact.report_id))
        org = await in_domain(lambda: self.deps.app.organisation(report.namnd_code))
        target = escalation_target(org, report.unit_id, fact.task, local_date(when))

        def record(r: UnitReport, cause: Cause) -> None:
            r.record_deadline_passed(fact.task, deadline, cause)
            r.record_escalation(fact.task, target.person_id, target.role, target.unit_id, cause)

        await in_domain(lambda: self.deps.app.record_workflow_fact(report.id, fact.key, when,
                                                                   record))
        if target.person_id is not None:
            email = org.people.get(target.person_id, {}).get("email")
            unit = _unit_name(org, report.unit_id)
            await self._notify(fact.key, target, when, email,
                               f"Eskalering: {unit} har inte hunnit {fact.task}",
                               f"Tidsgränsen {deadline:%Y-%m-%d %H:%M} för att "
                               f"{fact.task} rapporten för {unit} har passerat.")
        get_logger(report_id=fact.report_id, unit_id=report.unit_id, key=fact.key).info(
            "deadline_passed", task=fact.task, escalated_to=target.person_id)

    @activity.defn(name=names.REQUEST_ATTESTATION)
    async def request_attestation(self, fact: ReportFact) -> datetime | None:
        """Opens the Attestera task; None if the report is no longer klarmarkerad."""
        when = self.deps.timeline.to_domain(fact.occurred_at)
        deadline = attest_deadline(when, self.deps.attest_working_days)
        app = self.deps.app

        def record() -> UnitReport | None:
            try:
                app.record_workflow_fact(UUID(fact.report_id), fact.key, when,
                                         lambda r, cause: r.request_attestation(deadline, cause))
            except RuleViolationError:
                return None
            report = self._report(fact.report_id)
            return report if report.status == KLARMARKERAD else None

        report = await in_domain(record)
        if report is None or report.attest_deadline is None:
            return None
        org = await in_domain(lambda: app.organisation(report.namnd_code))
        to = task_owner(org, report.unit_id, "attestera", local_date(when))
        if to.person_id is not None:
            email = org.people.get(to.person_id, {}).get("email")
            unit = _unit_name(org, report.unit_id)
            await self._notify(fact.key, to, when, email,
                               f"Attestera: rapporten för {unit} är klarmarkerad",
                               f"Granska och godkänn rapporten för {unit} senast "
                               f"{report.attest_deadline:%Y-%m-%d %H:%M}.")
        return self.deps.timeline.to_workflow(report.attest_deadline)

    def _domain_times(self, fact: ReportFact) -> tuple[datetime, datetime]:
        tl = self.deps.timeline
        return tl.to_domain(fact.occurred_at), tl.to_domain(fact.deadline)

    async def _notify(self, key: str, to: Recipient, when: datetime, email: str | None,
                      subject: str, body: str) -> None:
        assert to.person_id is not None
        await self.deps.notifier.notify(Notification(key, to.person_id, email, subject, body,
                                                     when))


def _unit_name(org: Organisation, unit_id: str) -> str:
    """Mail names the unit as its chef knows it."""
    unit = org.units.get(unit_id)
    return unit.name if unit is not None else unit_id
