"""Questions the API and dashboard ask of the read models; answers are pydantic models.

Each question has an ``*_as_of`` twin that answers from the history as it had
been recorded at a past instant (see ``projections.time_travel``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from eventsourcing.application import Application
from pydantic import BaseModel

from domain.calendar import LocalInstant, days_late, lateness, local_date
from domain.report_flow import EJ_PABORJAD, KLARMARKERAD, PAGAR, STATUS_LABELS
from domain.roles import CHEF_ROLE_BY_KIND
from projections.audit_trail import AuditTrailProjection, log_entries, trail_entries
from projections.base import Doc, ReadModelView
from projections.board_coverage import BoardCoverage, board_coverage
from projections.reminders import REMINDER, ReminderOutboxProjection
from projections.reporting import (
    ASSIGNMENT_BY_PERSON,
    ASSIGNMENT_BY_UNIT,
    CYCLE,
    REPORT,
    UNIT,
    ReportingProjection,
    unit_key,
)
from projections.time_travel import as_of_view, covers


class Task(BaseModel):
    """One line in a person's att-göra list."""

    task: Literal["klarmarkera", "attestera"]
    report_id: UUID
    cycle_id: UUID
    cycle_title: str
    unit_id: str
    unit_name: str
    deadline: LocalInstant
    days_late: int  # whole days passed since the deadline
    late: str | None  # "försenad", "3 tim sen", "2 dagar sen"; None when not late
    on_behalf_of: str | None  # set when the person acts as ersättare


class BoardRow(BaseModel):
    report_id: UUID
    unit_id: str
    unit_name: str
    unit_kind: str
    parent_unit_id: str | None
    status: str
    status_label: str
    deadline: LocalInstant
    attest_deadline: LocalInstant | None
    days_late: int
    late: str | None
    reminders_sent: int
    escalations: int
    deadlines_passed: list[str]
    klarmarkerad_at: LocalInstant | None
    godkand_at: LocalInstant | None


class CycleBoard(BaseModel):
    cycle_id: UUID
    title: str
    status: str
    deadlines: dict[str, LocalInstant]
    rows: list[BoardRow]
    counts: dict[str, int]
    coverage: BoardCoverage  # the organisation's units outside the cycle or not reported


class AuditEntry(BaseModel):
    event_id: UUID
    aggregate_id: UUID
    aggregate_type: str
    version: int
    event_type: str
    recorded_at: LocalInstant
    occurred_at: LocalInstant
    person_id: str
    role: str
    unit_id: str | None
    on_behalf_of: str | None
    command_id: str | None
    cycle_id: UUID | None
    payload: dict[str, Any]
    chain_hash: str


class Reminder(BaseModel):
    event_id: UUID
    report_id: UUID
    cycle_id: UUID
    unit_id: str
    recipient_person_id: str
    task: str
    deadline: LocalInstant
    overdue: bool
    occurred_at: LocalInstant
    recorded_at: LocalInstant


# Att-göra

def chef_of(view: ReadModelView, namnd_code: str, unit_id: str, on: date) -> Doc | None:
    """The assignment under which someone acts as the unit's chef that day.

    As ``Organisation.chef_of``: an ersättare covering the day comes before the
    ordinary holder.
    """
    unit = view.get(UNIT, unit_key(namnd_code, unit_id))
    role = CHEF_ROLE_BY_KIND.get(unit["kind"]) if unit else None
    holders = [a for a in view.find(ASSIGNMENT_BY_UNIT, unit_key(namnd_code, unit_id))
               if a["role"] == role and _covers(a, on)]
    holders.sort(key=lambda a: a["substitute_for"] is None)
    return holders[0] if holders else None


def todo_for(view: ReadModelView, person_id: str, now: datetime) -> list[Task]:
    """Klarmarkera for the units the person is chef of today; Attestera for each
    klarmarkerad report of a unit directly below one of them."""
    on = local_date(now)
    tasks: list[Task] = []
    for a in view.find(ASSIGNMENT_BY_PERSON, person_id):
        code, unit_id = a["namnd_code"], a["unit_id"]
        acting = chef_of(view, code, unit_id, on)
        if acting is None or acting["assignment_id"] != a["assignment_id"]:
            continue
        for cycle in view.find(CYCLE, code):
            if cycle["status"] != "open":
                continue
            for r in view.find(REPORT, cycle["cycle_id"]):
                if r["unit_id"] == unit_id and r["status"] in (EJ_PABORJAD, PAGAR):
                    tasks.append(_task(view, "klarmarkera", r, cycle, r["deadline"], now, a))
                elif r["parent_unit_id"] == unit_id and r["status"] == KLARMARKERAD:
                    due = r["attest_deadline"] or cycle["deadlines"][_kind(view, code, unit_id)]
                    tasks.append(_task(view, "attestera", r, cycle, due, now, a))
    tasks.sort(key=lambda t: (t.deadline, t.task, t.unit_id))
    return tasks


def _task(view: ReadModelView, task: Literal["klarmarkera", "attestera"], r: Doc, cycle: Doc,
          due: str, now: datetime, assignment: Doc) -> Task:
    deadline = datetime.fromisoformat(due)
    return Task(task=task, report_id=r["report_id"], cycle_id=r["cycle_id"],
                cycle_title=cycle["title"], unit_id=r["unit_id"],
                unit_name=_unit_name(view, r["namnd_code"], r["unit_id"]), deadline=deadline,
                days_late=days_late(deadline, now), late=lateness(deadline, now),
                on_behalf_of=assignment["substitute_for"])


