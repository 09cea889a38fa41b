"""Kommunledningskontoret's view across förvaltningar, read from the event store.

Per process of one year: each nämnd's underlag (its day, when it reached KLK, in time or
late or missing), the nämnd's beslut, and the kommun's own steps with their deadlines. A
kommun has a dozen nämnder with a handful of cycles a year, so the view loads those few
aggregates (like the anslagstavla) and needs no read model of its own; ``as_of`` reads each
as it was recorded at that instant (``ArsplanStore.get_as_of``). The statuses are the
domain's (``domain.kommun``). docs/kommun.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from domain.arsplan import Arsplan, CycleSchedule
from domain.calendar import LocalInstant, end_of_day, local_date
from domain.cycle import Cycle
from domain.ids import cycle_id, kommun_steg_id, organisation_id
from domain.kommun import (
    BESLUT_LABELS,
    STEP_LABELS,
    UNDERLAG_LABELS,
    KommunSteg,
    KommunStep,
    arrival_status,
    cycle_title,
    kommun_steps,
    step_status,
)
from infrastructure.eventstore import ArsplanStore


class NamndRow(BaseModel):
    namnd_code: str
    namnd_name: str
    cycle_id: str
    title: str
    opened: bool
    underlag_date: date
    underlag_deadline: LocalInstant
    underlag_sent_at: LocalInstant | None
    underlag_status: str  # domain.kommun: i_tid, for_sent, saknas_forsenad, ej_forfallen
    underlag_status_text: str
    beslut_date: date
    beslut_recorded_at: LocalInstant | None
    beslut: str | None
    beslut_paragraph: str | None
    beslut_status: str
    beslut_status_text: str


class StepRow(BaseModel):
    milestone_id: str
    step: str
    responsible: str  # KS or KF
    start: date
    end: date
    deadline: LocalInstant
    status: str  # i_tid, for_sent, saknas_forsenad, kommande
    status_text: str
    done_on: date | None
    reference: str | None


class ProcessOverview(BaseModel):
    process: str
    year: int
    title: str
    namnder: list[NamndRow]
    steps: list[StepRow]


class KommunOverview(BaseModel):
    year: int
    now: LocalInstant  # the instant the statuses are judged at (``as_of`` when given)
    as_of: LocalInstant | None
    processes: list[ProcessOverview]


def kommun_overview(app: ArsplanStore, year: int, as_of: datetime | None = None
                    ) -> KommunOverview:
    """Every nämnd's cycles of ``year`` and the kommun steps concerning it, as recorded at
    ``as_of`` (now when None). Unfiltered: the API keeps the rows the reader may read."""
    if as_of is not None and as_of.tzinfo is None:
        raise ValueError("as_of must carry a time zone")
    now = as_of or app.clock()
    plans = [p for p in (app.get_as_of(i, Arsplan, as_of) for i in app.arsplan_ids())
             if p is not None]
    groups: dict[str, ProcessOverview] = {}
    planned = [(plan.namnd_code, s) for plan in plans for s in plan.schedules()
               if s.year == year]
    seen = {cycle_id(code, s.process, s.year) for code, s in planned}
    for cid in app.originator_ids(Cycle.Opened):
        cycle = app.get_as_of(cid, Cycle, as_of) if cid not in seen else None
        if cycle is not None and cycle.year == year:  # opened by hand, in no plan
            seen.add(cid)
            days = {level: local_date(at) for level, at in cycle.deadlines.items()}
            planned.append((cycle.namnd_code, CycleSchedule(
                cycle.process, cycle.year, cycle.title, days["enhet"], days["enhet"],
                days["avdelning"], days["forvaltning"], cycle.underlag_date,
                cycle.beslut_date)))
    for code, schedule in planned:
        row = _namnd_row(app, code, schedule, now, as_of)
        _group(groups, schedule.process, year, schedule.title).namnder.append(row)
    steps = kommun_steps(m for p in plans for m in p.milestones.values())
    for step in sorted(steps.values(), key=lambda s: (s.end, s.milestone_id)):
        if step.year == year:
            group = _group(groups, step.cycle_process, year, None)
            group.steps.append(_step_row(app, step, now, as_of))
    ordered = sorted(groups.values(), key=_first_deadline)
    return KommunOverview(year=year, now=now, as_of=as_of, processes=ordered)


def _group(groups: dict[str, ProcessOverview], process: str, year: int,
           title: str | None) -> ProcessOverview:
    if process not in groups:
        groups[process] = ProcessOverview(process=process, year=year,
                                          title=title or cycle_title(process, year),
                                          namnder=[], steps=[])
    elif title:
        groups[process].title = title  # a nämnd's plan names it
    return groups[process]


def _first_deadline(group: ProcessOverview) -> tuple[date, str]:
    days = [r.underlag_date for r in group.namnder] + [s.end for s in group.steps]
    return min(days), group.process


def _namnd_row(app: ArsplanStore, code: str, planned: CycleSchedule, now: datetime,
               as_of: datetime | None) -> NamndRow:
    cid = cycle_id(code, planned.process, planned.year)
    cycle = app.get_as_of(cid, Cycle, as_of)
    underlag_date = cycle.underlag_date if cycle else planned.underlag_date
    beslut_date = cycle.beslut_date if cycle else planned.beslut_date
    sent: Any = None
    decided: Any = None
    if cycle is not None:
        for event in app.aggregate_events(cid):
            if as_of is not None and event.timestamp > as_of:
                break
            if isinstance(event, Cycle.UnderlagSent) and sent is None:
                sent = event
            elif isinstance(event, Cycle.BeslutRecorded):
                decided = event
    sent_at = sent.occurred_at if sent else None
    decided_at = decided.occurred_at if decided else None
    underlag = arrival_status(sent_at, underlag_date, now)
    beslut = arrival_status(decided_at, beslut_date, now)
    org_id = organisation_id(code)
    name = app.organisation(code).name if app.exists(org_id) else code
    return NamndRow(
        namnd_code=code, namnd_name=name, cycle_id=str(cid),
        title=cycle.title if cycle else planned.title, opened=cycle is not None,
        underlag_date=underlag_date, underlag_deadline=end_of_day(underlag_date),
        underlag_sent_at=sent_at, underlag_status=underlag,
        underlag_status_text=UNDERLAG_LABELS[underlag], beslut_date=beslut_date,
        beslut_recorded_at=decided_at, beslut=decided.beslut if decided else None,
        beslut_paragraph=decided.paragraph if decided else None, beslut_status=beslut,
        beslut_status_text=BESLUT_LABELS[beslut])


def _step_row(app: ArsplanStore, step: KommunStep, now: datetime,
              as_of: datetime | None) -> StepRow:
    done = app.get_as_of(kommun_steg_id(step.year, step.milestone_id), KommunSteg, as_of)
    done_on = done.done_on if done else None
    status = step_status(done_on, step, now)
    return StepRow(milestone_id=step.milestone_id, step=step.step,
                   responsible=step.responsible, start=step.start, end=step.end,
                   deadline=step.deadline, status=status, status_text=STEP_LABELS[status],
                   done_on=done_on, reference=done.reference if done else None)
