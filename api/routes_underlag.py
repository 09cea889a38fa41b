"""The förvaltning's underlag for a cycle (reporting.compile), on the dashboard and as .docx."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from api.auth import Principal, event_store
from api.dashboard_base import instant, render, viewer
from api.params import IsoInstant
from api.read_access import Reader, ReadPolicy, page_reader, read_policy, reader
from domain.cycle import Cycle
from domain.read_policy import UNDERLAG
from infrastructure.eventstore import ArsplanStore
from reporting.compile import compile_underlag, underlag_html

router = APIRouter()


@router.get("/cykler/{cycle_id}/underlag", include_in_schema=False)
@read_policy(ReadPolicy.UNDERLAG)
def underlag_page(request: Request, cycle_id: UUID, as_of: datetime | None = Depends(instant),
                  who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                  app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    cycle = app.get(cycle_id, Cycle)
    sees.require_aggregate(cycle_id, UNDERLAG)
    # R's renderer escapes every value; the fragment is embedded as it is.
    fragment = Markup(underlag_html(app, cycle_id, as_of))
    return render(request, "underlag.html", who, cycle=cycle, fragment=fragment, as_of=as_of)


@router.get("/api/cycles/{cycle_id}/underlag.docx", tags=["läsmodeller"],
            response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument"
                                         ".wordprocessingml.document": {}}}})
@read_policy(ReadPolicy.UNDERLAG)
def underlag_docx(cycle_id: UUID, as_of: IsoInstant | None = None,
                  who: Reader = Depends(reader),
                  app: ArsplanStore = Depends(event_store)) -> Response:
    """The underlag as compiled from the godkända reports (as of an instant: as it was),
    for whoever reads every unit of the cycle."""
    app.get(cycle_id, Cycle)  # 404 for an unknown cycle
    who.require_aggregate(cycle_id, UNDERLAG)
    document = compile_underlag(app, cycle_id, as_of)
    return Response(document.content, media_type=document.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{document.filename}"'})