# Cycle board

def cycle_board(view: ReadModelView, cycle_id: UUID, now: datetime | None = None
                ) -> CycleBoard | None:
    cycle = view.get(CYCLE, str(cycle_id))
    if cycle is None:
        return None
    rows = []
    for r in view.find(REPORT, str(cycle_id)):
        deadline = datetime.fromisoformat(r["deadline"])
        # Only an open report is late (as of the deadline itself nothing is).
        at = now if now is not None and r["status"] in (EJ_PABORJAD, PAGAR) else deadline
        rows.append(BoardRow(
            report_id=r["report_id"], unit_id=r["unit_id"],
            unit_name=_unit_name(view, r["namnd_code"], r["unit_id"]),
            unit_kind=r["unit_kind"], parent_unit_id=r["parent_unit_id"], status=r["status"],
            status_label=STATUS_LABELS[r["status"]], deadline=deadline,
            attest_deadline=r["attest_deadline"],
            days_late=days_late(deadline, at), late=lateness(deadline, at),
            reminders_sent=r["reminders_sent"], escalations=r["escalations"],
            deadlines_passed=r["deadlines_passed"], klarmarkerad_at=r["klarmarkerad_at"],
            godkand_at=r["godkand_at"]))
    rows.sort(key=lambda row: (_LEVEL_ORDER.get(row.unit_kind, 9), row.unit_id))
    counts = {status: sum(1 for row in rows if row.status == status) for status in STATUS_LABELS}
    return CycleBoard(cycle_id=cycle_id, title=cycle["title"], status=cycle["status"],
                      deadlines=cycle["deadlines"], rows=rows, counts=counts,
                      coverage=board_coverage(view, cycle, {r.unit_id: r.status for r in rows}))


_LEVEL_ORDER = {"forvaltning": 0, "avdelning": 1, "enhet": 2}


# Audit trail and outbox

def audit_trail(app: Application[Any], view: ReadModelView, aggregate_id: UUID | None = None,
                actor: str | None = None, cycle_id: UUID | None = None,
                last: int | None = None) -> list[AuditEntry]:
    """Entries in recording order, narrowed by any of aggregate, acting person, cycle
    (the ``last`` ones): built from the log's events that the audit trail's view has
    reached."""
    return [AuditEntry.model_validate(d)
            for d in trail_entries(app, view, aggregate_id, actor, cycle_id, last)]


def audit_log(app: Application[Any], view: ReadModelView, after: int, limit: int
              ) -> list[tuple[int, AuditEntry]]:
    """The unfiltered trail's next ``limit`` entries recorded after log position ``after``,
    each with its log position: only that part of the log is read."""
    return [(position, AuditEntry.model_validate(d))
            for position, d in log_entries(app, view, after, limit)]


def reminder_outbox(view: ReadModelView, recipient: str | None = None,
                    cycle_id: UUID | None = None) -> list[Reminder]:
    docs = view.find(REMINDER, recipient)
    return [Reminder.model_validate(d) for d in docs
            if cycle_id is None or d["cycle_id"] == str(cycle_id)]


# As of a past instant

def todo_for_as_of(app: Application[Any], person_id: str, instant: datetime) -> list[Task]:
    return todo_for(as_of_view(app, ReportingProjection, instant), person_id, instant)


def cycle_board_as_of(app: Application[Any], cycle_id: UUID, instant: datetime
                      ) -> CycleBoard | None:
    return cycle_board(as_of_view(app, ReportingProjection, instant), cycle_id, instant)


def audit_trail_as_of(app: Application[Any], instant: datetime, aggregate_id: UUID | None = None,
                      actor: str | None = None, cycle_id: UUID | None = None,
                      live: ReadModelView | None = None) -> list[AuditEntry]:
    """The trail as recorded by ``instant``: the live index narrowed to those entries when
    it has reached the instant (its entries never change once written), else a fold."""
    if live is not None and covers(app, live, instant):
        return [e for e in audit_trail(app, live, aggregate_id, actor, cycle_id)
                if e.recorded_at <= instant]
    view = as_of_view(app, AuditTrailProjection, instant)
    return audit_trail(app, view, aggregate_id, actor, cycle_id)


def reminder_outbox_as_of(app: Application[Any], instant: datetime, recipient: str | None = None,
                          cycle_id: UUID | None = None) -> list[Reminder]:
    return reminder_outbox(as_of_view(app, ReminderOutboxProjection, instant), recipient,
                           cycle_id)


def _covers(assignment: Doc, on: date) -> bool:
    start = date.fromisoformat(assignment["valid_from"])
    end = assignment["valid_to"] and date.fromisoformat(assignment["valid_to"])
    return start <= on and (not end or on <= end)


def _unit_name(view: ReadModelView, namnd_code: str, unit_id: str) -> str:
    unit = view.get(UNIT, unit_key(namnd_code, unit_id))
    return str(unit["name"]) if unit else unit_id


def _kind(view: ReadModelView, namnd_code: str, unit_id: str) -> str:
    unit = view.get(UNIT, unit_key(namnd_code, unit_id))
    return str(unit["kind"]) if unit else "enhet"
