"""What every dashboard page shares: templates, the session, "as of", refusals as pages.

Other dashboard modules import ``render``, ``viewer`` and ``instant`` from here; the menu
is the app's (``api/app.py`` ``MENU``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.auth import Principal, request_principal
from api.labels import install_filters
from api.problems import domain_problem, problem, refusal_text, status_of
from api.sessions import CSRF_MESSAGE, CsrfRefused, keep_form_token, login_nonce
from domain.calendar import STOCKHOLM, shown
from domain.errors import DomainError
from domain.ids import organisation_id
from domain.kommun import KOMMUN_CODE
from domain.roles import role_label
from infrastructure.eventstore import ArsplanStore
from infrastructure.person_directory import person_names

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _local(value: datetime | None) -> str:
    return shown(value) if value else "–"


LEVEL_LABELS = {"forvaltning": "förvaltning", "avdelning": "avdelning", "enhet": "enhet"}

templates.env.filters["lokal"] = _local
templates.env.filters["roll"] = role_label
templates.env.filters["niva"] = lambda kind: LEVEL_LABELS.get(kind, kind)
templates.env.globals["stockholm"] = STOCKHOLM
install_filters(templates.env)


# Read by programs (API clients, calendar apps, feed consumers): errors stay problem+json.
MACHINE_PATHS = ("/api/", "/calendar/", "/feed/")


class LoginRequired(Exception):
    pass


class BadInstant(Exception):
    pass


def install(api: FastAPI) -> None:
    """Sends a visitor without a session to the login page instead of a 401, and shows
    refusals on dashboard pages as a page (the API keeps problem+json)."""
    async def to_login(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/logga-in", status_code=303)

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if request.url.path.startswith(MACHINE_PATHS):
            return domain_problem(request, exc)
        return render(request, "fel.html", request_principal(request),
                     status_code=status_of(exc)[0], error=refusal_text(request, exc))

    async def bad_instant(request: Request, exc: Exception) -> Response:
        return render(request, "fel.html", request_principal(request), status_code=422,
                     error=f"Ogiltig tidpunkt: {exc}")

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(MACHINE_PATHS):
            return problem(403, CSRF_MESSAGE, instance=request.url.path,
                           rule="csrf_token_invalid")
        return render(request, "fel.html", request_principal(request), status_code=403,
                      error=CSRF_MESSAGE)

    api.add_exception_handler(LoginRequired, to_login)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(BadInstant, bad_instant)
    api.add_exception_handler(CsrfRefused, csrf_refused)
    # The stylesheet is a file: the Content-Security-Policy allows no inline style.
    api.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")


def instant(as_of: str | None = None) -> datetime | None:
    """The dashboard's "as of": an ISO instant; without an offset it is Swedish time."""
    if not as_of:
        return None
    try:
        value = datetime.fromisoformat(as_of)
    except ValueError:
        raise BadInstant(as_of) from None
    return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)


def viewer(request: Request) -> Principal:
    """The session's person, or the bearer token's (the same credentials as the API)."""
    who = request_principal(request)
    if who is None:
        raise LoginRequired
    return who


# Kommunstyrelsen's people (KLK) get the kommun view in their menu; the nämnd's do not need it.
KOMMUN_LINK = {"href": "/kommun", "label": "Kommun"}


def render(request: Request, name: str, who: Principal | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    app: ArsplanStore = request.app.state.store
    org = app.organisation(request.app.state.namnd_code)
    kommun = app.organisation(KOMMUN_CODE) if app.exists(organisation_id(KOMMUN_CODE)) else None
    names = person_names(app, request.app.state.namnd_code) | {"system": "Systemet"}
    if kommun is not None:  # KLK's people read across nämnder and are named on their pages
        names |= person_names(app, KOMMUN_CODE)
    # Pages show unit names, never ids (an actor's unit, a reminder's unit).
    unit_names = {uid: u.name for uid, u in org.units.items()}
    person = names.get(who.person_id, who.person_id) if who is not None else None
    # A bearer token's caller needs no CSRF token: its forms carry an empty one.
    csrf = login_nonce(request) if who is None else who.csrf_token or ""
    menu = getattr(request.app.state, "menu", [])
    if kommun is not None and who is not None and who.person_id in kommun.people:
        menu = [*menu, KOMMUN_LINK]
    response = templates.TemplateResponse(
        request, name, {"who": who, "person_name": person, "names": names,
                        "unit_names": unit_names, "extra_links": menu,
                        "csrf_token": csrf, **context},
        status_code=status_code)
    keep_form_token(request, response)
    return response
