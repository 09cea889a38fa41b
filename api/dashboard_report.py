"""The report form: the enhetschef writes a report's items, field by field, and klarmarkerar.

Every field is its own small form that posts one command (``ChangeItem``, or
``SetBedomning`` with its motivering) with ``expected_version`` = the report version the
page showed. With htmx (``/static/htmx.min.js``) a field saves on change and the answer is
a partial that shows "Sparat" and moves every form on the page to the new version; without
JavaScript the same forms post and redirect back (PRG). A stale version shows what others
recorded since, with "Behåll min" (the same values on the new version) and "Ta deras".

What may be done is never decided here: the Klarmarkera button and the att-göra list ask
the handler itself in a dry run (``klarmarkera_refusal``), and the checklist's content
gaps come from the domain's own content rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import aggregate_reads as rm
from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import instant, render, viewer
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from application import reports
from application.bus import CommandBus, refusal
from domain import commands as c
from domain.authority import acting_as
from domain.content.assessment import Bedomning, suggest_bedomning
from domain.content.goals import GOAL_KINDS, decide_bedomning, indicators_of
from domain.errors import ConcurrencyConflictError, DomainError
from domain.report_guards import check_editable
from domain.report_items import ASSESSMENT_FIELDS, ITEM_FIELDS
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from projections import queries as q
from projections.audit_trail import AuditTrailProjection

router = APIRouter(include_in_schema=False)
# What another module adds to the report page: a function of (store, report, person id,
# as_of) giving template context. The app lists them (``api/app.py`` REPORT_PAGE_PARTS),
# so this module need not import the modules that build on it (the attester's review).
PageContext = Callable[[ArsplanStore, UnitReport, str, datetime | None], dict[str, Any]]

# The text a chef is expected to write for each kind, named in the checklist when empty.
WRITTEN_FIELDS = {"mal": "analys", "arbetsmiljomal": "analys",
                  "kritisk_verksamhetsfaktor": "analys", "sammanfattning": "text",
                  # the fördjupad månadsuppföljning's and the planning process's items
                  "ekonomi": "prognos", "verksamhetsplan": "aktiviteter",
                  "internkontrollplan": "risk", "budget": "drift"}


@dataclass
class FormItem:
    item_id: str
    kind: str
    title: str
    values: dict[str, Any]
    fields: dict[str, tuple[str, ...] | None]  # written with ChangeItem: None = free text
    indicators: list[dict[str, Any]]
    suggestion: str | None = None  # goals: what the indicators suggest now


@dataclass
class Checklist:
    gaps: list[str] = field(default_factory=list)  # content still to write
    refusal: str | None = None  # the domain's reason klarmarkera would be refused now

    @property
    def may_klarmarkera(self) -> bool:
        return self.refusal is None


def klarmarkera_refusal(store: ArsplanStore, report_id: UUID, person_id: str
                        ) -> DomainError | None:
    """Runs the Klarmarkera handler without saving: the same authority (that day, ersättare
    included), status and sub-unit rules as the command, so the button cannot disagree."""
    return refusal(store, c.Klarmarkera(report_id=report_id), reports.klarmarkera, person_id)


def may_write(store: ArsplanStore, report: UnitReport, person_id: str) -> bool:
    """The owner's check every content command makes: chef of the unit today, report open."""
    try:
        acting_as(store.organisation(report.namnd_code), person_id, report.owner_role,
                  report.unit_id, store.clock())
        check_editable(report)
    except DomainError:
        return False
    return True


def form_items(report: UnitReport) -> list[FormItem]:
    items = []
    for item in report.items.values():
        assessed = ASSESSMENT_FIELDS.get(item.kind, ())
        recorded = report.indicators.get(item.item_id, {})
        items.append(FormItem(
            item.item_id, item.kind, item.title, dict(item.values),
            {f: allowed for f, allowed in ITEM_FIELDS[item.kind].items() if f not in assessed},
            list(recorded.values()),
            suggest_bedomning(indicators_of(recorded)).value if item.kind in GOAL_KINDS
            else None))
    return items


