"""Who may do what in D's delegation and meeting commands, on the real VON organisation and
delegationsordning 2022: every command against every kind of person, read from a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from domain import delegation_commands as dc
from domain.calendar import STOCKHOLM
from domain.errors import NotAuthorisedError
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV
from tests.unit import von_delegation as von

OCT = date(2022, 10, 3)
SEMESTER = date(2022, 8, 3)  # the förvaltningschef is away; the ställföreträdande is vikarie
ARENDE = "2022.301 VON"
REVISOR = "p-62c8b8"

# Columns: record a beslut on row 2.1.3 (förvaltningschef), hand back an ärende on that row,
# schedule a sammanträde, återkalla a delegation for one ärende. "Y" allowed, "-" refused.
# Hand-back follows the vikarie's dates: on them the vikarie hands back, the delegat may not.
COLUMNS = ("Beslut", "HandBack", "Schedule", "Revoke")
EXPECTED = """
person                                                | Besl Back Sche Revo
förvaltningschef (the delegat)                        | Y    Y    -    -
förvaltningschef, jävig in the ärende                 | -    Y    -    -
förvaltningschef, on semester                         | -    -    -    -
ställföreträdande, vikarie on the semester dates      | Y    Y    -    -
ställföreträdande, off those dates, no absence stated | -    -    -    -
ställföreträdande as ersättare, absence stated        | Y    -    -    -
ordförande                                            | -    -    Y    Y
vice ordförande                                       | -    -    -    -
ledamot                                               | -    -    -    -
nämndsekreterare                                      | -    -    Y    Y
enhetschef                                            | -    -    -    -
avdelningschef                                        | -    -    -    -
revisor                                               | -    -    -    -
unknown person                                        | -    -    -    -
"""


@dataclass(frozen=True)
class Person:
    person_id: str
    on: date = OCT
    beslut_fields: dict[str, Any] = field(default_factory=dict)
    javig: bool = False


PEOPLE = {
    "förvaltningschef (the delegat)": Person(von.FORVALTNINGSCHEF),
    "förvaltningschef, jävig in the ärende": Person(von.FORVALTNINGSCHEF, javig=True),
    "förvaltningschef, on semester": Person(von.FORVALTNINGSCHEF, SEMESTER),
    "ställföreträdande, vikarie on the semester dates": Person(von.STF_FORVALTNINGSCHEF,
                                                               SEMESTER),
    "ställföreträdande, off those dates, no absence stated": Person(von.STF_FORVALTNINGSCHEF),
    "ställföreträdande as ersättare, absence stated": Person(
        von.STF_FORVALTNINGSCHEF, beslut_fields={"ersattare_for": von.FORVALTNINGSCHEF,
                                                 "franvaro": "frånvaro"}),
    "ordförande": Person(von.ORDFORANDE),
    "vice ordförande": Person(von.VICE_ORDFORANDE),
    "ledamot": Person(von.LEDAMOT),
    "nämndsekreterare": Person(von.SEKRETERARE),
    "enhetschef": Person(von.ENHETSCHEF_MYNDIGHET),
    "avdelningschef": Person(von.AVDELNINGSCHEF_MYNDIGHET),
    "revisor": Person(REVISOR),
    "unknown person": Person("p-okand"),
}


def _beslut(app: TestEngine, p: Person) -> object:
    return von.decide(app, p.person_id, "2.1.3", p.on, arende_ref=ARENDE, **p.beslut_fields)


def _hand_back(app: TestEngine, p: Person) -> object:
    return app.execute(dc.HandBackMatter(
        namnd_code="VON", row_nr="2.1.3", arende_ref=ARENDE, rubrik="Ansökan om bistånd",
        on=p.on, reason="Ärendet är av principiell beskaffenhet"), p.person_id)


def _schedule(app: TestEngine, p: Person) -> object:
    return app.execute(dc.ScheduleMeeting(
        namnd_code="VON", meeting_date=date(2022, 10, 25),
        starts_at=datetime.combine(date(2022, 10, 25), time(14), tzinfo=STOCKHOLM),
        cutoff=date(2022, 10, 18), anmalan_dnr="2022.018 VON"), p.person_id)


def _revoke(app: TestEngine, p: Person) -> object:
    return app.execute(dc.RevokeDelegation(
        namnd_code="VON", row_nr="2.1.3", from_date=p.on, dnr="2022.400 VON",
        paragraph="§ 81", arende_ref="2022.999 VON", reason="Nämnden avgör ärendet själv"),
        p.person_id)


COMMANDS: dict[str, Callable[[TestEngine, Person], object]] = {
    "Beslut": _beslut, "HandBack": _hand_back, "Schedule": _schedule, "Revoke": _revoke}


def _cases() -> list[Any]:
    cases = []
    for line in EXPECTED.strip().splitlines()[1:]:
        who, cells = (part.strip() for part in line.split("|"))
        for column, cell in zip(COLUMNS, cells.split(), strict=True):
            cases.append(pytest.param(who, column, cell == "Y"))
    return cases


def _world(p: Person) -> TestEngine:
    app = TestEngine(env=dict(MEMORY_ENV), clock=ManualClock(
        datetime.combine(p.on, time(10), tzinfo=STOCKHOLM).astimezone(UTC)))
    von.load_von(app)
    if p.javig:
        app.execute(dc.DeclareJav(namnd_code="VON", arende_ref=ARENDE, on=p.on,
                                  grounds="Delägare i utföraren"), p.person_id)
    return app


def test_the_table_names_every_person_and_command() -> None:
    rows = [line.split("|")[0].strip() for line in EXPECTED.strip().splitlines()[1:]]
    assert rows == list(PEOPLE)
    assert list(COMMANDS) == list(COLUMNS)


@pytest.mark.parametrize(("who", "command", "allowed"), _cases())
def test_authority(who: str, command: str, allowed: bool) -> None:
    person = PEOPLE[who]
    app = _world(person)
    if allowed:
        result = COMMANDS[command](app, person)
        assert getattr(result, "version", 0) >= 1
    else:
        with pytest.raises(NotAuthorisedError):
            COMMANDS[command](app, person)
