"""Dashboard page for the delegation register (its read model), searchable and as-of:
the whole register for the nämnd's record readers, a delegat's own beslut."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import read_filters as only
from api.auth import Principal, event_store, read_side
from api.dashboard_base import NAV_LINKS, instant, render, viewer
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from infrastructure.eventstore import ArsplanStore
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(include_in_schema=False)
NAV_LINKS.append({"href": "/delegationer", "label": "Delegationer"})


@router.get("/delegationer")
@read_policy(ReadPolicy.NAMND_RECORD)
def register(request: Request, row_nr: str | None = None, person_id: str | None = None,
             decided_from: date | None = None, decided_to: date | None = None,
             as_of: datetime | None = Depends(instant), who: Principal = Depends(viewer),
             sees: Reader = Depends(page_reader), app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    where = dq.RegisterFilter(row_nr=row_nr or None, person_id=person_id or None,
                              decided_from=decided_from, decided_to=decided_to)
    code = request.app.state.namnd_code
    if as_of is not None:
        entries = dq.search_register_as_of(app, as_of, code, where)
    else:
        entries = dq.search_register(reads.view(DelegationRegisterProjection), code, where)
    return render(request, "delegationer.html", who, entries=only.register(sees, entries),
                  where=where, as_of=as_of)
