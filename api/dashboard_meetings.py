"""The nämnd's sammanträden: the list, one meeting's ärendelista, §§, justering and anslag,
and the nämndsekreterare's (and justerare's) forms for the meeting commands.

A form is shown only when a dry run of the command's own handler (``application.meetings``,
nothing saved) neither refuses the person nor finds the step past or not yet reached, so
the page cannot offer what the command would refuse. A form posts the very command the
API takes (``execute``), answers with a redirect (PRG) or the page with the refusal and
its rule. Anslag and expediering are the ``MeetingWorkflow``'s system steps: shown, never
offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import render, viewer
from api.dashboard_delegation_form import FormError, named, parse_date
from api.problems import status_of
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from api.routes_commands import execute
from application.bus import CommandBus, refusal
from application.meetings import handlers
from domain import delegation_commands as dc
from domain.calendar import STOCKHOLM
from domain.commands import Command
from domain.errors import DomainError, NotAuthorisedError
from domain.meeting import ANSLAGET, EXPEDIERAT, HELD, JUSTERAT, PLANNED, Meeting
from domain.organisation import Organisation
from domain.roles import JUSTERARE_ROLES, role_label
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from infrastructure.person_directory import person_names
from projections.delegation_register import MEETING, DelegationRegisterProjection

router = APIRouter(include_in_schema=False)

# The handlers the API's commands run: the dry run asks the same ones.
HANDLERS = handlers()
# Refusals meaning the step is past or not yet reached: no form for it now.
STEP_RULES = frozenset({"arendelista_last", "redan_justerat", "protokoll_ej_oppet",
                        "beslut_saknas", "ej_justerat", "ingen_justering_vantar"})
LABELS = {"meeting_date": "Datum", "starts_at": "Klockslag", "cutoff": "Brytdag för anmälan",
          "anmalan_dnr": "Ärende för anmälan av delegationsbeslut", "dnr": "Diarienummer",
          "rubrik": "Rubrik", "kind": "Ärendetyp", "justerare": "Justerare",
          "beslut": "Beslut", "on": "Justeringsdatum", "command_id": "Formulärets id"}
HINTS = {"anmalan_dnr": "skriv diarienumret som ÅÅÅÅ.NNN och nämndens kod, t.ex. 2022.018 VON",
         "dnr": "skriv diarienumret som ÅÅÅÅ.NNN och nämndens kod, t.ex. 2022.228 VON",
         "rubrik": "fältet är tomt", "beslut": "fältet är tomt"}
KINDS = {"beslut": "Beslutsärende", "meddelanden": "Meddelanden"}
DONE = {"planerat": "Sammanträdet är planerat.", "arende": "Ärendet står på ärendelistan.",
        "justerare": "Justeraren är utsedd.", "protokoll": "Protokollet är öppnat; ärendena "
        "har fått sina paragrafer.", "beslut": "Beslutet är protokollfört.",
        "justerat": "Din justering är registrerad."}


def state_of(meeting: Meeting) -> str:
    """The meeting's state in the secretary's words."""
    if meeting.status == HELD:
        return "justering pågår" if meeting.signatures else "hållet"
    return {PLANNED: "planerat", JUSTERAT: "justerat", ANSLAGET: "anslaget",
            EXPEDIERAT: "expedierat"}.get(meeting.status, meeting.status)


# The forms' commands, built from text; FormError names the field.


def _required(values: dict[str, str], *names: str) -> None:
    for name in names:
        if not values.get(name, "").strip():
            raise FormError(name, f"{LABELS[name]}: fältet är tomt")


def _day(values: dict[str, str], name: str) -> date:
    _required(values, name)
    found = parse_date(values[name], name, LABELS[name])
    assert found is not None
    return found


def _validated(model: type[Command], values: dict[str, Any]) -> Command:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        raise FormError(name, f"{LABELS.get(name, name)}: "
                              f"{HINTS.get(name, error['msg'])}") from None


def schedule_command(values: dict[str, str], namnd_code: str) -> Command:
    on = _day(values, "meeting_date")
    _required(values, "starts_at")
    try:
        starts = time.fromisoformat(values["starts_at"].strip())
    except ValueError:
        raise FormError("starts_at", f"{LABELS['starts_at']}: skriv tiden som TT:MM, "
                                     "t.ex. 14:00") from None
    cutoff = _day(values, "cutoff")
    _required(values, "anmalan_dnr")
    return _validated(dc.ScheduleMeeting, {
        "namnd_code": namnd_code, "meeting_date": on,
        "starts_at": datetime.combine(on, starts, tzinfo=STOCKHOLM), "cutoff": cutoff,
        "anmalan_dnr": values["anmalan_dnr"].strip(), "command_id": values["command_id"]})


def arende_command(values: dict[str, str], meeting_id: UUID) -> Command:
    _required(values, "dnr", "rubrik")
    return _validated(dc.AddArende, {
        "meeting_id": meeting_id, "dnr": values["dnr"].strip(), "rubrik": values["rubrik"],
        "kind": values.get("kind") or "beslut", "command_id": values["command_id"]})


def justerare_command(values: dict[str, str], meeting_id: UUID) -> Command:
    _required(values, "justerare")
    return _validated(dc.DesignateJusterare, {
        "meeting_id": meeting_id, "justerare": values["justerare"],
        "command_id": values["command_id"]})


def protokoll_command(values: dict[str, str], meeting_id: UUID) -> Command:
    return _validated(dc.OpenProtokoll, {"meeting_id": meeting_id,
                                         "command_id": values["command_id"]})


def beslut_command(values: dict[str, str], meeting_id: UUID) -> Command:
    _required(values, "dnr", "beslut")
    return _validated(dc.RecordArendeBeslut, {
        "meeting_id": meeting_id, "dnr": values["dnr"], "beslut": values["beslut"],
        "command_id": values["command_id"]})


def justera_command(values: dict[str, str], meeting_id: UUID) -> Command:
    return _validated(dc.Justera, {"meeting_id": meeting_id, "on": _day(values, "on"),
                                   "command_id": values["command_id"]})


MEETING_FORMS: dict[str, Callable[[dict[str, str], UUID], Command]] = {
    "arende": arende_command, "justerare": justerare_command,
    "protokoll": protokoll_command, "beslut": beslut_command, "justerat": justera_command}


# The dry run


@dataclass(frozen=True)
class Trial:
    """The handler's answer to a trial command: whether the form is offered, and a refusal
    worth showing beside it (for a form without fields the trial is the real command)."""

    offered: bool
    message: str | None = None
    rule: str | None = None


def dry_run(app: ArsplanStore, command: Command, person_id: str) -> Trial:
    """Runs the command's handler without saving (the store hands out copies)."""
    refused = refusal(app, command, HANDLERS[type(command)], person_id)
    if refused is None:
        return Trial(True)
    if isinstance(refused, NotAuthorisedError) or refused.rule in STEP_RULES:
        return Trial(False)
    return Trial(True, str(refused), refused.rule)


