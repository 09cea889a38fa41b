"""Handlers for a unit's report: filling it in, klarmarkera, attestera, återsänd, deadlines,
and the facts its workflow establishes (reminders, passed deadlines, attest requests)."""

from __future__ import annotations

from functools import partial

from application.bus import Handler, Session
from domain import commands as c
from domain import system_commands as sc
from domain.authority import acting_as, acting_in_any, unit_names
from domain.base import Actor
from domain.calendar import local_date
from domain.cycle import Cycle
from domain.escalation import escalation_target, task_owner
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.roles import CYCLE_ADMIN_ROLES
from domain.unit_report import UnitReport
from domain.working_days import attest_deadline


def as_owner(s: Session, report: UnitReport, org: Organisation | None = None) -> Actor:
    """The issuer as the report's unit chef (or their ersättare) that day."""
    org = org or s.organisation(report.namnd_code)
    return acting_as(org, s.issuer.person_id, report.owner_role, report.unit_id, s.when)


def as_attester(s: Session, report: UnitReport, org: Organisation) -> Actor:
    """The issuer as the chef of the unit above (or their ersättare) that day."""
    return acting_as(org, s.issuer.person_id, report.attester_role or "attesterare",
                     report.parent_unit_id, s.when)


def child_statuses(s: Session, report: UnitReport, org: Organisation) -> dict[str, str]:
    """The status of every sub-unit's report in the report's cycle."""
    children = org.children(report.unit_id)
    if not children:  # an enhet: no cycle to read
        return {}
    cycle = s.load(report.cycle_id, Cycle)
    in_scope = set(cycle.unit_ids)
    return {child.unit_id: s.load(unit_report_id(cycle.id, child.unit_id), UnitReport).status
            for child in children if child.unit_id in in_scope}


def change_item(cmd: c.ChangeItem, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.change_item(cmd.item_id, cmd.field, cmd.value, s.act_as(as_owner(s, report)))


def record_indicator(cmd: c.RecordIndicator, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.record_indicator(cmd.item_id, cmd.indicator.model_dump(),
                            s.act_as(as_owner(s, report)))


def set_bedomning(cmd: c.SetBedomning, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.set_bedomning(cmd.item_id, cmd.bedomning, cmd.motivering,
                         s.act_as(as_owner(s, report)))


def record_ekonomi(cmd: c.RecordEkonomi, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.record_ekonomi(cmd.model_dump(include={"kind", "columns", "rows"}),
                          s.act_as(as_owner(s, report)))


def klarmarkera(cmd: c.Klarmarkera, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    org = s.organisation(report.namnd_code)  # one organisation for the whole command
    cause = s.act_as(as_owner(s, report, org))
    report.klarmarkera(cause, child_statuses(s, report, org), unit_names(org))


def attestera(cmd: c.Attestera, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    org = s.organisation(report.namnd_code)
    report.attestera(s.act_as(as_attester(s, report, org)), unit_names(org))


def atersand(cmd: c.Atersand, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    org = s.organisation(report.namnd_code)
    report.atersand(cmd.reason, cmd.new_deadline, s.act_as(as_attester(s, report, org)),
                    unit_names(org))


def reopen(cmd: c.Reopen, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.reopen(cmd.reason, s.act_as(as_owner(s, report)))


def move_report_deadline(cmd: c.MoveReportDeadline, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    org = s.organisation(report.namnd_code)
    cause = s.act_as(acting_in_any(org, s.issuer.person_id, CYCLE_ADMIN_ROLES, s.when))
    report.move_deadline(cmd.deadline_kind, cmd.new_deadline, cmd.reason, cause)


# Facts the UnitReportWorkflow establishes

def record_reminder_sent(cmd: sc.RecordReminderSent, s: Session) -> None:
    """Recorded for whoever holds the task that day; with nobody to remind, nothing is."""
    report = s.target(cmd.report_id, UnitReport)
    cause = s.act_as(Actor.system())
    org = s.organisation(report.namnd_code)
    to = task_owner(org, report.unit_id, cmd.task, local_date(cause.occurred_at))
    if to.person_id is not None:
        report.record_reminder(to.person_id, cmd.task, cmd.deadline, cmd.overdue, cause)


def record_reminders_skipped(cmd: sc.RecordRemindersSkipped, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    report.record_reminders_skipped(cmd.task, cmd.deadline, cmd.skipped,
                                    s.act_as(Actor.system()))


def record_deadline_passed(cmd: sc.RecordDeadlinePassed, s: Session) -> None:
    report = s.target(cmd.report_id, UnitReport)
    cause = s.act_as(Actor.system())
    org = s.organisation(report.namnd_code)
    target = escalation_target(org, report.unit_id, cmd.task, local_date(cause.occurred_at))
    report.record_deadline_passed(cmd.task, cmd.deadline, cause)
    report.record_escalation(cmd.task, target.person_id, target.role, target.unit_id, cause)


def request_attestation(cmd: sc.RequestAttestation, s: Session, *, working_days: int) -> None:
    """The attest deadline counts from the klarmarkering (as the read models show it from
    then on), not from the moment the workflow gets round to asking."""
    report = s.target(cmd.report_id, UnitReport)
    cause = s.act_as(Actor.system())
    since = report.klarmarkerad_at or cause.occurred_at
    report.request_attestation(attest_deadline(since, working_days), cause)


def handlers(attest_working_days: int) -> dict[type, Handler]:
    return {
        c.ChangeItem: change_item,
        c.RecordIndicator: record_indicator,
        c.SetBedomning: set_bedomning,
        c.RecordEkonomi: record_ekonomi,
        c.Klarmarkera: klarmarkera,
        c.Attestera: attestera,
        c.Atersand: atersand,
        c.Reopen: reopen,
        c.MoveReportDeadline: move_report_deadline,
        sc.RecordReminderSent: record_reminder_sent,
        sc.RecordRemindersSkipped: record_reminders_skipped,
        sc.RecordDeadlinePassed: record_deadline_passed,
        sc.RequestAttestation: partial(request_attestation, working_days=attest_working_days),
    }
