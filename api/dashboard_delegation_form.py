"""The delegationsbeslut form: a delegat records a beslut under a row of the ordning in force.

Who gets the form, and what it says while it is filled in, is the domain's answer: the rows
offered are those where ``first_capacity`` finds the person a delegat today (ordinarie,
vikarie, or ersättare for a delegate who could be away), and the live check runs the
``RecordDelegationsbeslut`` handler itself without saving. The handler records the issuer as
the decider, so nobody (the nämndsekreterare included) records a beslut for someone else:
the form is only for delegater.

With htmx the form posts on change to ``/delegationer/prova`` (the check) and the row
select to ``/delegationer/radfalt`` (the row's own fields: amount with its unit,
laglighetsprövning, the original beslut, ersättare). Without JavaScript the page shows
every field some offered row needs, and the form posts to ``/delegationer/beslut`` (in
``api.dashboard_delegation``), which answers with a redirect or the page and the refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.auth import Principal, event_store, read_side
from api.dashboard_base import render, viewer
from api.read_side import ReadSide
from api.routes_commands import COMMANDS
from application.bus import Issuer, Session
from application.delegation import record_delegationsbeslut
from domain import delegation_commands as dc
from domain.delegation import Delegationsordning
from domain.delegation_authority import unavailable_people
from domain.delegation_decider import first_capacity
from domain.delegation_rows import DelegatAlternative, DelegationRow, why_not_anmalt
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import DomainError
from domain.ids import delegationsordning_id
from domain.organisation import Organisation
from domain.roles import AU, ORIGINAL_DELEGATE, role_label
from infrastructure.eventstore import ArsplanStore
from infrastructure.person_directory import person_names, with_names
from projections import delegation_queries as dq
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(include_in_schema=False)

# The API's command for a delegationsbeslut: the form sends the very same.
RECORD = COMMANDS["record-delegationsbeslut"][0]

LABELS = {"row_nr": "Punkt i delegationsordningen", "arende_ref": "Ärende (diarienummer)",
          "beslut": "Beslut", "decided_on": "Beslutsdatum", "amount": "Omfattning",
          "ersattare_for": "Ersättare för", "franvaro": "Frånvaro",
          "laglighetsprovning": "Laglighetsprövning",
          "original_beslut_id": "Ursprungligt beslut",
          "original_namndbeslut": "Nämndens ursprungliga beslut",
          "command_id": "Formulärets id"}
HINTS = {"row_nr": "välj en punkt i delegationsordningen",
         "arende_ref": "skriv diarienumret som ÅÅÅÅ.NNN och nämndens kod, t.ex. 2022.301 VON",
         "beslut": "skriv beslutet (högst 2 000 tecken)",
         "amount": "ange ett tal, 0 eller mer"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
VIA = {"vikarie": "vikarie för", "ersattare": "ersättare för",
       "narmaste_chef": "närmaste chef som ersättare för"}


class FormError(Exception):
    """A field the command cannot be built from; the message names the field."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def parse_date(text: str, name: str, label: str | None = None) -> date | None:
    """ÅÅÅÅ-MM-DD as text (the Swedish ISO form), None when empty; the error names the field."""
    text = text.strip()
    if not text:
        return None
    label = label or LABELS.get(name, name)
    if not ISO_DATE.fullmatch(text):
        raise FormError(name, f"{label}: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2022-10-03")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError(name, f"{label}: {text} är inget datum (ÅÅÅÅ-MM-DD)") from None