def _new_id() -> str:
    return str(uuid4())


def may_schedule(app: ArsplanStore, namnd_code: str, person_id: str) -> bool:
    # A date no meeting has yet: only the secretary's authority is asked.
    on = app.today() + timedelta(days=3650)
    trial = dc.ScheduleMeeting(
        namnd_code=namnd_code, meeting_date=on,
        starts_at=datetime.combine(on, time(14), tzinfo=STOCKHOLM),
        cutoff=on - timedelta(days=7), anmalan_dnr=f"{on.year}.000 {namnd_code}")
    return dry_run(app, trial, person_id).offered


def justerare_candidates(org: Organisation, names: dict[str, str],
                         meeting: Meeting) -> list[tuple[str, str]]:
    """Who holds a role from which a justerare is utsedd on the meeting day."""
    found: dict[str, str] = {}
    namnd_units = [u.unit_id for u in org.units.values() if u.kind == "namnd"]
    for role in JUSTERARE_ROLES:
        for unit in namnd_units:
            for a in org.holders(role, unit, meeting.meeting_date):
                name = names.get(a.person_id, a.person_id)
                found.setdefault(a.person_id, f"{name} ({role_label(role)})")
    return sorted(found.items(), key=lambda p: p[1])


@dataclass
class MeetingForms:
    """The forms offered on one meeting's page, with what they were filled in with."""

    arende: bool = False
    justerare: list[tuple[str, str]] = field(default_factory=list)
    protokoll: Trial | None = None
    beslut: list[str] = field(default_factory=list)  # the undecided ärenden's dnr
    justera: bool = False
    filled: dict[str, str] = field(default_factory=dict)
    command_id: str = field(default_factory=_new_id)

    @property
    def any(self) -> bool:
        return bool(self.arende or self.justerare or self.protokoll or self.beslut
                    or self.justera)


