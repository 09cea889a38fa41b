"""The årsplan's year view (`/arsplan`): the stored plan's processes and milestones, kommun and
förvaltning level, planning and follow-up, on a timeline with today marked.

The plan is read from the event store (the Arsplan aggregate, moved milestones included),
never from its data file; the cycle page's "open from the plan" form reads it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.auth import Principal, event_store
from api.dashboard_base import render, viewer
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from domain.arsplan import Arsplan, CycleSchedule, Milestone
from domain.ids import cycle_id
from domain.read_policy import ReadSubject
from infrastructure.eventstore import ArsplanStore

router = APIRouter(include_in_schema=False)

LEVEL_LABELS = {"kommun": "Kommunen", "forvaltning": "Förvaltningen"}
PROCESS_LABELS = {"budget": "Budget", "arsredovisning": "Årsredovisning",
                  "delarsbokslut": "Delårsbokslut", "arsbokslut": "Årsbokslut",
                  "fordjupad_manadsuppfoljning": "Fördjupad månadsuppföljning",
                  "manadsuppfoljning": "Månadsuppföljning"}
# The kommun's table marks planning rows apart from follow-up (seed 000 l.3523); the plan
# files name the planning process "budget".
PLANNING_PROCESSES = frozenset({"budget"})


def process_label(process: str) -> str:
    return PROCESS_LABELS.get(process, process.replace("_", " ").capitalize())


def plan_ids(app: ArsplanStore) -> Iterator[UUID]:
    """Every stored årsplan, in the order adopted."""
    topic = get_topic(Arsplan.Adopted)
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, 500, topics=[topic])
        for n in batch:
            yield UUID(str(n.originator_id))
        if len(batch) < 500:
            return
        start = batch[-1].id + 1


def stored_plans(app: ArsplanStore, namnd_code: str) -> list[Arsplan]:
    plans = (app.get(pid, Arsplan) for pid in plan_ids(app))
    return [p for p in plans if p.namnd_code == namnd_code]


@dataclass(frozen=True)
class Row:
    """One line of the year view: a milestone, or today's marker in date order."""

    start: date
    end: date
    milestone: Milestone | None  # None: today
    when: str  # "passerad", "pågår", "kommande", "idag"


def year_rows(milestones: list[Milestone], today: date) -> list[Row]:
    rows = [Row(m.start, m.end, m, _when(m, today))
            for m in sorted(milestones, key=lambda m: (m.start, m.end, m.milestone_id))]
    at = next((i for i, r in enumerate(rows) if r.start > today), len(rows))
    rows.insert(at, Row(today, today, None, "idag"))
    return rows


def _when(m: Milestone, today: date) -> str:
    if m.end < today:
        return "passerad"
    return "pågår" if m.start <= today else "kommande"


# The inline timeline: one lane per level and process, x by date.
WIDTH, LEFT, LANE = 960, 230, 26


@dataclass(frozen=True)
class Lane:
    label: str
    y: int
    marks: list[dict[str, Any]]


def timeline(milestones: list[Milestone], today: date) -> dict[str, Any]:
    first = min(m.start for m in milestones)
    last = max(m.end for m in milestones)
    span = max((last - first).days, 1)

    def x(d: date) -> float:
        return round(LEFT + (WIDTH - LEFT - 10) * (d - first).days / span, 1)

    keys = sorted({(m.level, m.process) for m in milestones},
                  key=lambda k: (list(LEVEL_LABELS).index(k[0]) if k[0] in LEVEL_LABELS else 9,
                                 k[1]))
    lanes = []
    for i, (level, process) in enumerate(keys):
        marks = [{"x": x(m.start), "w": max(x(m.end) - x(m.start), 4), "step": m.step,
                  "dates": _dates(m), "planning": m.process in PLANNING_PROCESSES}
                 for m in milestones if (m.level, m.process) == (level, process)]
        lanes.append(Lane(f"{LEVEL_LABELS.get(level, level)}: {process_label(process)}",
                          30 + i * LANE, marks))
    months = []
    d = date(first.year, first.month, 1)
    while d <= last:
        if d >= first:
            months.append({"x": x(d), "label": f"{d:%Y-%m}" if d.month == 1 else f"{d.month:02}"})
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    inside = first <= today <= last
    return {"width": WIDTH, "height": 40 + len(lanes) * LANE, "lanes": lanes,
            "months": months, "today_x": x(today) if inside else None, "left": LEFT,
            "first": first, "last": last}


def _dates(m: Milestone) -> str:
    return m.start.isoformat() if m.start == m.end else f"{m.start}–{m.end}"


@dataclass(frozen=True)
class PlannedRow:
    schedule: CycleSchedule
    cycle_id: UUID
    opened: bool


@router.get("/arsplan")
@read_policy(ReadPolicy.MEMBER)
def year_view(request: Request, plan: str | None = None, who: Principal = Depends(viewer),
              sees: Reader = Depends(page_reader),
              app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    """``plan``: the label of one of the nämnd's stored plans (default: the one covering
    today, else the latest)."""
    code = request.app.state.namnd_code
    sees.require(ReadSubject("Arsplan", code))
    today = app.today()
    plans = stored_plans(app, code)
    chosen = _choose(plans, plan, today)
    context: dict[str, Any] = {"plans": plans, "plan": chosen, "today": today}
    if chosen is not None and chosen.milestones:
        milestones = list(chosen.milestones.values())
        context["levels"] = {
            label: year_rows([m for m in milestones if m.level == level], today)
            for level, label in LEVEL_LABELS.items()}
        context["timeline"] = timeline(milestones, today)
        context["planned"] = [
            PlannedRow(s, cid, app.exists(cid)) for s in chosen.schedules()
            for cid in [cycle_id(code, s.process, s.year)]]
    return render(request, "arsplan.html", who, process_label=process_label,
                  planning=PLANNING_PROCESSES, **context)


def _choose(plans: list[Arsplan], label: str | None, today: date) -> Arsplan | None:
    if label:
        return next((p for p in plans if p.label == label), None)
    covering = [p for p in plans if p.milestones and
                min(m.start for m in p.milestones.values()) <= today
                <= max(m.end for m in p.milestones.values())]
    found = covering or plans
    return found[-1] if found else None
