"""POST endpoints: one per domain command, each taking the command's pydantic model.

The caller is the bearer token's person; whether they may is the domain's decision.
``occurred_at`` is set by the server: a client may not backdate a command into a
period when it held a role it no longer holds.
"""

from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from api.auth import Principal, application, current_principal
from domain import commands as c
from domain.application import Arsplaner
from infrastructure.logging import get_logger

router = APIRouter(prefix="/api/commands", tags=["kommandon"])

class CommandAccepted(BaseModel):
    aggregate_id: UUID
    version: int
    duplicate: bool
    command_id: str


def execute(app: Arsplaner, command: c.Command, who: Principal) -> CommandAccepted:
    if command.occurred_at is not None:
        raise RequestValidationError([{
            "loc": ("body", "occurred_at"), "type": "value_error",
            "msg": "occurred_at sätts av servern och får inte anges"}])
    ids = {name: str(getattr(command, name)) for name in ("report_id", "cycle_id")
           if hasattr(command, name)}
    log = get_logger(command=type(command).__name__, command_id=command.command_id,
                     person_id=who.person_id, **ids)
    result = app.execute(command, who.person_id)
    log.info("command_executed", aggregate_id=str(result.aggregate_id), version=result.version,
             duplicate=result.duplicate)
    return CommandAccepted(aggregate_id=result.aggregate_id, version=result.version,
                           duplicate=result.duplicate, command_id=command.command_id)


def _endpoint(model: type[c.Command]) -> Callable[..., CommandAccepted]:
    def endpoint(command: model,  # type: ignore[valid-type]
                 who: Principal = Depends(current_principal),
                 app: Arsplaner = Depends(application)) -> CommandAccepted:
        return execute(app, command, who)
    return endpoint


COMMAND_PATHS: dict[str, tuple[type[c.Command], str]] = {
    "klarmarkera": (c.Klarmarkera, "Klarmarkera en rapport (enhetens chef eller ersättare)"),
    "godkann": (c.Godkann, "Attestera (godkänna) en klarmarkerad rapport"),
    "atersand": (c.Atersand, "Återsända en rapport med motivering"),
    "reopen": (c.Reopen, "Öppna en klarmarkerad rapport igen med motivering"),
    "change-item": (c.ChangeItem, "Ändra ett fält i en rapportpunkt"),
    "move-report-deadline": (c.MoveReportDeadline, "Flytta en rapports tidsgräns"),
    "record-indicator": (c.RecordIndicator, "Registrera ett nyckeltal (målvärde, utfall)"),
    "set-bedomning": (c.SetBedomning, "Bedöma måluppfyllelse (förslag eller motiverat val)"),
    "record-ekonomi": (c.RecordEkonomi, "Registrera en ekonomitabell (drift, investeringar)"),
    "open-cycle": (c.OpenCycle, "Öppna en cykel och alla enheters rapporter"),
    "move-cycle-deadline": (c.MoveCycleDeadline, "Flytta en nivås tidsgräns i en cykel"),
}

for _path, (_model, _summary) in COMMAND_PATHS.items():
    router.add_api_route(f"/{_path}", _endpoint(_model), methods=["POST"],
                         response_model=CommandAccepted, summary=_summary,
                         name=f"command_{_path}")