def meeting_forms(app: ArsplanStore, meeting: Meeting, person_id: str,
                  filled: dict[str, str] | None = None) -> MeetingForms:
    mid, code = meeting.id, meeting.namnd_code
    forms = MeetingForms(filled=filled or {})
    forms.arende = dry_run(app, dc.AddArende(
        meeting_id=mid, dnr=f"{meeting.meeting_date.year}.000 {code}", rubrik="–"),
        person_id).offered
    candidates = justerare_candidates(app.organisation(code), person_names(app, code), meeting)
    if candidates and dry_run(app, dc.DesignateJusterare(
            meeting_id=mid, justerare=candidates[0][0]), person_id).offered:
        forms.justerare = candidates
    protokoll = dry_run(app, dc.OpenProtokoll(meeting_id=mid), person_id)
    forms.protokoll = protokoll if protokoll.offered else None
    undecided = [a.dnr for a in meeting.arenden if a.beslut is None]
    if undecided and dry_run(app, dc.RecordArendeBeslut(
            meeting_id=mid, dnr=undecided[0], beslut="–"), person_id).offered:
        forms.beslut = undecided
    if person_id not in meeting.signatures.values():
        on = max(app.today(), meeting.meeting_date)
        forms.justera = dry_run(app, dc.Justera(meeting_id=mid, on=on), person_id).offered
    return forms


# Reading


@dataclass(frozen=True)
class Reminder:
    at: datetime
    to: tuple[str, ...]


def meetings_of(app: ArsplanStore, reads: ReadSide, sees: Reader,
                namnd_code: str) -> list[Meeting]:
    """The nämnd's meetings the reader may read, by date (a dozen a year: each is loaded)."""
    rows = reads.view(DelegationRegisterProjection).find(MEETING, namnd_code)
    ids = [UUID(row["meeting_id"]) for row in rows]
    found = [app.get(mid, Meeting) for mid in ids if sees.may_read_aggregate(mid)]
    return sorted(found, key=lambda m: m.meeting_date)


def reminders_of(app: ArsplanStore, meeting_id: UUID) -> list[Reminder]:
    return [Reminder(e.occurred_at, tuple(e.to)) for e in app.aggregate_events(meeting_id)
            if isinstance(e, Meeting.JusteringReminderSent)]


def _list_page(request: Request, who: Principal, sees: Reader, app: ArsplanStore,
               reads: ReadSide, status_code: int = 200, **extra: Any) -> HTMLResponse:
    code = request.app.state.namnd_code
    meetings = meetings_of(app, reads, sees, code)
    offered = may_schedule(app, code, who.person_id)
    filled: dict[str, str] = extra.pop("filled", None) or {}
    if offered and "anmalan_dnr" not in filled and meetings:
        filled["anmalan_dnr"] = meetings[-1].anmalan_dnr  # the year's standing ärende
    return render(request, "sammantraden.html", who, status_code=status_code,
                  meetings=[(m, state_of(m)) for m in meetings], schedule_form=offered,
                  filled=filled, command_id=filled.get("command_id") or _new_id(),
                  done=DONE.get(request.query_params.get("klart", "")), **extra)


