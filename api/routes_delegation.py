"""Delegation and sammanträden over HTTP: the register and the anmälningslista.

Their commands are in api/routes_commands.py with every other command.
"""

from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from api.auth import Principal, current_principal, event_store, read_side
from api.params import IsoDate, IsoInstant
from api.read_side import ReadSide
from domain.errors import NotFoundError
from infrastructure.eventstore import ArsplanStore
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(prefix="/api", tags=["delegation och sammanträden"])


@router.get("/delegation/register", response_model=list[dq.RegisterEntry])
def register(request: Request, row_nr: str | None = None, delegat_role: str | None = None,
             person_id: str | None = None, decided_from: IsoDate | None = None,
             decided_to: IsoDate | None = None, anmald: bool | None = None,
             laga_kraft: bool | None = None, as_of: IsoInstant | None = None,
             _: Principal = Depends(current_principal), app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> list[dq.RegisterEntry]:
    where = dq.RegisterFilter(row_nr=row_nr, delegat_role=delegat_role, person_id=person_id,
                              decided_from=decided_from, decided_to=decided_to, anmald=anmald,
                              laga_kraft=laga_kraft)
    namnd = request.app.state.namnd_code
    if as_of is not None:
        return dq.search_register_as_of(app, as_of, namnd, where)
    return dq.search_register(reads.view(DelegationRegisterProjection), namnd, where)


def _lista(meeting_id: UUID, reads: ReadSide) -> dq.Anmalningslista:
    try:
        return dq.anmalningslista(reads.view(DelegationRegisterProjection), str(meeting_id))
    except LookupError as exc:
        raise NotFoundError(str(exc)) from None


@router.get("/meetings/{meeting_id}/anmalningslista", response_model=dq.Anmalningslista)
def anmalningslista(meeting_id: UUID, _: Principal = Depends(current_principal),
                    reads: ReadSide = Depends(read_side)) -> dq.Anmalningslista:
    return _lista(meeting_id, reads)


@router.get("/meetings/{meeting_id}/anmalningslista.csv", response_class=PlainTextResponse)
def anmalningslista_csv(meeting_id: UUID, _: Principal = Depends(current_principal),
                        reads: ReadSide = Depends(read_side)) -> PlainTextResponse:
    lista = _lista(meeting_id, reads)
    return PlainTextResponse(
        dq.anmalningslista_csv(lista), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition":
                 f'attachment; filename="anmalan-delegationsbeslut-{lista.meeting_date}.csv"'})


@router.get("/meetings/{meeting_id}/anmalningslista.html", response_class=HTMLResponse)
def anmalningslista_html(meeting_id: UUID, _: Principal = Depends(current_principal),
                         reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    return HTMLResponse(dq.anmalningslista_html(_lista(meeting_id, reads)))
