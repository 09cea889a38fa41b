"""Delegation and sammanträden over HTTP: commands, the register, the anmälningslista.

Commands go through the application as the bearer token's person; refusals are domain
errors that the app renders as problem+json (a verkställighet row, for instance, is
refused with rule ``verkstallighet_ar_inte_delegation``).
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel

from api.auth import Principal, application, current_principal, read_side
from api.params import IsoDate, IsoInstant
from api.read_side import ReadSide
from domain import delegation_commands as dc
from domain.application import Arsplaner, CommandResult
from domain.commands import Command
from domain.errors import NotFoundError
from infrastructure.logging import get_logger
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(prefix="/api", tags=["delegation och sammanträden"])


class Accepted(BaseModel):
    aggregate_id: UUID
    version: int
    duplicate: bool
    command_id: str


Handler = Callable[[Arsplaner], Callable[[Any, str], CommandResult]]
COMMANDS: dict[str, tuple[type[Command], Handler]] = {
    "delegation/beslut": (dc.RecordDelegationsbeslut, lambda a: a.record_delegationsbeslut),
    "delegation/jav": (dc.DeclareJav, lambda a: a.declare_jav),
    "delegation/aterlamna": (dc.HandBackMatter, lambda a: a.hand_back_matter),
    "delegation/aterkalla": (dc.RevokeDelegation, lambda a: a.revoke_delegation),
    "delegation/anslag": (dc.AnslaDelegationsbeslut, lambda a: a.anslaa_delegationsbeslut),
    "delegation/overklagande": (dc.RegisterOverklagande, lambda a: a.register_overklagande),
    "meetings": (dc.ScheduleMeeting, lambda a: a.schedule_meeting),
    "meetings/arende": (dc.AddArende, lambda a: a.add_arende),
    "meetings/justerare": (dc.DesignateJusterare, lambda a: a.designate_justerare),
    "meetings/protokoll": (dc.OpenProtokoll, lambda a: a.open_protokoll),
    "meetings/beslut": (dc.RecordArendeBeslut, lambda a: a.record_arende_beslut),
    "meetings/justera": (dc.Justera, lambda a: a.justera_protokoll),
}


def _endpoint(model: type[Command], handler: Handler) -> Callable[..., Accepted]:
    def endpoint(command: model,  # type: ignore[valid-type]
                 who: Principal = Depends(current_principal),
                 app: Arsplaner = Depends(application)) -> Accepted:
        cmd: Command = command
        if cmd.occurred_at is not None:
            raise RequestValidationError([{
                "loc": ("body", "occurred_at"), "type": "value_error",
                "msg": "occurred_at sätts av servern och får inte anges"}])
        result = handler(app)(cmd, who.person_id)
        get_logger(command=model.__name__, command_id=cmd.command_id,
                   person_id=who.person_id, aggregate_id=str(result.aggregate_id)
                   ).info("command_executed", duplicate=result.duplicate)
        return Accepted(aggregate_id=result.aggregate_id, version=result.version,
                        duplicate=result.duplicate, command_id=cmd.command_id)
    return endpoint


for _path, (_model, _handler) in COMMANDS.items():
    router.add_api_route(f"/{_path}", _endpoint(_model, _handler), methods=["POST"],
                         response_model=Accepted, status_code=200,
                         name=f"command_{_model.__name__}")


@router.get("/delegation/register", response_model=list[dq.RegisterEntry])
def register(request: Request, row_nr: str | None = None, delegat_role: str | None = None,
             person_id: str | None = None, decided_from: IsoDate | None = None,
             decided_to: IsoDate | None = None, anmald: bool | None = None,
             laga_kraft: bool | None = None, as_of: IsoInstant | None = None,
             _: Principal = Depends(current_principal), app: Arsplaner = Depends(application),
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