@dataclass(frozen=True)
class BeslutForm:
    """What the form sent, as text, so a refused form comes back as it was filled in."""

    row_nr: str = ""
    arende_ref: str = ""
    beslut: str = ""
    decided_on: str = ""
    amount: str = ""
    ersattare_for: str = ""
    franvaro: str = ""
    laglighetsprovning: str = ""  # "ja", "nej" or "" (not asked, not answered)
    original_beslut_id: str = ""
    original_namndbeslut: str = ""
    command_id: str = field(default_factory=lambda: str(uuid4()))

    def missing(self) -> list[str]:
        required = ("row_nr", "arende_ref", "beslut", "decided_on")
        return [LABELS[n] for n in required if not getattr(self, n).strip()]

    def command(self, namnd_code: str) -> dc.RecordDelegationsbeslut:
        """The command as the API would receive it; FormError names a field it refuses."""
        missing = self.missing()
        if missing:
            first = next(n for n in LABELS if LABELS[n] == missing[0])
            raise FormError(first, f"{missing[0]}: fältet är tomt")
        return self._build(namnd_code, self.arende_ref, self.beslut)

    def trial(self, namnd_code: str) -> dc.RecordDelegationsbeslut:
        """The command for the live check while ärende or beslut are still empty: a
        diarienummer no ärende has, so only the row, date, amount and ersättare count."""
        return self._build(namnd_code, self.arende_ref.strip() or f"0000.000 {namnd_code}",
                           self.beslut.strip() or "–")

    def _build(self, namnd_code: str, arende_ref: str, beslut: str
               ) -> dc.RecordDelegationsbeslut:
        values: dict[str, Any] = {
            "namnd_code": namnd_code, "row_nr": self.row_nr.strip(),
            "arende_ref": arende_ref.strip(), "beslut": beslut,
            "decided_on": parse_date(self.decided_on, "decided_on"),
            "amount": _amount(self.amount),
            "ersattare_for": self.ersattare_for or None,
            "franvaro": self.franvaro or None,
            "laglighetsprovning": {"ja": True, "nej": False}.get(self.laglighetsprovning),
            "original_beslut_id": self.original_beslut_id or None,
            "original_namndbeslut": self.original_namndbeslut.strip() or None,
            "command_id": self.command_id}
        if values["decided_on"] is None:
            raise FormError("decided_on", f"{LABELS['decided_on']}: fältet är tomt")
        try:
            command = RECORD.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            raise FormError(name, f"{LABELS.get(name, name)}: "
                                  f"{HINTS.get(name, error['msg'])}") from None
        assert isinstance(command, dc.RecordDelegationsbeslut)
        return command


def _amount(text: str) -> float | None:
    text = text.strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise FormError("amount", f"{LABELS['amount']}: ange ett tal, t.ex. 25") from None


def beslut_form(row_nr: Annotated[str, Form(max_length=50)] = "",
                arende_ref: Annotated[str, Form(max_length=100)] = "",
                beslut: Annotated[str, Form(max_length=20_000)] = "",
                decided_on: Annotated[str, Form(max_length=50)] = "",
                amount: Annotated[str, Form(max_length=50)] = "",
                ersattare_for: Annotated[str, Form(max_length=200)] = "",
                franvaro: Annotated[str, Form(max_length=50)] = "",
                laglighetsprovning: Annotated[str, Form(max_length=10)] = "",
                original_beslut_id: Annotated[str, Form(max_length=100)] = "",
                original_namndbeslut: Annotated[str, Form(max_length=200)] = "",
                command_id: Annotated[str, Form(max_length=200)] = "") -> BeslutForm:
    return BeslutForm(row_nr, arende_ref, beslut, decided_on, amount, ersattare_for, franvaro,
                      laglighetsprovning, original_beslut_id, original_namndbeslut,
                      command_id or str(uuid4()))


# The rows offered


@dataclass(frozen=True)
class RowChoice:
    """A row of the ordning in force under which the person may decide today."""

    row: DelegationRow
    ordinary: bool  # as delegat (ordinarie or vikarie), not only as someone's ersättare
    stand_in_for: tuple[tuple[str, str], ...]  # (person id, "Namn (roll)") they may replace

    @property
    def nr(self) -> str:
        return self.row.nr

    @property
    def label(self) -> str:
        arende = self.row.arende if len(self.row.arende) <= 70 else \
            self.row.arende[:68].rstrip() + "…"
        delegat = " eller ".join(a.describe() for a in self.row.delegater)
        unit = f" [gräns i {self.row.limit_unit}]" if self.row.limit_unit else ""
        return f"{self.row.nr} {arende} – {delegat}{unit}"

    @property
    def needs_original(self) -> bool:
        return any(ORIGINAL_DELEGATE in a.roles or a.when_original not in (None, "namnd")
                   for a in self.row.delegater)

    @property
    def needs_namnd_original(self) -> bool:
        return any(a.when_original == "namnd" for a in self.row.delegater)


def _sort_key(nr: str) -> tuple[int, ...]:
    return tuple(int(part) for part in nr.split("."))


def ordning_of(store: ArsplanStore, namnd_code: str) -> Delegationsordning | None:
    oid = delegationsordning_id(namnd_code)
    return store.get(oid, Delegationsordning) if store.exists(oid) else None


