"""Dashboard page for the delegation register (its read model), searchable and as-of:
the whole register for the nämnd's record readers, a delegat's own beslut. A delegat also
finds the delegationsbeslut form here (``api.dashboard_delegation_form``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import pagination as pages
from api import read_filters as only
from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import instant, render, viewer
from api.dashboard_delegation_form import (
    BeslutForm,
    FormError,
    beslut_form,
    form_view,
    named,
    ordning_of,
    parse_date,
    rows_in_force,
)
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from api.routes_commands import execute
from application.bus import CommandBus
from domain.delegation_rows import DELEGAT_ROLES
from domain.errors import DomainError
from domain.roles import ORIGINAL_DELEGATE, role_label
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from infrastructure.person_directory import person_names
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(include_in_schema=False)

YES_NO = {"ja": True, "nej": False}


@dataclass(frozen=True)
class FilterForm:
    """The register's filter as the form sent it (text), and the filter it means."""

    row_nr: str = ""
    delegat_role: str = ""
    person_id: str = ""
    decided_from: str = ""
    decided_to: str = ""
    anmald: str = ""
    laga_kraft: str = ""

    def where(self) -> dq.RegisterFilter:
        return dq.RegisterFilter(
            row_nr=self.row_nr.strip() or None, delegat_role=self.delegat_role or None,
            person_id=self.person_id or None,
            decided_from=parse_date(self.decided_from, "decided_from", "Från"),
            decided_to=parse_date(self.decided_to, "decided_to", "Till"),
            anmald=YES_NO.get(self.anmald), laga_kraft=YES_NO.get(self.laga_kraft))


def _next_page(page: pages.PageRequest) -> str | None:
    """The next page's link as the API's Link header gives it, kept relative."""
    link = page.response.headers.get("Link")
    if not link:
        return None
    url = urlsplit(link[1:link.index(">")])
    return f"{url.path}?{url.query}"


def _page(request: Request, who: Principal, sees: Reader, app: ArsplanStore, reads: ReadSide,
          page: pages.PageRequest, filters: FilterForm, as_of: datetime | None = None,
          form: BeslutForm | None = None, status_code: int = 200,
          **extra: object) -> HTMLResponse:
    code = request.app.state.namnd_code
    entries: list[dq.RegisterEntry] = []
    error = extra.pop("error", None)
    try:
        where = filters.where()
    except FormError as bad:
        where, error, status_code = dq.RegisterFilter(), str(bad), 422
    else:
        if as_of is not None:
            entries = dq.search_register_as_of(app, as_of, code, where)
        else:
            entries = dq.search_register(reads.view(DelegationRegisterProjection), code, where)
        entries = pages.page_in_sort_order(only.register(sees, entries), page, "register",
                                           _register_order)
    return render(
        request, "delegationer.html", who, status_code=status_code, entries=entries,
        filters=filters, as_of=as_of, error=error, next_page=_next_page(page),
        beslut_form=None if as_of else form_view(app, reads, code, who.person_id, form),
        filter_rows=[r.nr for r in rows_in_force(ordning_of(app, code), app.today())],
        filter_roles=sorted(((r, role_label(r)) for r in DELEGAT_ROLES
                             if r != ORIGINAL_DELEGATE), key=lambda p: p[1]),
        filter_people=sorted(person_names(app, code).items(), key=lambda p: p[1]), **extra)


def _register_order(e: dq.RegisterEntry) -> tuple[str, str, str]:
    # search_register's order, as the API's pages cut it.
    return e.decided_on.isoformat(), e.row_nr, e.beslut_id


@router.get("/delegationer")
@read_policy(ReadPolicy.NAMND_RECORD)
def register(request: Request, row_nr: str = "", delegat_role: str = "", person_id: str = "",
             decided_from: str = "", decided_to: str = "", anmald: str = "",
             laga_kraft: str = "", registrerat: str = "",
             as_of: datetime | None = Depends(instant),
             page: pages.PageRequest = Depends(pages.page_request),
             who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
             app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    filters = FilterForm(row_nr, delegat_role, person_id, decided_from, decided_to, anmald,
                         laga_kraft)
    return _page(request, who, sees, app, reads, page, filters, as_of,
                 registrerat=bool(registrerat))


@router.post("/delegationer/beslut")
def record(request: Request, form: BeslutForm = Depends(beslut_form),
           who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
           app: ArsplanStore = Depends(event_store), bus: CommandBus = Depends(command_bus),
           reads: ReadSide = Depends(read_side)) -> Response:
    """The form's command through the API's own path; a refusal comes back on the page
    with the form as it was filled in, a recorded beslut as a redirect (PRG)."""
    code = request.app.state.namnd_code
    page = pages.PageRequest(request, Response(), pages.DEFAULT_LIMIT, None)
    try:
        command = form.command(code)
    except FormError as bad:
        return _page(request, who, sees, app, reads, page, FilterForm(), form=form,
                     status_code=422, error=str(bad))
    try:
        result = execute(bus, command, who)
    except DomainError as refused:
        get_logger(person_id=who.person_id).info("dashboard_beslut_refused", rule=refused.rule)
        return _page(request, who, sees, app, reads, page, FilterForm(), form=form,
                     status_code=status_of(refused)[0],
                     error=named(str(refused), person_names(app, code)))
    return RedirectResponse(f"/delegationer?registrerat={result.aggregate_id}",
                            status_code=303)
