"""The Delårsbokslut 2022 VON scenario: who does what when, and what the store must hold.

Real VON data (data/von), six avdelningar and four enheter in scope. Dates are the
seed's: enheter by 2022-08-23, avdelningar by 08-30, underlag 09-13, beslut 09-27.
Brunnsgården is återsänd once; Haga hemtjänst 1 is late and escalated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.application import Arsplaner
from domain.base import Actor
from domain.calendar import STOCKHOLM
from domain.commands import Atersand, Command, Godkann, Klarmarkera, OpenCycle
from domain.cycle import Cycle
from domain.ids import cycle_id, unit_report_id
from domain.unit_report import UnitReport
from infrastructure.importer import cycle_plans, import_organisation, import_report_template
from tests.workflows.harness import Scenario
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

DATA = Path("data/von")
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


def reminder(unit: str, when: datetime, task: str = "klarmarkera",
             overdue: bool = False) -> tuple[str, str, datetime]:
    owner = CHEF[unit] if task == "klarmarkera" else CHEF[PARENT[unit]]
    return ("ReminderSent", f"{task}->{owner}{' (sen)' if overdue else ''}", when)


def attest(when: datetime, deadline: datetime) -> tuple[str, str, datetime]:
    return ("AttestationRequested", f"deadline {deadline:%m-%d %H:%M}", when)


def done(unit: str, klar: datetime, deadline: datetime, godkand: datetime
         ) -> list[tuple[str, str, datetime]]:
    return [("Klarmarkerad", "", klar), attest(klar, deadline), ("Godkand", "", godkand)]


EXPECTED: dict[str, list[tuple[str, str, datetime]]] = {
    "enh-bjarkegarden": done("enh-bjarkegarden", at("08-16", "10:00"), at("08-19", "23:59"),
                             at("08-17", "09:00")),
    "enh-myndighet-ao": done("enh-myndighet-ao", at("08-17", "09:00"), at("08-22", "23:59"),
                             at("08-18", "15:00")),
    "enh-brunnsgarden": [
        reminder("enh-brunnsgarden", at("08-18")),
        ("Klarmarkerad", "", at("08-19", "14:00")),
        attest(at("08-19", "14:00"), at("08-24", "23:59")),
        ("Atersand", "", at("08-22", "09:00")),
        # New deadline Friday 26 August: reminders three and one working day before.
        reminder("enh-brunnsgarden", at("08-23")),
        *done("enh-brunnsgarden", at("08-24", "11:00"), at("08-29", "23:59"),
              at("08-25", "10:00")),
    ],
    "enh-haga-hemtjanst-1": [
        reminder("enh-haga-hemtjanst-1", at("08-18")),
        reminder("enh-haga-hemtjanst-1", at("08-22")),
        ("DeadlinePassed", "klarmarkera", at("08-23", "23:59")),
        ("Escalated", "klarmarkera->p-mikael-provstrom/avdelningschef", at("08-23", "23:59")),
        reminder("enh-haga-hemtjanst-1", at("08-24"), overdue=True),
        reminder("enh-haga-hemtjanst-1", at("08-25"), overdue=True),
        *done("enh-haga-hemtjanst-1", at("08-25", "13:00"), at("08-30", "23:59"),
              at("08-26", "09:00")),
    ],
    **{a: done(a, at("08-22", "10:00"), at("08-25", "23:59"), at("08-23", "10:00"))
       for a in ("avd-planering", "avd-funktionsstod", "avd-halso-och-sjukvard")},
    "avd-myndighet": done("avd-myndighet", at("08-24", "10:00"), at("08-29", "23:59"),
                          at("08-25", "10:30")),
    # Starts 25 August when its enheter are godkända: the reminder due that morning is past.
    "avd-aldreboende": done("avd-aldreboende", at("08-26", "10:00"), at("08-31", "23:59"),
                            at("08-29", "10:00")),
    "avd-kvarboende": [
        reminder("avd-kvarboende", at("08-29")),
        *done("avd-kvarboende", at("08-29", "11:00"), at("09-01", "23:59"),
              at("08-30", "10:00")),
    ],
    "von-forv": [reminder("von-forv", at("09-07")), ("Klarmarkerad", "", at("09-08", "10:00"))],
}
EXPECTED_CYCLE = [("UnderlagSent", at("09-13")), ("BeslutRecorded", BESLUT_AT),
                  ("BeslutExported", BESLUT_AT)]


def setup_store(app: Arsplaner) -> None:
    import_organisation(app, DATA / "organisation.yaml")
    import_report_template(app, "VON", DATA / "report_template.yaml")
    plan = next(p for p in cycle_plans(DATA / "arsplan_2022_2023.yaml")
                if p.command.process == "delarsbokslut")
    command: OpenCycle = plan.command.model_copy(
        update={"unit_ids": SCOPE, "occurred_at": at("08-12", "07:00")})
    app.execute(command, "p-johan-kalkylsson")


def report_facts(app: Arsplaner, unit_id: str) -> list[tuple[str, str, datetime]]:
    out = []
    for e in list(app.aggregate_events(rid(unit_id)))[1:]:
        detail = ""
        if isinstance(e, UnitReport.ReminderSent):
            detail = f"{e.task}->{e.recipient_person_id}{' (sen)' if e.overdue else ''}"
        elif isinstance(e, UnitReport.Escalated):
            detail = f"{e.task}->{e.to_person_id}/{e.to_role}"
        elif isinstance(e, UnitReport.DeadlinePassed):
            detail = e.task
        elif isinstance(e, UnitReport.AttestationRequested):
            detail = f"deadline {e.deadline.astimezone(STOCKHOLM):%m-%d %H:%M}"
        out.append((type(e).__name__, detail, _minute(e.occurred_at)))
    return out


def cycle_facts(app: Arsplaner) -> list[tuple[str, datetime]]:
    return [(type(e).__name__, _minute(e.occurred_at))
            for e in list(app.aggregate_events(CYCLE))[1:]]


def _minute(instant: datetime) -> datetime:
    return instant.astimezone(STOCKHOLM).replace(second=0, microsecond=0)


StepHook = Callable[[int, Scenario], Awaitable[None]]


async def run_cycle(s: Scenario, after_step: StepHook | None = None) -> Any:
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


async def run_cycle_until(s: Scenario, until: datetime) -> Any:
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


def underlag_sha(app: Arsplaner) -> str:
    return next(e.document_sha256 for e in app.aggregate_events(CYCLE)
                if isinstance(e, Cycle.UnderlagSent))
