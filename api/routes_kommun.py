"""Kommunledningskontoret's view across förvaltningar: ``GET /api/kommun`` and the page
``/kommun``, where a KLK controller also records a kommun step (the API's command
``record-kommun-steg``, posted by the page's form).

Both show what the reader may read (``domain.read_policy``): an opened cycle's row to the
readers of its underlag, a planned cycle's row to the readers of the nämnd's årsplan, the
kommun steps to KLK. docs/kommun.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.auth import Principal, command_bus, event_store
from api.dashboard_base import instant, render, viewer
from api.dashboard_delegation_form import FormError, parse_date
from api.params import IsoInstant
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, page_reader, read_policy, reader
from api.routes_commands import execute
from application.bus import CommandBus
from domain.errors import DomainError
from domain.ids import organisation_id
from domain.kommun import KOMMUN_CODE
from domain.kommun_commands import RecordKommunSteg
from domain.read_policy import KOMMUN_STEP, UNDERLAG, ReadSubject
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from infrastructure.person_directory import person_names, with_names
from projections.kommun import KommunOverview, kommun_overview

router = APIRouter()
pages = APIRouter(include_in_schema=False)

Year = Annotated[int | None, Query(ge=2000, le=2100, description="År (standard: i år)")]
AsOf = Annotated[str | None, Query(description="Som det var registrerat vid en tidpunkt "
                                               "(ISO 8601, utan förskjutning svensk tid)")]


def visible(overview: KommunOverview, sees: Reader) -> KommunOverview:
    """The overview with only the rows the reader may read."""
    steps = sees.may(ReadSubject(KOMMUN_STEP, KOMMUN_CODE))
    processes = []
    for group in overview.processes:
        rows = [r for r in group.namnder if _may_read_row(sees, r.namnd_code, r.cycle_id,
                                                          r.opened)]
        if rows or (steps and group.steps):
            processes.append(group.model_copy(update={
                "namnder": rows, "steps": group.steps if steps else []}))
    return overview.model_copy(update={"processes": processes})


def _may_read_row(sees: Reader, namnd_code: str, cycle_id: str, opened: bool) -> bool:
    if opened:
        return sees.may_read_aggregate(UUID(cycle_id), UNDERLAG)
    return sees.may(ReadSubject("Arsplan", namnd_code))


def _overview(app: ArsplanStore, sees: Reader, year: int | None,
              as_of: datetime | None) -> KommunOverview:
    found = kommun_overview(app, year or app.today().year, as_of)
    return visible(found, sees)


@router.get("/api/kommun", response_model=KommunOverview, tags=["läsning"],
            summary="Kommunledningskontorets översikt: underlag, beslut och kommunens steg")
@read_policy(ReadPolicy.KOMMUN)
def api_overview(year: Year = None, as_of: IsoInstant | None = None,
                 sees: Reader = Depends(reader),
                 app: ArsplanStore = Depends(event_store)) -> KommunOverview:
    return _overview(app, sees, year, as_of)


@pages.get("/kommun")
@read_policy(ReadPolicy.KOMMUN)
def page(request: Request, year: Year = None, as_of: AsOf = None,
         who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
         app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    return _page(request, who, sees, app, year, instant(as_of))


def _page(request: Request, who: Principal, sees: Reader, app: ArsplanStore,
          year: int | None, as_of: datetime | None, status_code: int = 200,
          **context: object) -> HTMLResponse:
    overview = _overview(app, sees, year, as_of)
    records = sees.scope(KOMMUN_CODE).kommun_followup and as_of is None
    return render(request, "kommun.html", who, status_code, overview=overview,
                  records=records, command_id=str(uuid4()), **context)


FormText = Annotated[str, Form(max_length=200)]


def step_command(milestone_id: str, done_on: str, reference: str,
                 command_id: str) -> RecordKommunSteg:
    """The form's text as the API's command; FormError names the field."""
    if not milestone_id.strip():
        raise FormError("milestone_id", "Steg: välj ett steg")
    day = parse_date(done_on, "done_on", "Datum då steget blev klart")
    if day is None:
        raise FormError("done_on", "Datum då steget blev klart: fältet är tomt")
    try:
        return RecordKommunSteg(command_id=command_id or str(uuid4()),
                                milestone_id=milestone_id, done_on=day,
                                reference=reference.strip() or None)
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        raise FormError(name, f"{name}: {exc.errors()[0]['msg']}") from None


@pages.post("/kommun")
def record_step(request: Request, milestone_id: FormText = "", done_on: FormText = "",
                reference: FormText = "", command_id: FormText = "", year: FormText = "",
                who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                app: ArsplanStore = Depends(event_store),
                bus: CommandBus = Depends(command_bus)) -> Response:
    shown = int(year) if year.isdigit() else None
    filled = {"milestone_id": milestone_id, "done_on": done_on, "reference": reference}
    try:
        execute(bus, step_command(milestone_id, done_on, reference, command_id), who)
    except FormError as bad:
        return _page(request, who, sees, app, shown, None, 422, error=str(bad),
                     filled=filled, bad_field=bad.name)
    except DomainError as refused:
        get_logger(person_id=who.person_id).info("kommun_step_refused", rule=refused.rule,
                                                 milestone_id=milestone_id)
        known = app.exists(organisation_id(KOMMUN_CODE))
        message = with_names(str(refused), person_names(app, KOMMUN_CODE) if known else {})
        return _page(request, who, sees, app, shown, None, status_of(refused)[0],
                     error=f"{message} (regel {refused.rule})", filled=filled)
    suffix = f"?year={shown}" if shown else ""
    return RedirectResponse(f"/kommun{suffix}#{milestone_id}", status_code=303)
