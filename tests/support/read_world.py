"""The VON demo as the read policy's tests see it: every kind of reader, something to read.

The real organisation and delegationsordning (``data/von/``), the demo cycle opened by the
controller, the enhetschef's klarmarkering, another enhetschef's edit, reminders to two
enhetschefer, a sammanträde with its anmälningslista, and a second nämnd (SN) with one
enhetschef of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import yaml
from fastapi import FastAPI

from api.app import create_app
from api.auth import dev_token, dev_tokens
from application.organisation import ensure_organisation
from cli.demo import load_demo_data
from domain import commands as c
from domain import system_commands as sc
from domain.base import Actor
from domain.ids import organisation_id, unit_report_id
from domain.organisation import RoleAssignment
from domain.unit_report import UnitReport
from infrastructure.importer import import_organisation
from infrastructure.person_directory import directory_for, person_names
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_meetings import compile_anmalningslista, schedule

DATA = Path(__file__).resolve().parents[2] / "data" / "von"
KOMMUN = DATA.parent / "kommun"
CALENDAR_SECRET = "read-policy-calendar-secret"
OPENED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
MEETING_DAY = date(2026, 12, 15)

# The readers, by what they are to Sara's unit (Schema och resursenheten, under Planering).
READERS = {
    "enhetschef": "p-5abbb7",
    "avdelningschef": "p-5af52e",
    "förvaltningschef": "p-f9c1f1",
    "controller": "p-355f78",
    "nämndsekreterare": "p-41c9ef",
    "ordförande": "p-c0eeec",
    "revisor": "p-62c8b8",
    "enhetschef annan avdelning": "p-0a678d",  # Bjärkegården, Äldreboende
    "annan nämnd": "p-olle-annan",  # enhetschef in SN
}
# Kommunledningskontoret's controller (data/kommun): reads across nämnder, no column of its
# own in the matrix (its answers are the matrix test's KLK table).
KLK = "p-b83f10"
SARAS_UNIT = "enh-schema-och-resursenheten"
CECILIAS_UNIT = "enh-bjarkegarden"


@dataclass
class ReadWorld:
    app: TestEngine
    api: FastAPI
    clock: ManualClock
    cycle_id: UUID
    meeting_id: UUID

    @property
    def organisation_id(self) -> UUID:
        return organisation_id("VON")

    def report_id(self, unit_id: str) -> UUID:
        return unit_report_id(self.cycle_id, unit_id)


def _names() -> dict[str, str]:
    people = [p for folder in (DATA, KOMMUN) for p in yaml.safe_load(
        (folder / "organisation.yaml").read_text(encoding="utf-8"))["people"]]
    return {p["person_id"]: p["name"] for p in people} | {"p-olle-annan": "Olle Annan"}


NAMES = _names()


def token(person_id: str) -> str:
    return dev_token(NAMES[person_id])


def auth(person_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(person_id)}"}


def _another_namnd(app: TestEngine) -> None:
    units = [{"unit_id": "sn", "name": "Socialnämnden", "kind": "namnd"},
             {"unit_id": "sn-forv", "name": "Socialförvaltningen", "kind": "forvaltning",
              "parent_id": "sn"},
             {"unit_id": "sn-enh", "name": "Försörjningsstöd", "kind": "enhet",
              "parent_id": "sn-forv"}]
    people = [{"person_id": "p-olle-annan", "name": "Olle Annan",
               "email": "olle.annan@example.se"}]
    assignments = [RoleAssignment("sn-a1", "p-olle-annan", "enhetschef", "sn-enh",
                                  date(2022, 1, 1), None)]
    ensure_organisation(app.store, "SN", "Socialnämnden", units, people, assignments,
                        Actor.system("import"), directory_for(app.store))


@contextmanager
def read_world(folder: Path) -> Iterator[ReadWorld]:
    clock = ManualClock(OPENED)
    app = TestEngine(env=sqlite_env(folder / "events.sqlite"), clock=clock)
    cycle = load_demo_data(app, DATA).cycle_id
    _another_namnd(app)
    import_organisation(app, KOMMUN / "organisation.yaml")
    saras = unit_report_id(cycle, SARAS_UNIT)
    app.execute(c.ChangeItem(report_id=saras, item_id=_first_item(app, saras), field="analys",
                             value="Schemaläggningen håller"), READERS["enhetschef"])
    app.execute(c.Klarmarkera(report_id=saras), READERS["enhetschef"])
    cecilias = unit_report_id(cycle, CECILIAS_UNIT)
    app.execute(c.ChangeItem(report_id=cecilias, item_id=_first_item(app, cecilias),
                             field="analys", value="Bemanningen brister"),
                READERS["enhetschef annan avdelning"])
    for unit in (SARAS_UNIT, CECILIAS_UNIT):
        app.execute_system(sc.RecordReminderSent(
            command_id=f"test:reminder:{unit}", occurred_at=clock.now,
            report_id=unit_report_id(cycle, unit), task="klarmarkera",
            deadline=datetime(2026, 12, 6, 22, 59, tzinfo=UTC)))
    meeting = schedule(app, MEETING_DAY)
    clock.advance(days=14)  # past the meeting's cut-off: the ordförandebeslut is listed
    compile_anmalningslista(app, meeting, clock.now)
    read_models = ReadModels.for_app(app)
    tokens = dev_tokens(app.organisation("VON"), person_names(app.store, "VON")) | {
        token("p-olle-annan"): "p-olle-annan", token(KLK): KLK}
    api = create_app(app, app.bus, tokens, read_models=read_models)
    api.state.calendar_secret = CALENDAR_SECRET
    try:
        yield ReadWorld(app, api, clock, cycle, meeting)
    finally:
        read_models.close()
        app.close()


def _first_item(app: TestEngine, report_id: UUID) -> str:
    return next(iter(app.get(report_id, UnitReport).items))