def rows_in_force(ordning: Delegationsordning | None, on: date) -> list[DelegationRow]:
    """The delegable rows in force that day (not verkställighet, not återkallade)."""
    if ordning is None:
        return []
    try:
        version = ordning.version_in_force(on)
    except DomainError:
        return []
    rows = []
    for row in version.rows.values():
        if row.verkstallighet or row.ej_delegerbar:
            continue
        try:
            ordning.row_in_force(row.nr, on)
        except DomainError:
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: _sort_key(r.nr))


def _delegates(org: Organisation, row: DelegationRow, on: date) -> list[tuple[str, str]]:
    """The people holding the row's delegat roles that day (whom an ersättare replaces)."""
    found: dict[str, str] = {}
    roles = {r for a in row.delegater for r in a.roles if r not in (AU, ORIGINAL_DELEGATE)}
    for a in org.assignments.values():
        if a.role in roles and a.covers(on) and a.substitute_for is None:
            found.setdefault(a.person_id, a.role)
    return [(pid, role) for pid, role in found.items()]


def choices(store: ArsplanStore, namnd_code: str, person_id: str, on: date,
            has_own_beslut: bool) -> list[RowChoice]:
    """The rows where the domain finds the person a delegat on ``on``: as delegat, or as
    ersättare should a delegate be away. A row whose delegat is "the delegat in the
    original ärende" is offered to a person with beslut of their own to change."""
    org = store.organisation(namnd_code)
    names = person_names(store, namnd_code)
    away = unavailable_people(org, on, ())
    offered = []
    for row in rows_in_force(ordning_of(store, namnd_code), on):
        alternatives = list(row.delegater)
        ordinary = first_capacity(org, person_id, alternatives, on, away, None, None) is not None
        if has_own_beslut and any(ORIGINAL_DELEGATE in a.roles for a in alternatives):
            ordinary = True
        stand_in = tuple(
            (pid, f"{names.get(pid, pid)} ({role_label(role)})")
            for pid, role in _delegates(org, row, on)
            if pid != person_id and _replaces(org, person_id, alternatives, on, away, pid))
        if ordinary or stand_in:
            offered.append(RowChoice(row, ordinary, stand_in))
    return offered


def _replaces(org: Organisation, person_id: str, alternatives: list[DelegatAlternative],
              on: date, away: set[str], delegate: str) -> bool:
    """Whether the person decides in the delegate's place should the delegate be away (not
    merely as a delegat of another alternative of the row)."""
    capacity = first_capacity(org, person_id, alternatives, on, away | {delegate}, delegate,
                              None)
    return capacity is not None and capacity.on_behalf_of == delegate


# The fields that depend on the row


@dataclass(frozen=True)
class RowFields:
    """The row-dependent fields shown: for one row, or (without JavaScript) every field
    some offered row needs, each with the rows it is for."""

    limit_unit: str | None = None
    limit_rows: str = ""
    laglighetsprovning_rows: str = ""
    original_rows: str = ""
    namnd_original_rows: str = ""
    stand_in: tuple[tuple[str, str], ...] = ()
    single: bool = False  # one row: no need to say which rows a field is for


def row_fields(offered: list[RowChoice], row_nr: str | None) -> RowFields:
    chosen = [c for c in offered if c.nr == row_nr] if row_nr else offered
    if row_nr and not chosen:
        chosen = offered

    def rows(pick: list[RowChoice]) -> str:
        return ", ".join(c.nr for c in pick)

    limited = [c for c in chosen if c.row.limit_unit]
    units = sorted({c.row.limit_unit for c in limited if c.row.limit_unit})
    stand_in: dict[str, str] = {}
    for c in chosen:
        stand_in.update(dict(c.stand_in_for))
    return RowFields(
        limit_unit=" eller ".join(units) or None, limit_rows=rows(limited),
        laglighetsprovning_rows=rows([c for c in chosen
                                      if c.row.anmalan_depends_on_laglighetsprovning]),
        original_rows=rows([c for c in chosen if c.needs_original]),
        namnd_original_rows=rows([c for c in chosen if c.needs_namnd_original]),
        stand_in=tuple(sorted(stand_in.items(), key=lambda p: p[1])),
        single=len(chosen) == 1)


# The live check


@dataclass(frozen=True)
class Check:
    """The domain's answer for the form as filled in: ``ok`` None while it is incomplete."""

    ok: bool | None
    message: str
    rule: str | None = None
    missing: tuple[str, ...] = ()