def content_gaps(report: UnitReport) -> list[str]:
    """What is still to write; a goal's bedömning is checked by the domain's own rule
    (``decide_bedomning``), since the suggestion moves when nyckeltal are recorded."""
    gaps = []
    for item in report.items.values():
        written = WRITTEN_FIELDS.get(item.kind)
        if written and not (item.values.get(written) or "").strip():
            gaps.append(f"{_named(item.title)}: {written.capitalize()} saknas")
        if item.kind not in GOAL_KINDS:
            continue
        bedomning = item.values.get("bedomning")
        if not bedomning:
            gaps.append(f"{_named(item.title)}: Bedömning saknas")
            continue
        try:
            decide_bedomning(bedomning, item.values.get("motivering"),
                             indicators_of(report.indicators.get(item.item_id, {})))
        except DomainError as gap:
            gaps.append(f"{_named(item.title)}: {gap}")
    return gaps


def _named(title: str) -> str:
    return title.rstrip(". ")


def checklist(store: ArsplanStore, report: UnitReport, person_id: str) -> Checklist:
    refused = klarmarkera_refusal(store, report.id, person_id)
    return Checklist(content_gaps(report), str(refused) if refused else None)


def _page(request: Request, report_id: UUID, as_of: datetime | None, who: Principal,
          app: ArsplanStore, reads: ReadSide, status_code: int = 200,
          **extra: Any) -> HTMLResponse:
    view = rm.report_view(app, report_id, as_of)
    aggregate = rm.load(app, report_id, UnitReport, as_of)
    if as_of is not None:
        events = q.audit_trail_as_of(app, as_of, aggregate_id=report_id)
    else:
        events = q.audit_trail(app, reads.view(AuditTrailProjection), aggregate_id=report_id)
    editable = as_of is None and may_write(app, aggregate, who.person_id)
    page_parts: list[PageContext] = getattr(request.app.state, "report_page_parts", [])
    parts = {k: v for part in page_parts
             for k, v in part(app, aggregate, who.person_id, as_of).items()}
    return render(request, "rapport.html", who, status_code=status_code, report=view,
                  report_id=report_id, items=form_items(aggregate), events=events,
                  as_of=as_of, editable=editable,
                  checklist=None if as_of else checklist(app, aggregate, who.person_id),
                  bedomningar=[b.value for b in Bedomning],
                  **parts, **extra)


