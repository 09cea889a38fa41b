"""Who may do what: every report and cycle command against every kind of person.

The expected answer is the table below, read row by row. A new command (e.g. D's
delegation commands) is one new column in the table and one ``COMMANDS`` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from application.organisation import ensure_organisation
from domain import commands as c
from domain.base import Actor
from domain.errors import NotAuthorisedError
from domain.ids import unit_report_id
from domain.organisation import RoleAssignment
from infrastructure.importer import import_arsplan
from infrastructure.person_directory import directory_for
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022
from tests.support.stores import MEMORY_ENV

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
IN_SUMMER = datetime(2022, 7, 15, 10, 0, tzinfo=UTC)  # Ida stands in for Anna 11–24 July
IN_AUGUST = datetime(2022, 8, 15, 10, 0, tzinfo=UTC)

# Columns: the commands in COLUMNS' order; "Y" allowed, "-" refused as not authorised.
# The last column (M) is MoveMilestone.
COLUMNS = ("ChangeItem", "Klarmarkera", "Attestera", "Atersand", "Reopen", "MoveReportDeadline",
           "OpenCycle", "MoveCycleDeadline", "RecordIndicator", "SetBedomning", "RecordEkonomi",
           "MoveMilestone")
EXPECTED = """
person                                    | Edit Klar Godk Åter Reop MvRD Open MvCD Ind  Bedö Ekon M
enhetschef of this enhet                  | Y    Y    -    -    Y    -    -    -    Y    Y    Y    -
enhetschef of other enhet, same avdelning | -    -    -    -    -    -    -    -    -    -    -    -
enhetschef of enhet in other avdelning    | -    -    -    -    -    -    -    -    -    -    -    -
former enhetschef of this enhet           | -    -    -    -    -    -    -    -    -    -    -    -
ersättare for enhetschef, on their dates  | Y    Y    -    -    Y    -    -    -    Y    Y    Y    -
ersättare for enhetschef, off their dates | -    -    -    -    -    -    -    -    -    -    -    -
avdelningschef above                      | -    -    Y    Y    -    -    -    -    -    -    -    -
ersättare for avdelningschef above        | -    -    Y    Y    -    -    -    -    -    -    -    -
avdelningschef elsewhere                  | -    -    -    -    -    -    -    -    -    -    -    -
förvaltningschef                          | -    -    -    -    -    Y    Y    Y    -    -    -    Y
ställföreträdande förvaltningschef        | -    -    -    -    -    Y    Y    Y    -    -    -    Y
controller                                | -    -    -    -    -    Y    Y    Y    -    -    -    Y
ordförande of the nämnd                   | -    -    -    -    -    -    -    -    -    -    -    -
ledamot of the nämnd                      | -    -    -    -    -    -    -    -    -    -    -    -
nämndsekreterare                          | -    -    -    -    -    -    -    -    -    -    -    -
revisor                                   | -    -    -    -    -    -    -    -    -    -    -    -
unknown person                            | -    -    -    -    -    -    -    -    -    -    -    -
"""


@dataclass(frozen=True)
class Person:
    person_id: str
    when: datetime
    on_behalf_of: str | None = None


PEOPLE = {
    "enhetschef of this enhet": Person("anna", IN_AUGUST),
    "enhetschef of other enhet, same avdelning": Person("bertil", IN_AUGUST),
    "enhetschef of enhet in other avdelning": Person("cecilia", IN_AUGUST),
    "former enhetschef of this enhet": Person("petra", IN_AUGUST),
    "ersättare for enhetschef, on their dates": Person("ida", IN_SUMMER, "anna"),
    "ersättare for enhetschef, off their dates": Person("ida", IN_AUGUST),
    "avdelningschef above": Person("david", IN_AUGUST),
    "ersättare for avdelningschef above": Person("olle", IN_AUGUST, "david"),
    "avdelningschef elsewhere": Person("eva", IN_AUGUST),
    "förvaltningschef": Person("fredrik", IN_AUGUST),
    "ställföreträdande förvaltningschef": Person("stina", IN_AUGUST),
    "controller": Person("gun", IN_AUGUST),
    "ordförande of the nämnd": Person("hans", IN_AUGUST),
    "ledamot of the nämnd": Person("lars", IN_AUGUST),
    "nämndsekreterare": Person("maria", IN_AUGUST),
    "revisor": Person("revisor", IN_AUGUST),
    "unknown person": Person("okand", IN_AUGUST),
}

EXTRA_PEOPLE = ["petra", "olle", "lars", "maria"]
EXTRA_ASSIGNMENTS = [
    RoleAssignment("x1", "petra", "enhetschef", "enh-ekhagen", date(2021, 1, 1),
                   date(2021, 12, 31)),
    RoleAssignment("x2", "olle", "avdelningschef", "avd-aldreboende", date(2022, 8, 1),
                   date(2022, 8, 31), substitute_for="david", reason="frånvaro"),
    RoleAssignment("x3", "lars", "ledamot", "von", date(2022, 1, 1), None),
    RoleAssignment("x4", "maria", "namndsekreterare", "von", date(2022, 1, 1), None),
]


def _klarmarkerad(app: TestEngine) -> None:
    app.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=IN_AUGUST), "anna")


def _arsplan_adopted(app: TestEngine) -> None:
    import_arsplan(app, Path("data/von/arsplan_2022_2023.yaml"))


def _nothing(app: TestEngine) -> None:
    """The report stays as opened (ej påbörjad)."""


@dataclass(frozen=True)
class CommandCase:
    """A command, and the state in which only authority can refuse it."""

    precondition: Callable[[TestEngine], None]
    build: Callable[[datetime], c.Command]


COMMANDS: dict[str, CommandCase] = {
    "ChangeItem": CommandCase(_nothing, lambda at: c.ChangeItem(
        report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys", value="Analys",
        occurred_at=at)),
    "Klarmarkera": CommandCase(_nothing, lambda at: c.Klarmarkera(
        report_id=EKHAGEN, occurred_at=at)),
    "Attestera": CommandCase(_klarmarkerad, lambda at: c.Attestera(
        report_id=EKHAGEN, occurred_at=at)),
    "Atersand": CommandCase(_klarmarkerad, lambda at: c.Atersand(
        report_id=EKHAGEN, reason="Analysen saknas", occurred_at=at)),
    "Reopen": CommandCase(_klarmarkerad, lambda at: c.Reopen(
        report_id=EKHAGEN, reason="Fel siffra", occurred_at=at)),
    "MoveReportDeadline": CommandCase(_nothing, lambda at: c.MoveReportDeadline(
        report_id=EKHAGEN, new_deadline=datetime(2022, 8, 26, 21, 59, tzinfo=UTC),
        reason="Enheten bad om mer tid", occurred_at=at)),
    "OpenCycle": CommandCase(_nothing, lambda at: c.OpenCycle(
        namnd_code="VON", process="arsbokslut", year=2022, title="Årsbokslut 2022",
        enhet_deadline=date(2023, 1, 19), avdelning_deadline=date(2023, 1, 26),
        forvaltning_deadline=date(2023, 2, 8), underlag_date=date(2023, 2, 9),
        beslut_date=date(2023, 2, 20), occurred_at=at)),
    "RecordIndicator": CommandCase(_nothing, lambda at: c.RecordIndicator(
        report_id=EKHAGEN, item_id="mal-trygg-vard", occurred_at=at,
        indicator=c.IndicatorInput(name="Nöjdhet", direction="higher", malvarde=90))),
    "SetBedomning": CommandCase(_nothing, lambda at: c.SetBedomning(
        report_id=EKHAGEN, item_id="mal-trygg-vard", bedomning="Delvis uppfyllt",
        motivering="Se analysen", occurred_at=at)),
    "RecordEkonomi": CommandCase(_nothing, lambda at: c.RecordEkonomi(
        report_id=EKHAGEN, kind="drift", columns={"budget": "Budget"}, occurred_at=at,
        rows=[c.EkonomiRowInput(label="Intäkter", role="intakter", values={"budget": 10})])),
    "MoveCycleDeadline": CommandCase(_nothing, lambda at: c.MoveCycleDeadline(
        cycle_id=CYCLE, level="enhet", new_deadline=datetime(2022, 8, 26, 21, 59, tzinfo=UTC),
        reason="Hypergene låg nere", occurred_at=at)),
    # The årsbokslut has not opened (the fixture opens the delårsbokslut only).
    "MoveMilestone": CommandCase(_arsplan_adopted, lambda at: c.MoveMilestone(
        namnd_code="VON", label="2022/2023", milestone_id="f-ars-2022-enhetschefer",
        start=date(2023, 1, 12), end=date(2023, 1, 23), reason="Nämnden flyttade sammanträdet",
        occurred_at=at)),
}


def _parse(table: str) -> dict[tuple[str, str], bool]:
    _, *rows = [line.split("|") for line in table.strip().splitlines()]
    return {(who.strip(), command): answer == "Y"
            for who, answers in rows
            for command, answer in zip(COLUMNS, answers.split(), strict=True)}


MATRIX = _parse(EXPECTED)


def test_the_table_covers_every_person_and_every_person_command() -> None:
    assert {p for p, _ in MATRIX} == set(PEOPLE)
    assert {cmd for _, cmd in MATRIX} == set(COMMANDS) == {
        t.__name__ for t in c.PERSON_COMMANDS}


@pytest.fixture
def app() -> Iterator[TestEngine]:
    application = TestEngine(env=dict(MEMORY_ENV),
                             clock=ManualClock(datetime(2022, 8, 12, 8, 0, tzinfo=UTC)))
    build_organisation(application)
    ensure_organisation(
        application.store, "VON", "Vård- och omsorgsnämnden", [],
        [{"person_id": p, "name": p.capitalize()} for p in EXTRA_PEOPLE], EXTRA_ASSIGNMENTS,
        Actor.system("import"), directory_for(application.store))
    open_delar_2022(application)
    yield application
    application.close()


def _notification_count(app: TestEngine) -> int:
    return app.recorder.max_notification_id() or 0


@pytest.mark.parametrize(("who", "command"), sorted(MATRIX), ids=lambda v: str(v))
def test_authority(app: TestEngine, who: str, command: str) -> None:
    person, case = PEOPLE[who], COMMANDS[command]
    case.precondition(app)
    before = _notification_count(app)
    if MATRIX[(who, command)]:
        result = app.execute(case.build(person.when), person.person_id)
        assert not result.duplicate
        recorded = list(app.aggregate_events(result.aggregate_id))[-1]
        assert recorded.actor.person_id == person.person_id
        assert recorded.actor.on_behalf_of == person.on_behalf_of
    else:
        with pytest.raises(NotAuthorisedError):
            app.execute(case.build(person.when), person.person_id)
        assert _notification_count(app) == before, "a refused command records nothing"