def named(message: str, names: dict[str, str]) -> str:
    """The domain's message with people's names for their ids (``person_names``)."""
    return with_names(message, names)


def dry_run(store: ArsplanStore, form: BeslutForm, namnd_code: str, person_id: str) -> Check:
    """Runs the handler the command runs, nothing saved: the same ordning in force,
    återkallande, delegat, amount, jäv and ersättare rules, so the check cannot disagree."""
    missing = tuple(form.missing())
    if not form.row_nr.strip() or not form.decided_on.strip():
        return Check(None, "Välj punkt och beslutsdatum.", missing=missing)
    try:
        command = form.trial(namnd_code)
    except FormError as bad:
        return Check(False, str(bad), rule="formular", missing=missing)
    session = Session(store, command, Issuer(person_id))
    try:
        # The store hands out copies and nothing here is saved.
        record_delegationsbeslut(command, session)
    except DomainError as refused:
        return Check(False, named(str(refused), person_names(store, namnd_code)),
                     refused.rule, missing)
    beslut = session.target_aggregate
    assert isinstance(beslut, Delegationsbeslut)
    return Check(True if not missing else None,
                 _capacity_text(beslut, person_names(store, namnd_code)), missing=missing)


def _capacity_text(beslut: Delegationsbeslut, names: dict[str, str]) -> str:
    f = beslut.facts
    text = f"Kan beslutas av dig som {role_label(f.delegat_role)}"
    if f.on_behalf_of and f.via in VIA:
        text += f", {VIA[f.via]} {names.get(f.on_behalf_of, f.on_behalf_of)}"
    text += f" (rad {f.row_nr}" + (f", {f.lagrum})." if f.lagrum else ").")
    if f.must_be_anmald:
        return text + " Beslutet anmäls till nämnden."
    why = why_not_anmalt(f.anmalan, f.laglighetsprovning)
    return text + (f" Beslutet anmäls inte till nämnden: {why}." if why else "")


# What the page needs


@dataclass
class FormView:
    rows: list[RowChoice]
    form: BeslutForm
    fields: RowFields
    check: Check | None
    originals: list[dq.RegisterEntry] = field(default_factory=list)


def own_beslut(reads: ReadSide, namnd_code: str, person_id: str) -> list[dq.RegisterEntry]:
    """The person's own beslut: what they may change as the delegat in the original ärende."""
    return dq.search_register(reads.view(DelegationRegisterProjection), namnd_code,
                              dq.RegisterFilter(person_id=person_id))


def form_view(store: ArsplanStore, reads: ReadSide, namnd_code: str, person_id: str,
              form: BeslutForm | None = None, *, check: bool = True) -> FormView | None:
    """The form for a delegat, None for anyone the domain finds no delegat today."""
    today = store.today()
    originals = own_beslut(reads, namnd_code, person_id)
    offered = choices(store, namnd_code, person_id, today, bool(originals))
    if not offered:
        return None
    if form is None:
        form = BeslutForm(row_nr=offered[0].nr, decided_on=today.isoformat())
    # The whole page shows every field some offered row needs (it works without
    # JavaScript); htmx narrows them to the chosen row.
    return FormView(offered, form, row_fields(offered, None),
                    dry_run(store, form, namnd_code, person_id) if check else None, originals)


@router.post("/delegationer/prova")
def check(request: Request, form: BeslutForm = Depends(beslut_form),
          who: Principal = Depends(viewer), app: ArsplanStore = Depends(event_store)
          ) -> HTMLResponse:
    """The live check's partial: the domain's refusal with its rule, or the capacity."""
    result = dry_run(app, form, request.app.state.namnd_code, who.person_id)
    return render(request, "_delegation_check.html", who, check=result)


@router.post("/delegationer/radfalt")
def fields_of_row(request: Request, form: BeslutForm = Depends(beslut_form),
                  who: Principal = Depends(viewer), app: ArsplanStore = Depends(event_store),
                  reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    """The selected row's own fields (amount and unit, laglighetsprövning, ersättare)."""
    code = request.app.state.namnd_code
    view = form_view(app, reads, code, who.person_id, form, check=False)
    if view is None:
        return render(request, "_delegation_row_fields.html", who, beslut_form=None)
    view.fields = row_fields(view.rows, form.row_nr)
    return render(request, "_delegation_row_fields.html", who, beslut_form=view)
