"""The Delårsbokslut 2022 VON script: who does what when, on the seed's dates.

Real VON data (data/von), six avdelningar and four enheter in scope. Enheter by
2022-08-23, avdelningar by 08-30, underlag 09-13, beslut 09-27. Brunnsgården is
återsänd once; Haga hemtjänst 1 is late and escalated. ``arsplan simulate`` and the
acceptance tests play it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.application import Arsplaner
from domain.base import Actor
from domain.calendar import STOCKHOLM
from domain.commands import Atersand, Command, Godkann, Klarmarkera, OpenCycle
from domain.ids import cycle_id, unit_report_id
from infrastructure.importer import cycle_plans, import_organisation, import_report_template
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

if TYPE_CHECKING:
    from infrastructure.simulation import Simulation

SCENARIO_START = datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)
CYCLE = cycle_id("VON", "delarsbokslut", 2022)
ENHETER = ["enh-bjarkegarden", "enh-brunnsgarden", "enh-haga-hemtjanst-1", "enh-myndighet-ao"]
AVDELNINGAR = ["avd-planering", "avd-myndighet", "avd-aldreboende", "avd-kvarboende",
               "avd-funktionsstod", "avd-halso-och-sjukvard"]
SCOPE = ["von-forv", *AVDELNINGAR, *ENHETER]
CHEF = {
    "von-forv": "p-birgitta-exempelsson", "avd-planering": "p-helena-demoberg",
    "avd-myndighet": "p-peter-exempelgren", "avd-aldreboende": "p-lena-testlund",
    "avd-kvarboende": "p-mikael-provstrom", "avd-funktionsstod": "p-eva-fiktivsson",
    "avd-halso-och-sjukvard": "p-anders-pahittadsson",
    "enh-bjarkegarden": "p-cecilia-demoqvist", "enh-brunnsgarden": "p-fredrik-exempelsten",
    "enh-haga-hemtjanst-1": "p-emma-fiktivholm", "enh-myndighet-ao": "p-maria-testhed",
}
PARENT = {**{e: a for e, a in zip(ENHETER, ["avd-aldreboende", "avd-aldreboende",
                                              "avd-kvarboende", "avd-myndighet"], strict=True)},
          **{a: "von-forv" for a in AVDELNINGAR}}


def at(day: str, hhmm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"2022-{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


def rid(unit_id: str) -> UUID:
    return unit_report_id(CYCLE, unit_id)


def klarmarkera(unit: str, when: datetime) -> tuple[datetime, str, Command]:
    return when, CHEF[unit], Klarmarkera(report_id=rid(unit), occurred_at=when)


def godkann(unit: str, when: datetime) -> tuple[datetime, str, Command]:
    return when, CHEF[PARENT[unit]], Godkann(report_id=rid(unit), occurred_at=when)


STEPS: list[tuple[datetime, str, Command]] = sorted([
    klarmarkera("enh-bjarkegarden", at("08-16", "10:00")),
    godkann("enh-bjarkegarden", at("08-17", "09:00")),
    klarmarkera("enh-myndighet-ao", at("08-17", "09:00")),
    godkann("enh-myndighet-ao", at("08-18", "15:00")),
    klarmarkera("enh-brunnsgarden", at("08-19", "14:00")),
    (at("08-22", "09:00"), CHEF["avd-aldreboende"],
     Atersand(report_id=rid("enh-brunnsgarden"), occurred_at=at("08-22", "09:00"),
              reason="Analysen av målet Trygg vård saknas", new_deadline=at("08-26", "23:59"))),
    *[klarmarkera(a, at("08-22", "10:00"))
      for a in ("avd-planering", "avd-funktionsstod", "avd-halso-och-sjukvard")],
    *[godkann(a, at("08-23", "10:00"))
      for a in ("avd-planering", "avd-funktionsstod", "avd-halso-och-sjukvard")],
    klarmarkera("enh-brunnsgarden", at("08-24", "11:00")),
    klarmarkera("avd-myndighet", at("08-24", "10:00")),
    godkann("enh-brunnsgarden", at("08-25", "10:00")),
    godkann("avd-myndighet", at("08-25", "10:30")),
    klarmarkera("enh-haga-hemtjanst-1", at("08-25", "13:00")),
    godkann("enh-haga-hemtjanst-1", at("08-26", "09:00")),
    klarmarkera("avd-aldreboende", at("08-26", "10:00")),
    godkann("avd-aldreboende", at("08-29", "10:00")),
    klarmarkera("avd-kvarboende", at("08-29", "11:00")),
    godkann("avd-kvarboende", at("08-30", "10:00")),
    klarmarkera("von-forv", at("09-08", "10:00")),
], key=lambda step: step[0])
BESLUT_AT = at("09-27", "14:00")


def setup_store(app: Arsplaner, data: Path = Path("data/von")) -> None:
    import_organisation(app, data / "organisation.yaml")
    import_report_template(app, "VON", data / "report_template.yaml")
    plan = next(p for p in cycle_plans(data / "arsplan_2022_2023.yaml")
                if p.command.process == "delarsbokslut")
    command: OpenCycle = plan.command.model_copy(
        update={"unit_ids": SCOPE, "occurred_at": at("08-12", "07:00")})
    app.execute(command, "p-johan-kalkylsson")


StepHook = Callable[[int, "Simulation"], Awaitable[None]]


async def run_cycle(s: Simulation, after_step: StepHook | None = None) -> Any:
    """Drives the whole cycle; ``after_step(i, s)`` may crash and restart things."""
    handle = await s.client.start_workflow(
        CycleWorkflow.run, CycleInput(cycle_id=str(CYCLE)), id=cycle_workflow_id(CYCLE),
        task_queue=s.task_queue)
    await s.settle(handle)
    for i, (when, person, command) in enumerate(STEPS):
        await s.advance_to(when, handle)
        await s.act(person, command, handle)
        if after_step is not None:
            await after_step(i, s)
    await s.advance_to(BESLUT_AT, handle)
    s.app.record_cycle_fact(
        CYCLE, "meeting:von-2022-09-27:§68", BESLUT_AT,
        lambda cy, cause: cy.record_beslut("Nämnden godkänner delårsbokslut 2022",
                                           "von-2022-09-27", "§ 68", cause),
        Actor("p-anna-demo", "ordforande", "von"))
    await s.deliver(handle)
    return handle


async def run_cycle_until(s: Simulation, until: datetime) -> Any:
    """Starts the cycle and plays the steps up to ``until``."""
    handle = await s.client.start_workflow(
        CycleWorkflow.run, CycleInput(cycle_id=str(CYCLE)), id=cycle_workflow_id(CYCLE),
        task_queue=s.task_queue)
    await s.settle(handle)
    for when, person, command in STEPS:
        if when > until:
            break
        await s.advance_to(when, handle)
        await s.act(person, command, handle)
    await s.advance_to(until, handle)
    return handle


