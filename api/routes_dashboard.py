"""The server-rendered dashboard (Swedish): sign-in, att-göra, revision (the cycle pages are
in ``api/dashboard_cycle.py``).

Buttons post the same domain commands as the API, as the person logged in by the
session cookie; the domain decides, and a refusal is shown on the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api import read_filters as only
from api.auth import (
    Principal,
    command_bus,
    event_store,
    principal_for,
    read_side,
    request_principal,
    session_principal,
)
from api.dashboard_audit import seal_check
from api.dashboard_base import instant, render, viewer
from api.dashboard_live import log_position
from api.dashboard_report import klarmarkera_refusal
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, integrity_of, page_reader, read_policy
from api.read_side import ReadSide
from api.sessions import end_session, start_session
from application.bus import CommandBus
from audit.seals import published_heads
from audit.verify import IncrementalVerifier
from domain import commands as c
from domain.errors import DomainError
from domain.roles import role_label
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from infrastructure.person_directory import person_names
from projections import queries as q
from projections.audit_trail import AuditTrailProjection
from projections.reminders import ReminderOutboxProjection
from projections.reporting import ReportingProjection
from projections.time_travel import as_of_view

router = APIRouter(include_in_schema=False)


@router.get("/")
@read_policy(ReadPolicy.PUBLIC)
def home(request: Request) -> RedirectResponse:
    target = "/att-gora" if request_principal(request) else "/logga-in"
    return RedirectResponse(target, status_code=303)


@router.get("/logga-in")
@read_policy(ReadPolicy.PUBLIC)
def login_page(request: Request, app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    if not request.app.state.dev_login:
        # Real tokens are secrets: ask for one instead of listing them.
        return render(request, "login.html", session_principal(request), people=[])
    org = app.organisation(request.app.state.namnd_code)
    on = app.today()
    token_of = {pid: tok for tok, pid in request.app.state.tokens.items()
                if tok != "dev-revisor"}
    people = []
    for pid, name in sorted(person_names(app, request.app.state.namnd_code).items(),
                            key=lambda p: p[1]):
        roles = [f"{role_label(a.role)} {org.units[a.unit_id].name}"
                 for a in org.roles_of(pid, on)]
        if pid in token_of:
            people.append({"person_id": pid, "name": name, "roles": roles,
                           "token": token_of[pid]})
    return render(request, "login.html", session_principal(request), people=people)


@router.post("/logga-in")
def login(request: Request, token: Annotated[str, Form(max_length=8000)]) -> Response:
    """A token or an identity provider's JWT opens a session; the cookie never holds it."""
    who = principal_for(request, token)
    if who is None:
        return render(request, "login.html", None, status_code=401, people=[],
                     error="Okänd inloggning")
    response = RedirectResponse("/att-gora", status_code=303)
    start_session(request, response, who.person_id)
    return response


@router.post("/logga-ut")
def logout(request: Request) -> RedirectResponse:
    response = RedirectResponse("/logga-in", status_code=303)
    end_session(request, response)
    return response


@router.get("/att-gora")
@read_policy(ReadPolicy.OWN)
def todo(request: Request, as_of: datetime | None = Depends(instant),
         who: Principal = Depends(viewer), app: ArsplanStore = Depends(event_store),
         reads: ReadSide = Depends(read_side), error: str | None = None,
         status_code: int = 200) -> HTMLResponse:
    position = log_position(app)  # read first: the live stream goes on from here
    if as_of is not None:
        tasks = q.todo_for_as_of(app, who.person_id, as_of)
    else:
        tasks = q.todo_for(reads.view(ReportingProjection), who.person_id, app.clock())
    # The version the person saw: a button pressed on a stale page is a conflict.
    versions = {t.report_id: app.get(t.report_id, UnitReport).version for t in tasks}
    # Klarmarkera is offered only when the command would pass (an avdelning waits for the
    # units below it): the handler itself is asked, without saving.
    blocked = {t.report_id: str(refused) for t in tasks if t.task == "klarmarkera"
               and as_of is None
               and (refused := klarmarkera_refusal(app, t.report_id, who.person_id))}
    reminders = q.reminder_outbox(reads.view(ReminderOutboxProjection), who.person_id)
    # htmx asks for the list again (api/dashboard_live.py): only that part.
    live_only = request.headers.get("hx-request") == "true" and error is None
    return render(request, "_todo_list.html" if live_only else "att_gora.html", who,
                  status_code=status_code, tasks=tasks, live_position=position,
                  versions=versions, blocked=blocked, reminders=reminders[-10:][::-1],
                  as_of=as_of, error=error, new_command_id=c.new_command_id)


@router.post("/att-gora/{task}")
def do_task(request: Request, task: str, report_id: Annotated[UUID, Form()],
            command_id: Annotated[str, Form(min_length=1, max_length=200)],
            version: Annotated[int, Form(ge=1)],
            reason: Annotated[str | None, Form(max_length=5000)] = None,
            who: Principal = Depends(viewer), app: ArsplanStore = Depends(event_store),
            bus: CommandBus = Depends(command_bus),
            reads: ReadSide = Depends(read_side)) -> Response:
    kinds: dict[str, type[c.ReportCommand]] = {"klarmarkera": c.Klarmarkera,
                                                "attestera": c.Attestera, "atersand": c.Atersand}
    if task not in kinds:
        return todo(request, None, who, app, reads, error=f"Okänd åtgärd {task!r}",
                    status_code=404)
    fields: dict[str, Any] = {"reason": reason} if task == "atersand" else {}
    log = get_logger(command=task, command_id=command_id, person_id=who.person_id,
                     report_id=str(report_id))
    try:
        bus.execute(kinds[task](report_id=report_id, command_id=command_id,
                                expected_version=version, **fields), who.person_id)
    except ValidationError:
        return todo(request, None, who, app, reads, error="En motivering krävs",
                    status_code=422)
    except DomainError as exc:
        log.info("dashboard_command_refused", rule=exc.rule)
        return todo(request, None, who, app, reads, error=str(exc),
                    status_code=status_of(exc)[0])
    log.info("dashboard_command_executed")
    return RedirectResponse("/att-gora", status_code=303)


@router.get("/revision")
@read_policy(ReadPolicy.AUDIT)
def audit(request: Request, as_of: datetime | None = Depends(instant),
          sigill: Annotated[int | None, Query(ge=1)] = None,
          who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
          app: ArsplanStore = Depends(event_store),
          reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    """The chain's status for the nämnd's members, the published seals (one checked on
    request: ``?sigill=<tree size>``), and the latest events the person reads, now or as
    they stood at ``as_of``."""
    sees.require(integrity_of(request.app.state.namnd_code))
    view = (as_of_view(app, AuditTrailProjection, as_of) if as_of is not None
            else reads.view(AuditTrailProjection))
    trail = only.last_audit_entries(sees, lambda n: q.audit_trail(app, view, last=n), 50)
    verifier: IncrementalVerifier = request.app.state.verifier
    seals = published_heads(app)
    check = seal_check(request, app, reads, seals, sigill)
    if as_of is not None:
        seals = [s for s in seals if datetime.fromisoformat(s.timestamp) <= as_of]
    return render(request, "revision.html", who, verify=verifier.verify(), seals=seals,
                  check=check, as_of=as_of, events=trail[::-1])
