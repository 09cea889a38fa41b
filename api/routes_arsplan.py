"""POST endpoint for changing the årsplan itself: moving a milestone with a reason.

Same shape as the other commands (api/routes_commands.py): the caller is the token's
person, the domain decides whether they may, refusals are problem+json.
"""

from fastapi import APIRouter, Depends

from api.auth import Principal, application, current_principal
from api.routes_commands import CommandAccepted, execute
from domain import commands as c
from domain.application import Arsplaner

router = APIRouter(prefix="/api/commands", tags=["kommandon"])


@router.post("/move-milestone", response_model=CommandAccepted, name="command_move-milestone",
             summary="Flytta en milstolpe i årsplanen med motivering (före cykelns öppning)")
def move_milestone(command: c.MoveMilestone, who: Principal = Depends(current_principal),
                   app: Arsplaner = Depends(application)) -> CommandAccepted:
    return execute(app, command, who)
