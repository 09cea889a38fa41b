"""Deadlines as iCalendar feeds (text/calendar), per person and per unit.

Calendar programs poll a URL and cannot send a bearer token, so each feed also
accepts ``?token=``: an HMAC of the feed's subject under ARSPLAN_CALENDAR_SECRET.
``GET /api/calendar/links`` hands a signed-in person their own feed links.
With a bearer token the read policy decides: a person feed is that person's (and the
revisor's), a unit feed is read by whoever reads the unit's reports.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import Principal, current_principal, event_store, principal_for
from api.problems import problem
from api.read_access import Reader, ReadPolicy, read_policy
from domain.calendar import local_date
from domain.read_policy import PERSON_CALENDAR, UNIT_CALENDAR, ReadSubject
from infrastructure.eventstore import ArsplanStore
from infrastructure.ical import DeadlineEntry, build_calendar
from infrastructure.person_directory import person_names
from infrastructure.settings import get_settings
from projections.deadlines import person_deadlines, unit_deadlines

router = APIRouter(tags=["kalender"])
CALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"
SECRET_SETTING = "ARSPLAN_CALENDAR_SECRET"


class CalendarLink(BaseModel):
    subject: str  # "person:<id>" or "unit:<id>"
    url: str


class CalendarLinks(BaseModel):
    links: list[CalendarLink]


def feed_token(secret: str, subject: str) -> str:
    """The link token for one feed: it opens that feed and nothing else."""
    return hmac.new(secret.encode(), f"calendar:{subject}".encode(), hashlib.sha256).hexdigest()


def _secret(request: Request) -> str | None:
    secret: str | None = getattr(request.app.state, "calendar_secret", None)
    return secret or get_settings().calendar_secret


def _bearer(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    return principal_for(request, credentials) if scheme.lower() == "bearer" else None


def _authorise(request: Request, subject: str, token: str | None, reads: ReadSubject,
               exists: Callable[[], object] | None = None) -> None:
    """A link token opens its own feed; otherwise a signed-in caller whom the read policy
    lets read it. ``exists`` (404 when not) is asked only of a signed-in caller, so an
    unknown one learns nothing of what exists."""
    secret = _secret(request)
    if token is not None and secret is not None:
        if hmac.compare_digest(token.encode(), feed_token(secret, subject).encode()):
            return
        raise HTTPException(403, "Kalenderlänken gäller inte detta flöde")
    caller = _bearer(request)
    if caller is None:
        raise HTTPException(401, "Saknad eller okänd token (Authorization: Bearer … eller "
                                 "kalenderlänkens ?token=)", headers={"WWW-Authenticate": "Bearer"})
    if exists is not None:
        exists()
    Reader(request.app.state.store, caller.person_id).require(reads)


def _ics(feed_id: str, name: str, entries: list[DeadlineEntry], filename: str) -> Response:
    body = build_calendar(feed_id, name, entries, ZoneInfo(get_settings().timezone))
    return Response(body, media_type=CALENDAR_MEDIA_TYPE,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/calendar/person/{person_id}.ics", response_class=Response)
@read_policy(ReadPolicy.CALENDAR)
def person_calendar(person_id: str, request: Request, token: str | None = None,
                    app: ArsplanStore = Depends(event_store)) -> Response:
    namnd_code: str = request.app.state.namnd_code
    _authorise(request, f"person:{person_id}", token,
               ReadSubject(PERSON_CALENDAR, namnd_code, people=frozenset({person_id})))
    entries = person_deadlines(app, namnd_code, person_id)
    name = person_names(app, namnd_code)[person_id]
    return _ics(f"person-{person_id}", f"Årsplan – {name}", entries, f"{person_id}.ics")


@router.get("/calendar/unit/{unit_id}.ics", response_class=Response)
@read_policy(ReadPolicy.CALENDAR)
def unit_calendar(unit_id: str, request: Request, token: str | None = None,
                  app: ArsplanStore = Depends(event_store)) -> Response:
    namnd_code: str = request.app.state.namnd_code
    _authorise(request, f"unit:{unit_id}", token,
               ReadSubject(UNIT_CALENDAR, namnd_code, frozenset({unit_id})),
               exists=lambda: app.organisation(namnd_code).unit(unit_id))
    entries = unit_deadlines(app, namnd_code, unit_id)
    name = app.organisation(namnd_code).unit(unit_id).name
    return _ics(f"unit-{unit_id}", f"Årsplan – {name}", entries, f"{unit_id}.ics")


@router.get("/api/calendar/links", response_model=CalendarLinks)
@read_policy(ReadPolicy.OWN)
def calendar_links(request: Request, who: Principal = Depends(current_principal),
                   app: ArsplanStore = Depends(event_store)) -> CalendarLinks | JSONResponse:
    """Subscription links for the caller and every unit they hold a role in today and
    whose feed they read (a link opens its feed without asking again)."""
    secret = _secret(request)
    if secret is None:
        # The route exists; the server is not set up for it: a 503 naming the setting.
        return problem(503, f"Kalenderlänkar kräver inställningen {SECRET_SETTING} (en hemlig "
                       "nyckel som signerar länkarna); den är inte satt på servern. Utan den "
                       "läses kalendrarna med en bearer-token.", instance=request.url.path,
                       rule="calendar_secret_not_set", title="Kalenderlänkar är inte aktiverade",
                       extra={"setting": SECRET_SETTING})
    code: str = request.app.state.namnd_code
    org, reader = app.organisation(code), Reader(app, who.person_id)
    units = sorted({a.unit_id for a in org.roles_of(who.person_id, local_date(app.clock()))
                    if reader.may(ReadSubject(UNIT_CALENDAR, code, frozenset({a.unit_id})))})
    links = [_link(request, secret, "person", who.person_id, person_calendar.__name__)]
    links += [_link(request, secret, "unit", u, unit_calendar.__name__) for u in units]
    return CalendarLinks(links=links)


def _link(request: Request, secret: str, kind: str, subject_id: str, route: str) -> CalendarLink:
    subject = f"{kind}:{subject_id}"
    url = request.url_for(route, **{f"{kind}_id": subject_id})
    return CalendarLink(subject=subject,
                        url=str(url.include_query_params(token=feed_token(secret, subject))))
