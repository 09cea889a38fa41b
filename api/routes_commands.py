"""POST /api/commands/<name>: every person's command, one endpoint factory, one answer.

The caller is the bearer token's person; whether they may is the domain's decision.
``occurred_at`` is set by the server: a client may not backdate a command into a
period when it held a role it no longer holds. Earlier paths (``godkann``, the
``/api/delegation/…`` and ``/api/meetings/…`` commands) still answer, marked deprecated.
"""

# No `from __future__ import annotations` here: FastAPI reads each endpoint's body model
# from its annotation, which must be the class itself, not a string.
from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from api.auth import Principal, command_bus, current_principal
from application.bus import CommandBus
from domain import commands as c
from domain import delegation_commands as dc
from domain import kommun_commands as kc
from infrastructure.logging import get_logger

router = APIRouter(tags=["kommandon"])


class CommandAccepted(BaseModel):
    aggregate_id: UUID
    version: int
    duplicate: bool
    command_id: str


def execute(bus: CommandBus, command: c.Command, who: Principal) -> CommandAccepted:
    if command.occurred_at is not None:
        raise RequestValidationError([{
            "loc": ("body", "occurred_at"), "type": "value_error",
            "msg": "occurred_at sätts av servern och får inte anges"}])
    ids = {name: str(getattr(command, name)) for name in ("report_id", "cycle_id", "meeting_id",
                                                          "beslut_id")
           if hasattr(command, name)}
    log = get_logger(command=type(command).__name__, command_id=command.command_id,
                     person_id=who.person_id, **ids)
    result = bus.execute(command, who.person_id)
    log.info("command_executed", aggregate_id=str(result.aggregate_id), version=result.version,
             duplicate=result.duplicate)
    return CommandAccepted(aggregate_id=result.aggregate_id, version=result.version,
                           duplicate=result.duplicate, command_id=command.command_id)


def _endpoint(model: type[c.Command]) -> Callable[..., CommandAccepted]:
    def endpoint(command: model,  # type: ignore[valid-type]
                 who: Principal = Depends(current_principal),
                 bus: CommandBus = Depends(command_bus)) -> CommandAccepted:
        return execute(bus, command, who)
    return endpoint


# name → (command, summary, earlier paths that still answer)
COMMANDS: dict[str, tuple[type[c.Command], str, tuple[str, ...]]] = {
    "klarmarkera": (c.Klarmarkera, "Klarmarkera en rapport (enhetens chef eller ersättare)", ()),
    "attestera": (c.Attestera, "Attestera en klarmarkerad rapport (överordnad chef)",
                  ("/api/commands/godkann",)),
    "atersand": (c.Atersand, "Återsända en rapport med motivering", ()),
    "reopen": (c.Reopen, "Öppna en klarmarkerad rapport igen med motivering", ()),
    "change-item": (c.ChangeItem, "Ändra ett fält i en rapportpunkt", ()),
    "move-report-deadline": (c.MoveReportDeadline, "Flytta en rapports tidsgräns", ()),
    "record-indicator": (c.RecordIndicator, "Registrera ett nyckeltal (målvärde, utfall)", ()),
    "set-bedomning": (c.SetBedomning, "Bedöma måluppfyllelse (förslag eller motiverat val)",
                      ()),
    "record-ekonomi": (c.RecordEkonomi, "Registrera en ekonomitabell (drift, investeringar)",
                       ()),
    "open-cycle": (c.OpenCycle, "Öppna en cykel och alla enheters rapporter", ()),
    "move-cycle-deadline": (c.MoveCycleDeadline, "Flytta en nivås tidsgräns i en cykel", ()),
    "move-milestone": (c.MoveMilestone, "Flytta en milstolpe i årsplanen med motivering "
                       "(före cykelns öppning)", ()),
    "record-delegationsbeslut": (dc.RecordDelegationsbeslut, "Registrera ett delegationsbeslut",
                                 ("/api/delegation/beslut",)),
    "declare-jav": (dc.DeclareJav, "Anmäla jäv i ett ärende", ("/api/delegation/jav",)),
    "hand-back-matter": (dc.HandBackMatter, "Lämna tillbaka ett ärende till nämnden",
                         ("/api/delegation/aterlamna",)),
    "revoke-delegation": (dc.RevokeDelegation, "Återkalla en delegation (nämndens beslut)",
                          ("/api/delegation/aterkalla",)),
    "ansla-delegationsbeslut": (dc.AnslaDelegationsbeslut, "Anslå ett delegationsbeslut",
                                ("/api/delegation/anslag",)),
    "register-overklagande": (dc.RegisterOverklagande, "Registrera ett överklagande",
                              ("/api/delegation/overklagande",)),
    "schedule-meeting": (dc.ScheduleMeeting, "Planera ett sammanträde", ("/api/meetings",)),
    "add-arende": (dc.AddArende, "Lägga till ett ärende på ärendelistan",
                   ("/api/meetings/arende",)),
    "designate-justerare": (dc.DesignateJusterare, "Utse justerare",
                            ("/api/meetings/justerare",)),
    "open-protokoll": (dc.OpenProtokoll, "Upprätta protokollet (ärendena får §§)",
                       ("/api/meetings/protokoll",)),
    "record-arende-beslut": (dc.RecordArendeBeslut, "Protokollföra nämndens beslut i ett ärende",
                             ("/api/meetings/beslut",)),
    "justera": (dc.Justera, "Justera protokollet", ("/api/meetings/justera",)),
    "record-kommun-steg": (kc.RecordKommunSteg, "Registrera att ett steg för kommunen är klart "
                           "(KSAU:s dialog, KS:s eller KF:s beslut; kommunledningskontoret)", ()),
}

for _name, (_model, _summary, _earlier) in COMMANDS.items():
    router.add_api_route(f"/api/commands/{_name}", _endpoint(_model), methods=["POST"],
                         response_model=CommandAccepted, summary=_summary,
                         name=f"command_{_name}")
    for _path in _earlier:
        router.add_api_route(_path, _endpoint(_model), methods=["POST"],
                             response_model=CommandAccepted, summary=_summary, deprecated=True,
                             name=f"command_{_name}_{_path.strip('/').replace('/', '_')}")
