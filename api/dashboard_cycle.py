"""The controller's cycle pages: the cycles with "open from the årsplan", and one cycle as
the organisation's tree (förvaltning → avdelning → enhet) with progress per level, late and
escalated units, reminders, the burn-down (``reporting/burndown.py``), and the forms that
move a level's or a unit's deadline. The progress, the tree and the burn-down follow others'
work live (``api/dashboard_live.py``).

Rows follow the read policy (``read_filters.board``): an enhetschef sees her own part. A
form is shown only when its command would pass: the handler is run without saving, as
``dashboard_report.klarmarkera_refusal`` does for Klarmarkera.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api import aggregate_reads as rm
from api import read_filters as only
from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_arsplan import process_label, stored_plans
from api.dashboard_base import instant, render, viewer
from api.dashboard_live import log_position
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from application import cycles as cycle_handlers
from application import reports as report_handlers
from application.bus import CommandBus, refusal
from domain import commands as c
from domain.arsplan import CycleSchedule
from domain.calendar import STOCKHOLM, end_of_day, shown
from domain.cycle import Cycle
from domain.errors import DomainError, NotFoundError
from domain.ids import organisation_id
from domain.organisation import Organisation
from domain.read_policy import UNDERLAG
from domain.report_flow import GODKAND, KLARMARKERAD, STATUS_LABELS
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from projections import queries as q
from projections.board_coverage import LEVEL_ORDER
from projections.reporting import ReportingProjection
from reporting.burndown import Burndown, from_reports, render_svg
from reporting.burndown import table as burndown_table

router = APIRouter(include_in_schema=False)

Level = Literal["enhet", "avdelning", "forvaltning"]
LEVELS: tuple[Level, ...] = ("enhet", "avdelning", "forvaltning")
LEVEL_PLURALS = {"enhet": "Enheter", "avdelning": "Avdelningar", "forvaltning": "Förvaltningen"}
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
DRY_RUN_REASON = "provkörning utan att spara"


class FormError(Exception):
    """A form field that does not parse; the message names the field."""


def refused_text(exc: DomainError) -> str:
    return f"{exc} (regel: {exc.rule})"


# The tree

@dataclass
class Progress:
    total: int = 0
    klar: int = 0  # klarmarkerade, godkända included
    godkanda: int = 0

    def add(self, status: str) -> None:
        self.total += 1
        self.klar += status in (KLARMARKERAD, GODKAND)
        self.godkanda += status == GODKAND


@dataclass
class Node:
    unit_id: str
    name: str
    kind: str
    row: q.BoardRow | None  # None: outside the cycle, or not the reader's to see
    outside: bool
    children: list[Node] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


def cycle_tree(org: Organisation, view: q.CycleBoard, reads_unit: Callable[[str], bool]
               ) -> list[Node]:
    """The organisation's reporting units with the reader's rows; a unit outside the cycle
    is shown when the reader reads it, an ancestor whenever something below it is shown.
    Each node's progress counts the visible reports of its subtree, its own included."""
    rows = {r.unit_id: r for r in view.rows}
    outside = {u.unit_id for u in view.coverage.outside_cycle}
    units = {uid: u for uid, u in org.units.items() if u.kind in LEVEL_ORDER}
    shown = {uid for uid in units if uid in rows or (uid in outside and reads_unit(uid))}
    for uid in list(shown):
        parent = units[uid].parent_id
        while parent in units and parent not in shown:
            shown.add(parent)
            parent = units[parent].parent_id
    nodes = {uid: Node(uid, units[uid].name, units[uid].kind, rows.get(uid), uid in outside)
             for uid in shown}
    roots: list[Node] = []
    for uid in sorted(shown, key=lambda u: (LEVEL_ORDER[units[u].kind], units[u].name)):
        parent = units[uid].parent_id
        (nodes[parent].children if parent in nodes else roots).append(nodes[uid])
    for root in roots:
        _count(root)
    return roots