def _meeting_page(request: Request, who: Principal, sees: Reader, app: ArsplanStore,
                  meeting_id: UUID, status_code: int = 200,
                  filled: dict[str, str] | None = None, **extra: Any) -> HTMLResponse:
    sees.require_aggregate(meeting_id)
    meeting = app.get(meeting_id, Meeting)
    forms = meeting_forms(app, meeting, who.person_id, filled)
    if filled and filled.get("command_id"):
        forms.command_id = filled["command_id"]
    return render(request, "sammantrade.html", who, status_code=status_code, meeting=meeting,
                  state=state_of(meeting), reminders=reminders_of(app, meeting_id),
                  forms=forms, kinds=KINDS,
                  done=DONE.get(request.query_params.get("klart", "")), **extra)


@router.get("/sammantraden")
@read_policy(ReadPolicy.NAMND_RECORD)
def meetings(request: Request, who: Principal = Depends(viewer),
             sees: Reader = Depends(page_reader), app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    return _list_page(request, who, sees, app, reads)


@router.get("/sammantraden/{meeting_id}")
@read_policy(ReadPolicy.NAMND_RECORD)
def meeting_page(request: Request, meeting_id: UUID, who: Principal = Depends(viewer),
                 sees: Reader = Depends(page_reader),
                 app: ArsplanStore = Depends(event_store)) -> HTMLResponse:
    return _meeting_page(request, who, sees, app, meeting_id)


# The forms' posts

Text = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=20_000)]


def _refused(refused: DomainError, names: dict[str, str], who: Principal) -> tuple[int, str]:
    get_logger(person_id=who.person_id).info("dashboard_meeting_refused", rule=refused.rule)
    return status_of(refused)[0], f"{named(str(refused), names)} (regel {refused.rule})"


@router.post("/sammantraden")
def schedule(request: Request, meeting_date: Text = "", starts_at: Text = "",
             cutoff: Text = "", anmalan_dnr: Text = "", command_id: Text = "",
             who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
             app: ArsplanStore = Depends(event_store), bus: CommandBus = Depends(command_bus),
             reads: ReadSide = Depends(read_side)) -> Response:
    code = request.app.state.namnd_code
    filled = {"meeting_date": meeting_date, "starts_at": starts_at, "cutoff": cutoff,
              "anmalan_dnr": anmalan_dnr, "command_id": command_id or _new_id()}
    try:
        command = schedule_command(filled, code)
        result = execute(bus, command, who)
    except FormError as bad:
        return _list_page(request, who, sees, app, reads, 422, filled=filled, error=str(bad),
                          bad_field=bad.name)
    except DomainError as refused:
        status, message = _refused(refused, person_names(app, code), who)
        return _list_page(request, who, sees, app, reads, status, filled=filled,
                          error=message)
    return RedirectResponse(f"/sammantraden/{result.aggregate_id}?klart=planerat",
                            status_code=303)


@router.post("/sammantraden/{meeting_id}/{step}")
def meeting_step(request: Request, meeting_id: UUID, step: str, dnr: Text = "",
                 rubrik: Text = "", kind: Text = "", justerare: Text = "",
                 beslut: LongText = "", on: Text = "", command_id: Text = "",
                 who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                 app: ArsplanStore = Depends(event_store),
                 bus: CommandBus = Depends(command_bus)) -> Response:
    """One of the meeting's forms (``MEETING_FORMS``): the command, then PRG."""
    sees.require_aggregate(meeting_id)
    build = MEETING_FORMS.get(step)
    if build is None:
        return _meeting_page(request, who, sees, app, meeting_id, 404,
                             error=f"Okänt formulär: {step}")
    filled = {"form": step, "dnr": dnr, "rubrik": rubrik, "kind": kind,
              "justerare": justerare, "beslut": beslut, "on": on,
              "command_id": command_id or _new_id()}
    try:
        execute(bus, build(filled, meeting_id), who)
    except FormError as bad:
        return _meeting_page(request, who, sees, app, meeting_id, 422, filled,
                             error=str(bad), bad_field=bad.name)
    except DomainError as refused:
        code = request.app.state.namnd_code
        status, message = _refused(refused, person_names(app, code), who)
        return _meeting_page(request, who, sees, app, meeting_id, status, filled,
                             error=message)
    return RedirectResponse(f"/sammantraden/{meeting_id}?klart={step}", status_code=303)
