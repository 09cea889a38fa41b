"""A small VON-shaped organisation: two avdelningar, three enheter, chefs and ersättare."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime

from application.cycles import ensure_report_template
from application.organisation import ensure_organisation
from domain.base import Actor
from domain.commands import OpenCycle
from domain.ids import cycle_id, unit_report_id
from domain.organisation import RoleAssignment
from infrastructure.person_directory import directory_for
from tests.support.engine import TestEngine

UNITS = [
    {"unit_id": "von", "name": "Vård- och omsorgsnämnden", "kind": "namnd"},
    {"unit_id": "von-forv", "name": "Vård- och omsorgsförvaltningen", "kind": "forvaltning",
     "parent_id": "von"},
    {"unit_id": "avd-aldreboende", "name": "Äldreboende", "kind": "avdelning",
     "parent_id": "von-forv"},
    {"unit_id": "avd-kvarboende", "name": "Kvarboende", "kind": "avdelning",
     "parent_id": "von-forv"},
    {"unit_id": "enh-ekhagen", "name": "Ekhagens äldreboende", "kind": "enhet",
     "parent_id": "avd-aldreboende"},
    {"unit_id": "enh-bjorkliden", "name": "Björklidens äldreboende", "kind": "enhet",
     "parent_id": "avd-aldreboende"},
    {"unit_id": "enh-hemtjanst-norr", "name": "Hemtjänst Norr", "kind": "enhet",
     "parent_id": "avd-kvarboende"},
]
PEOPLE = ["anna", "bertil", "cecilia", "david", "eva", "fredrik", "gun", "hans", "ida",
          "revisor", "stina"]
START = date(2022, 1, 1)


def _a(aid: str, person: str, role: str, unit: str, start: date = START,
       end: date | None = None, substitute_for: str | None = None) -> RoleAssignment:
    return RoleAssignment(aid, person, role, unit, start, end, substitute_for,
                          "frånvaro" if substitute_for else None)


ASSIGNMENTS = [
    _a("a1", "anna", "enhetschef", "enh-ekhagen"),
    _a("a2", "bertil", "enhetschef", "enh-bjorkliden"),
    _a("a3", "cecilia", "enhetschef", "enh-hemtjanst-norr"),
    _a("a4", "david", "avdelningschef", "avd-aldreboende"),
    _a("a5", "eva", "avdelningschef", "avd-kvarboende"),
    _a("a6", "fredrik", "forvaltningschef", "von-forv"),
    _a("a7", "gun", "controller", "von-forv"),
    _a("a8", "hans", "ordforande", "von"),
    _a("a9", "revisor", "revisor", "von"),
    _a("a10", "stina", "stallforetradande_forvaltningschef", "von-forv"),
    # Ida is vikarie for Anna during two summer weeks.
    _a("a11", "ida", "enhetschef", "enh-ekhagen", date(2022, 7, 11), date(2022, 7, 24),
       substitute_for="anna"),
]

DELAR_2022 = OpenCycle(
    command_id="open-delar-2022", namnd_code="VON", process="delarsbokslut", year=2022,
    title="Delårsbokslut 2022", enhet_deadline=date(2022, 8, 23),
    avdelning_deadline=date(2022, 8, 30), forvaltning_deadline=date(2022, 9, 12),
    underlag_date=date(2022, 9, 13), beslut_date=date(2022, 9, 27),
)

TEMPLATE = [
    {"item_id": "mal-trygg-vard", "kind": "mal", "title": "Trygg och säker vård",
     "levels": ["enhet", "avdelning"]},
    {"item_id": "ik-bestallningar", "kind": "internkontroll",
     "title": "Stickprov 5 % av samtliga beställningar", "levels": ["enhet"]},
]


def build_organisation(app: TestEngine) -> None:
    people = [{"person_id": p, "name": p.capitalize()} for p in PEOPLE]
    ensure_organisation(app.store, "VON", "Vård- och omsorgsnämnden", UNITS, people,
                        ASSIGNMENTS, Actor.system("import"), directory_for(app.store))


def open_delar_2022(app: TestEngine) -> None:
    """The controller opens delår 2022 on the nämnd's report template."""
    ensure_report_template(app.store, "VON", TEMPLATE, Actor.system("import"))
    app.execute(DELAR_2022, "gun")


CYCLE = cycle_id("VON", "delarsbokslut", 2022)


def report(unit_id: str) -> object:
    return unit_report_id(CYCLE, unit_id)


@contextmanager
def von_delar_2022(env: Mapping[str, str], clock: Callable[[], datetime]
                   ) -> Iterator[TestEngine]:
    """An application on ``env`` holding the VON organisation and delår 2022, opened."""
    app = TestEngine(env=env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    try:
        yield app
    finally:
        app.close()