def _count(node: Node) -> Progress:
    if node.row is not None:
        node.progress.add(node.row.status)
    for child in node.children:
        below = _count(child)
        node.progress.total += below.total
        node.progress.klar += below.klar
        node.progress.godkanda += below.godkanda
    return node.progress


def level_progress(view: q.CycleBoard) -> dict[str, Progress]:
    found: dict[str, Progress] = {level: Progress() for level in LEVELS}
    for r in view.rows:
        if r.unit_kind in found:
            found[r.unit_kind].add(r.status)
    return found


# Pages

@router.get("/cykler")
@read_policy(ReadPolicy.UNITS)
def cycles(request: Request, as_of: datetime | None = Depends(instant),
           who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
           app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    return cycles_page(request, who, sees, app, as_of)


@dataclass(frozen=True)
class Planned:
    """A cycle the stored årsplan dates, as the open form offers it."""

    key: str  # label|process|year
    plan_label: str
    schedule: CycleSchedule
    past: list[str]  # the dates already passed, named
    refused: str | None


def planned_cycles(app: ArsplanStore, namnd_code: str, person_id: str) -> list[Planned]:
    today = app.today()
    found = []
    for plan in stored_plans(app, namnd_code):
        for s in plan.schedules():
            command = open_command(namnd_code, s)
            no = refusal(app, command, cycle_handlers.open_cycle, person_id)
            past = [f"{label} {d.isoformat()}" for label, d in (
                ("öppning", s.opens_on), ("enheter", s.enhet_deadline),
                ("avdelningar", s.avdelning_deadline), ("underlag", s.underlag_date),
                ("beslut", s.beslut_date)) if d < today]
            found.append(Planned(f"{plan.label}|{s.process}|{s.year}", plan.label, s, past,
                                 None if no is None else refused_text(no)))
    return found


def open_command(namnd_code: str, s: CycleSchedule, command_id: str | None = None
                 ) -> c.OpenCycle:
    return c.OpenCycle(
        command_id=command_id or c.new_command_id(), namnd_code=namnd_code,
        process=s.process, year=s.year, title=s.title, enhet_deadline=s.enhet_deadline,
        avdelning_deadline=s.avdelning_deadline, forvaltning_deadline=s.forvaltning_deadline,
        underlag_date=s.underlag_date, beslut_date=s.beslut_date)


def cycles_page(request: Request, who: Principal, sees: Reader, app: ArsplanStore,
                as_of: datetime | None = None, error: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    planned: list[Planned] = []
    if as_of is None:
        planned = planned_cycles(app, request.app.state.namnd_code, who.person_id)
    # Without the authority to open any cycle the section is not shown at all.
    may_open = any(p.refused is None for p in planned)
    return render(request, "cykler.html", who, status_code=status_code, as_of=as_of,
                  error=error, cycles=only.cycles(sees, rm.list_cycles(app, as_of)),
                  planned=planned if may_open else [], process_label=process_label,
                  new_command_id=c.new_command_id)


@router.post("/cykler/oppna")
def open_from_plan(request: Request, planned: Annotated[str, Form(max_length=200)],
                   command_id: Annotated[str, Form(min_length=1, max_length=200)],
                   who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                   app: ArsplanStore = Depends(event_store),
                   bus: CommandBus = Depends(command_bus)) -> Response:
    code = request.app.state.namnd_code
    log = get_logger(command="open_cycle", command_id=command_id, person_id=who.person_id)
    try:
        label, process, year = planned.rsplit("|", 2)
        plan = next((p for p in stored_plans(app, code) if p.label == label), None)
        if plan is None or not year.isdigit():
            raise NotFoundError(f"Årsplanen har ingen cykel {planned!r}",
                                rule="unknown_planned_cycle")
        result = bus.execute(open_command(code, plan.schedule_of(process, int(year)),
                                          command_id), who.person_id)
    except ValueError:
        return cycles_page(request, who, sees, app, status_code=422,
                           error="Cykel: välj en cykel ur årsplanen")
    except DomainError as exc:
        log.info("dashboard_command_refused", rule=exc.rule)
        return cycles_page(request, who, sees, app, error=refused_text(exc),
                           status_code=status_of(exc)[0])
    log.info("dashboard_command_executed")
    return RedirectResponse(f"/cykler/{result.aggregate_id}", status_code=303)


@router.get("/cykler/{cycle_id}")
@read_policy(ReadPolicy.UNITS)
def board(request: Request, cycle_id: UUID, as_of: datetime | None = Depends(instant),
          who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
          app: ArsplanStore = Depends(event_store),
          reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    return board_page(request, cycle_id, who, sees, app, reads, as_of)


def board_page(request: Request, cycle_id: UUID, who: Principal, sees: Reader,
               app: ArsplanStore, reads: ReadSide, as_of: datetime | None = None,
               error: str | None = None, status_code: int = 200) -> HTMLResponse:
    position = log_position(app)  # read first: the live stream goes on from here
    if as_of is not None:
        view = q.cycle_board_as_of(app, cycle_id, as_of)
    else:
        view = q.cycle_board(reads.view(ReportingProjection), cycle_id, app.clock())
    if view is None:
        raise NotFoundError(f"Cykeln {cycle_id} finns inte")
    view = only.board(sees, view)
    summary = rm.load(app, cycle_id, Cycle, as_of)
    org = rm.load(app, organisation_id(summary.namnd_code), Organisation, as_of)
    scope = sees.scope(summary.namnd_code)
    counts = {STATUS_LABELS[s]: n for s, n in view.counts.items() if n}
    # htmx asks for the live region again (api/dashboard_live.py): only that part, whose
    # template has no forms (so no dry runs for them).
    live_only = request.headers.get("hx-request") == "true" and error is None
    may_move_level = may_move_unit = False
    if as_of is None and not live_only:  # the past is not changed from its view
        may_move_level = refusal(app, c.MoveCycleDeadline(
            cycle_id=cycle_id, level="enhet", new_deadline=summary.deadlines["enhet"],
            reason=DRY_RUN_REASON), cycle_handlers.move_cycle_deadline, who.person_id) is None
        may_move_unit = bool(view.rows) and refusal(app, c.MoveReportDeadline(
            report_id=view.rows[0].report_id, new_deadline=view.rows[0].deadline,
            reason=DRY_RUN_REASON), report_handlers.move_report_deadline,
            who.person_id) is None
    chart = cycle_burndown(app, summary, view, as_of)
    return render(request, "_cycle_live.html" if live_only else "cykel.html", who,
                  status_code=status_code, error=error,
                  cycle=view, counts=counts, as_of=as_of, summary=summary,
                  burndown=chart, burndown_svg=render_svg(chart, "burndown-tabell"),
                  burndown_table=burndown_table(chart),
                  burndown_now=shown(as_of or app.clock()),
                  live_position=position,
                  underlag=sees.may_read_aggregate(cycle_id, UNDERLAG),
                  tree=cycle_tree(org, view, scope.reads_unit),
                  levels=level_progress(view), level_plurals=LEVEL_PLURALS,
                  may_move_level=may_move_level, may_move_unit=may_move_unit,
                  new_command_id=c.new_command_id)


def cycle_burndown(app: ArsplanStore, summary: Cycle, view: q.CycleBoard,
                   as_of: datetime | None) -> Burndown:
    """The visible reports' klarmarkeringar and godkännanden over time (as they were at
    ``as_of``) against the cycle's deadlines and its underlag and beslut days."""
    days = {"underlag": summary.underlag_date, "beslut": summary.beslut_date}
    deadlines = dict(summary.deadlines) | {
        name: datetime.combine(day, time(0), tzinfo=STOCKHOLM) for name, day in days.items()}
    return from_reports(app, [r.report_id for r in view.rows], summary.title,
                        summary.created_on, deadlines, as_of or app.clock())


def parse_day(text: str, field_label: str) -> date:
    """A date typed as ``ÅÅÅÅ-MM-DD`` (the format every locale shows the same)."""
    value = text.strip()
    try:
        if DATE_FORMAT.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise FormError(f"{field_label}: ange ett datum som ÅÅÅÅ-MM-DD, t.ex. 2026-12-18 "
                    f"(fick {value!r})")


@router.post("/cykler/{cycle_id}/tidsgrans")
def move_level_deadline(request: Request, cycle_id: UUID,
                        level: Annotated[Level, Form()],
                        new_deadline: Annotated[str, Form(max_length=40)],
                        command_id: Annotated[str, Form(min_length=1, max_length=200)],
                        reason: Annotated[str, Form(max_length=5000)] = "",
                        who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                        app: ArsplanStore = Depends(event_store),
                        bus: CommandBus = Depends(command_bus),
                        reads: ReadSide = Depends(read_side)) -> Response:
    label = f"Ny tidsgräns för {LEVEL_PLURALS.get(level, level).lower()}"

    def command() -> c.Command:
        return c.MoveCycleDeadline(
            cycle_id=cycle_id, level=level,
            new_deadline=end_of_day(parse_day(new_deadline, label)), reason=reason,
            command_id=command_id)
    return _execute(request, cycle_id, command, "move_cycle_deadline", who, sees, app, bus,
                    reads)


@router.post("/cykler/{cycle_id}/enhetens-tidsgrans")
def move_unit_deadline(request: Request, cycle_id: UUID,
                       report_id: Annotated[UUID, Form()],
                       new_deadline: Annotated[str, Form(max_length=40)],
                       command_id: Annotated[str, Form(min_length=1, max_length=200)],
                       reason: Annotated[str, Form(max_length=5000)] = "",
                       who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                       app: ArsplanStore = Depends(event_store),
                       bus: CommandBus = Depends(command_bus),
                       reads: ReadSide = Depends(read_side)) -> Response:
    report = app.get(report_id, UnitReport)
    if report.cycle_id != cycle_id:
        raise NotFoundError(f"Rapporten {report_id} hör inte till cykeln {cycle_id}")
    name = app.organisation(report.namnd_code).units[report.unit_id].name
    label = f"Ny tidsgräns för {name}"

    def command() -> c.Command:
        return c.MoveReportDeadline(
            report_id=report_id, new_deadline=end_of_day(parse_day(new_deadline, label)),
            reason=reason, command_id=command_id)
    return _execute(request, cycle_id, command, "move_report_deadline", who, sees, app, bus,
                    reads)


FIELD_LABELS = {"reason": "Motivering", "level": "Nivå", "new_deadline": "Ny tidsgräns"}


def _execute(request: Request, cycle_id: UUID, command: Callable[[], c.Command], name: str,
             who: Principal, sees: Reader, app: ArsplanStore, bus: CommandBus,
             reads: ReadSide) -> Response:
    """Runs the form's command as the signed-in person; back to the cycle (PRG), or the
    page again with the refusal naming the field or the domain's rule."""
    log = get_logger(command=name, person_id=who.person_id, cycle_id=str(cycle_id))

    def again(error: str, status: int) -> HTMLResponse:
        return board_page(request, cycle_id, who, sees, app, reads, error=error,
                          status_code=status)
    try:
        bus.execute(command(), who.person_id)
    except FormError as bad:
        return again(str(bad), 422)
    except ValidationError as bad:
        fields = sorted({FIELD_LABELS.get(str(e["loc"][0]), str(e["loc"][0]))
                         for e in bad.errors() if e["loc"]})
        return again(f"Ogiltigt eller saknat fält: {', '.join(fields)}"
                     + (" (en motivering krävs)" if "Motivering" in fields else ""), 422)
    except DomainError as exc:
        log.info("dashboard_command_refused", rule=exc.rule)
        return again(refused_text(exc), status_of(exc)[0])
    log.info("dashboard_command_executed")
    return RedirectResponse(f"/cykler/{cycle_id}", status_code=303)