@router.get("/rapporter/{report_id}")
@read_policy(ReadPolicy.UNITS)
def report_page(request: Request, report_id: UUID, as_of: datetime | None = Depends(instant),
                who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                app: ArsplanStore = Depends(event_store),
                reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    sees.require_aggregate(report_id)
    return _page(request, report_id, as_of, who, app, reads)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _save(request: Request, report_id: UUID, item_id: str, command: c.ReportCommand,
          sent: dict[str, str], who: Principal, app: ArsplanStore, bus: CommandBus,
          reads: ReadSide) -> Response:
    """Executes one field's command; answers htmx with a partial, a plain form with PRG."""
    log = get_logger(command=type(command).__name__, person_id=who.person_id,
                     report_id=str(report_id))
    try:
        result = bus.execute(command, who.person_id)
    except ConcurrencyConflictError:
        log.info("dashboard_save_conflict", expected=command.expected_version)
        return _conflict(request, report_id, item_id, command, sent, who, app, reads)
    except DomainError as refused:
        log.info("dashboard_save_refused", rule=refused.rule)
        return _refused(request, report_id, str(refused), status_of(refused)[0], who, app,
                        reads)
    log.info("dashboard_save_executed")
    if not _is_htmx(request):
        return RedirectResponse(f"/rapporter/{report_id}#punkt-{item_id}", status_code=303)
    report = app.get(report_id, UnitReport)
    # The goal's suggested bedömning moves with its nyckeltal: the partial swaps it too.
    item = next((i for i in form_items(report) if i.item_id == item_id), None)
    return render(request, "_report_saved.html", who, version=result.version,
                  report_id=report_id, checklist=checklist(app, report, who.person_id),
                  report=rm.report_view(app, report_id), item=item)


def _refused(request: Request, report_id: UUID, message: str, status: int, who: Principal,
             app: ArsplanStore, reads: ReadSide) -> Response:
    if _is_htmx(request):
        return render(request, "_report_refused.html", who, status_code=status,
                      message=message)
    return _page(request, report_id, None, who, app, reads, status_code=status, error=message)


def _conflict(request: Request, report_id: UUID, item_id: str, command: c.ReportCommand,
              sent: dict[str, str], who: Principal, app: ArsplanStore,
              reads: ReadSide) -> Response:
    """What was recorded after the version the page showed, and the two ways on."""
    seen = command.expected_version or 0
    changes = [e for e in q.audit_trail(app, reads.view(AuditTrailProjection),
                                        aggregate_id=report_id) if e.version > seen]
    report = app.get(report_id, UnitReport)
    current = report.version
    context = {"conflict": {"item_id": item_id, "seen": seen, "current": current,
                            "titles": {i.item_id: i.title for i in report.items.values()},
                            "changes": changes, "action": _action(command),
                            "sent": sent}}
    if _is_htmx(request):
        return render(request, "_report_conflict.html", who, status_code=409,
                      report_id=report_id, **context)
    return _page(request, report_id, None, who, app, reads, status_code=409,
                 error="Någon annan har ändrat rapporten sedan du öppnade den", **context)


def _action(command: c.ReportCommand) -> str:
    """The form route that posts ``command`` again for "Behåll min"."""
    if isinstance(command, c.SetBedomning):
        return "bedomning"
    return "nyckeltal" if isinstance(command, c.RecordIndicator) else "falt"


@router.post("/rapporter/{report_id}/falt")
def save_field(request: Request, report_id: UUID,
               item_id: Annotated[str, Form(min_length=1, max_length=100)],
               field_name: Annotated[str, Form(alias="field", min_length=1, max_length=50)],
               version: Annotated[int, Form(ge=1)],
               value: Annotated[str, Form(max_length=20_000)] = "",
               who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
               app: ArsplanStore = Depends(event_store),
               bus: CommandBus = Depends(command_bus),
               reads: ReadSide = Depends(read_side)) -> Response:
    """One item field (ChangeItem); an emptied field is recorded as no value."""
    sees.require_aggregate(report_id)
    command = c.ChangeItem(report_id=report_id, item_id=item_id, field=field_name,
                           value=value if value.strip() else None, expected_version=version)
    return _save(request, report_id, item_id, command,
                 {"item_id": item_id, "field": field_name, "value": value},
                 who, app, bus, reads)


@router.post("/rapporter/{report_id}/bedomning")
def save_bedomning(request: Request, report_id: UUID,
                   item_id: Annotated[str, Form(min_length=1, max_length=100)],
                   version: Annotated[int, Form(ge=1)],
                   bedomning: Annotated[str, Form(max_length=50)] = "",
                   motivering: Annotated[str, Form(max_length=20_000)] = "",
                   who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                   app: ArsplanStore = Depends(event_store),
                   bus: CommandBus = Depends(command_bus),
                   reads: ReadSide = Depends(read_side)) -> Response:
    """A goal's bedömning; a different one than suggested needs the motivering (domain)."""
    sees.require_aggregate(report_id)
    if not bedomning:
        return _refused(request, report_id, "Välj en bedömning", 422, who, app, reads)
    command = c.SetBedomning(report_id=report_id, item_id=item_id, bedomning=bedomning,
                             motivering=motivering if motivering.strip() else None,
                             expected_version=version)
    return _save(request, report_id, item_id, command,
                 {"item_id": item_id, "bedomning": bedomning, "motivering": motivering},
                 who, app, bus, reads)


@router.post("/rapporter/{report_id}/klarmarkera")
def klarmarkera(request: Request, report_id: UUID, version: Annotated[int, Form(ge=1)],
                who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                app: ArsplanStore = Depends(event_store),
                bus: CommandBus = Depends(command_bus),
                reads: ReadSide = Depends(read_side)) -> Response:
    sees.require_aggregate(report_id)
    try:
        bus.execute(c.Klarmarkera(report_id=report_id, expected_version=version),
                    who.person_id)
    except DomainError as refused:
        return _page(request, report_id, None, who, app, reads,
                     status_code=status_of(refused)[0], error=str(refused))
    return RedirectResponse(f"/rapporter/{report_id}", status_code=303)
