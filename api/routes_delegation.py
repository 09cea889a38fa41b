"""Delegation and sammanträden over HTTP: the register and the anmälningslista.

Their commands are in api/routes_commands.py with every other command. The nämnd's record
is read by its members and secretary, the förvaltningschef and the revisor; a delegat
finds their own beslut in the register.
"""

from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from api import pagination as pages
from api import read_filters as only
from api.auth import event_store, read_side
from api.params import IsoDate, IsoInstant
from api.read_access import Reader, ReadPolicy, read_policy, reader
from api.read_side import ReadSide
from domain.errors import NotFoundError
from infrastructure.eventstore import ArsplanStore
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(prefix="/api", tags=["delegation och sammanträden"])


@router.get("/delegation/register", response_model=list[dq.RegisterEntry],
            responses=pages.NEXT_PAGE_LINK)
@read_policy(ReadPolicy.NAMND_RECORD)
def register(request: Request, row_nr: str | None = None, delegat_role: str | None = None,
             person_id: str | None = None, decided_from: IsoDate | None = None,
             decided_to: IsoDate | None = None, anmald: bool | None = None,
             laga_kraft: bool | None = None, as_of: IsoInstant | None = None,
             page: pages.PageRequest = Depends(pages.page_request),
             who: Reader = Depends(reader), app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> list[dq.RegisterEntry]:
    """The nämnd's delegationsbeslut the caller may read, by beslut date, row and id, in
    pages."""
    where = dq.RegisterFilter(row_nr=row_nr, delegat_role=delegat_role, person_id=person_id,
                              decided_from=decided_from, decided_to=decided_to, anmald=anmald,
                              laga_kraft=laga_kraft)
    namnd = request.app.state.namnd_code
    if as_of is not None:
        entries = dq.search_register_as_of(app, as_of, namnd, where)
    else:
        entries = dq.search_register(reads.view(DelegationRegisterProjection), namnd, where)
    return pages.page_in_sort_order(only.register(who, entries), page, "register",
                                    _register_order)


def _register_order(e: dq.RegisterEntry) -> tuple[str, str, str]:
    # search_register's order; ISO dates sort as the dates do.
    return e.decided_on.isoformat(), e.row_nr, e.beslut_id


def _lista(meeting_id: UUID, who: Reader, reads: ReadSide) -> dq.Anmalningslista:
    who.require_aggregate(meeting_id)
    try:
        return dq.anmalningslista(reads.view(DelegationRegisterProjection), str(meeting_id))
    except LookupError as exc:
        raise NotFoundError(str(exc)) from None


@router.get("/meetings/{meeting_id}/anmalningslista", response_model=dq.Anmalningslista)
@read_policy(ReadPolicy.NAMND_RECORD)
def anmalningslista(meeting_id: UUID, who: Reader = Depends(reader),
                    reads: ReadSide = Depends(read_side)) -> dq.Anmalningslista:
    return _lista(meeting_id, who, reads)


@router.get("/meetings/{meeting_id}/anmalningslista.csv", response_class=PlainTextResponse)
@read_policy(ReadPolicy.NAMND_RECORD)
def anmalningslista_csv(meeting_id: UUID, who: Reader = Depends(reader),
                        reads: ReadSide = Depends(read_side)) -> PlainTextResponse:
    lista = _lista(meeting_id, who, reads)
    return PlainTextResponse(
        dq.anmalningslista_csv(lista), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition":
                 f'attachment; filename="anmalan-delegationsbeslut-{lista.meeting_date}.csv"'})


@router.get("/meetings/{meeting_id}/anmalningslista.html", response_class=HTMLResponse)
@read_policy(ReadPolicy.NAMND_RECORD)
def anmalningslista_html(meeting_id: UUID, who: Reader = Depends(reader),
                         reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    return HTMLResponse(dq.anmalningslista_html(_lista(meeting_id, who, reads)))
