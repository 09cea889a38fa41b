"""A populated store for feed tests: VON's Delårsbokslut 2022 under way, and a second nämnd."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain import commands as c
from domain.base import Actor
from domain.organisation import RoleAssignment
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
    app.ensure_organisation("KFN", "Kultur- och fritidsnämnden", units, people, assignments,
                            Actor.system("import"))


def remind(app: TestEngine, report_id: object, person_id: str, key: str) -> None:
    app.record_workflow_fact(
        report_id, key, REMINDER_DEADLINE,  # type: ignore[arg-type]
        lambda r, cause: r.record_reminder(person_id, "klarmarkera", REMINDER_DEADLINE, False,
                                           cause))


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
    remind(app, HEMTJANST, "cecilia", "reminder-hemtjanst-1")
    build_kfn(app)


def add_more(app: TestEngine, count: int) -> None:
    for i in range(count):
        app.execute(c.ChangeItem(report_id=BJORKLIDEN, item_id="mal-trygg-vard",
                                 field="analys", value=f"Version {i}"), "bertil")
