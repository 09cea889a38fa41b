"""A VON-shaped organisation and cycle to run commands against, and a bare twin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from application.cycles import ensure_report_template
from application.organisation import ensure_organisation
from bootstrap import Engine
from domain import commands as c
from domain.base import Actor
from domain.ids import cycle_id, unit_report_id
from domain.organisation import RoleAssignment
from infrastructure.person_directory import directory_for

WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
TEMPLATE = [{"item_id": "mal-1", "kind": "mal", "title": "Trygg vård",
             "levels": ["enhet", "avdelning"]}]


@dataclass(frozen=True)
class Shape:
    avdelningar: int = 6
    enheter_per_avdelning: int = 8
    edits_per_report: int = 20

    @property
    def enheter(self) -> int:
        return self.avdelningar * self.enheter_per_avdelning

    @property
    def commands(self) -> int:
        return self.enheter * (self.edits_per_report + 1)


def enhet_ids(shape: Shape) -> list[str]:
    return [f"enh-{a}-{e}" for a in range(shape.avdelningar)
            for e in range(shape.enheter_per_avdelning)]


def build_organisation(engine: Engine, shape: Shape) -> list[tuple[UUID, str]]:
    """Opens a cycle; returns each enhet report with the person who is its chef."""
    import_organisation(engine, shape)
    cmd = c.OpenCycle(namnd_code="VON", process="delarsbokslut", year=2022,
                      title="Delårsbokslut 2022", enhet_deadline=date(2022, 8, 23),
                      avdelning_deadline=date(2022, 8, 30),
                      forvaltning_deadline=date(2022, 9, 12),
                      underlag_date=date(2022, 9, 13), beslut_date=date(2022, 9, 27))
    engine.execute(cmd.model_copy(update={"occurred_at": WHEN}), "p-ctrl")
    cycle = cycle_id("VON", "delarsbokslut", 2022)
    return [(unit_report_id(cycle, u), f"p-{u}") for u in enhet_ids(shape)]


def import_organisation(engine: Engine, shape: Shape) -> None:
    """VON with ``shape``'s avdelningar and enheter, a chef each, and the report template."""
    units: list[dict[str, Any]] = [
        {"unit_id": "von", "name": "VON", "kind": "namnd"},
        {"unit_id": "forv", "name": "Förvaltningen", "kind": "forvaltning", "parent_id": "von"}]
    start = date(2022, 1, 1)
    assignments = [RoleAssignment("a-forv", "p-forv", "forvaltningschef", "forv", start, None),
                   RoleAssignment("a-ctrl", "p-ctrl", "controller", "forv", start, None)]
    for a in range(shape.avdelningar):
        units.append({"unit_id": f"avd-{a}", "name": f"Avdelning {a}", "kind": "avdelning",
                      "parent_id": "forv"})
        assignments.append(RoleAssignment(f"a-avd-{a}", f"p-avd-{a}", "avdelningschef",
                                          f"avd-{a}", start, None))
    for unit_id in enhet_ids(shape):
        parent = "avd-" + unit_id.split("-")[1]
        units.append({"unit_id": unit_id, "name": unit_id, "kind": "enhet",
                      "parent_id": parent})
        assignments.append(RoleAssignment(f"a-{unit_id}", f"p-{unit_id}", "enhetschef",
                                          unit_id, start, None))
    people = [{"person_id": a.person_id, "name": a.person_id} for a in assignments]
    ensure_organisation(engine.store, "VON", "VON", units, people, assignments,
                        Actor.system("import"), directory_for(engine.store))
    ensure_report_template(engine.store, "VON", TEMPLATE, Actor.system("import"))


def report_commands(report_id: UUID, edits: int) -> list[c.Command]:
    """What one enhetschef does: edit the analysis a number of times, then klarmarkera."""
    changes: list[c.Command] = [
        c.ChangeItem(report_id=report_id, item_id="mal-1", field="analys",
                     value=f"Analys, version {n}", occurred_at=WHEN) for n in range(edits)]
    return [*changes, c.Klarmarkera(report_id=report_id, occurred_at=WHEN)]


class BareReport(Aggregate):
    """The same appends with nothing of ours: no chain, no actor, no authority."""

    def __init__(self, unit_id: str) -> None:
        self.unit_id = unit_id
        self.values: dict[str, Any] = {}
        self.status = "ej_paborjad"

    @event("ItemChanged")
    def change_item(self, item_id: str, field: str, value: str) -> None:
        self.values[f"{item_id}.{field}"] = value
        self.status = "pagar"

    @event("Klarmarkerad")
    def klarmarkera(self) -> None:
        self.status = "klarmarkerad"


class BareApplication(Application[UUID]):
    name = "bare"

    def open_reports(self, count: int) -> list[UUID]:
        reports = [BareReport(f"enh-{n}") for n in range(count)]
        self.save(*reports)
        return [r.id for r in reports]

    def change_item(self, report_id: UUID, value: str) -> None:
        report: BareReport = self.repository.get(report_id)
        report.change_item("mal-1", "analys", value)
        self.save(report)

    def klarmarkera(self, report_id: UUID) -> None:
        report: BareReport = self.repository.get(report_id)
        report.klarmarkera()
        self.save(report)


def bare_commands(report_id: UUID, edits: int) -> list[tuple[UUID, str | None]]:
    return [*((report_id, f"Analys, version {n}") for n in range(edits)), (report_id, None)]


def new_id() -> UUID:
    return uuid4()
