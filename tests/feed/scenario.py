"""A populated store for feed tests: VON's Delårsbokslut 2022 under way, and a second nämnd."""

from __future__ import annotations

from datetime import UTC, date, datetime

from application.organisation import ensure_organisation
from domain import commands as c
from domain import system_commands as sc
from domain.base import Actor
from domain.organisation import RoleAssignment
from infrastructure.person_directory import directory_for
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report

EKHAGEN = report("enh-ekhagen")
BJORKLIDEN = report("enh-bjorkliden")
HEMTJANST = report("enh-hemtjanst-norr")
REMINDER_DEADLINE = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)  # 23:59 in Stockholm


def build_kfn(app: TestEngine) -> None:
    units = [{"unit_id": "kfn", "name": "Kultur- och fritidsnämnden", "kind": "namnd"},
             {"unit_id": "kfn-forv", "name": "Kultur- och fritidsförvaltningen",
              "kind": "forvaltning", "parent_id": "kfn"}]
    people = [{"person_id": "kurt", "name": "Kurt Karlsson", "email": "kurt@example.se"}]
    assignments = [RoleAssignment("k1", "kurt", "forvaltningschef", "kfn-forv",
                                  date(2022, 1, 1), None)]
    ensure_organisation(app.store, "KFN", "Kultur- och fritidsnämnden", units, people,
                        assignments, Actor.system("import"), directory_for(app.store))


def remind(app: TestEngine, report_id: object, key: str) -> None:
    """The workflow's reminder to whoever holds the klarmarkering that day."""
    app.execute_system(sc.RecordReminderSent(
        command_id=key, occurred_at=REMINDER_DEADLINE,
        report_id=report_id,  # type: ignore[arg-type]
        task="klarmarkera", deadline=REMINDER_DEADLINE))


def populate(app: TestEngine) -> None:
    """VON organisation, the cycle opened, edits, a klarmarkering, a reminder; then KFN."""
    build_organisation(app)
    open_delar_2022(app)
    for value in ("Analys 1", "Analys 2"):
        app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                                 value=value), "anna")
    app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
    app.execute(c.ChangeItem(report_id=BJORKLIDEN, item_id="mal-trygg-vard", field="analys",
                             value="Pågår"), "bertil")
    remind(app, HEMTJANST, "reminder-hemtjanst-1")  # to cecilia, its enhetschef
    build_kfn(app)


def add_more(app: TestEngine, count: int) -> None:
    for i in range(count):
        app.execute(c.ChangeItem(report_id=BJORKLIDEN, item_id="mal-trygg-vard",
                                 field="analys", value=f"Version {i}"), "bertil")
