"""What the store must hold after the Delårsbokslut 2022 script (expectations by hand)."""

from __future__ import annotations

from datetime import datetime

from domain.calendar import STOCKHOLM
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from simulation.delarsbokslut_2022 import (
    BESLUT_AT,
    CHEF,
    CYCLE,
    PARENT,
    SCOPE,
    at,
    rid,
    run_cycle,
    run_cycle_until,
)
from simulation.delarsbokslut_2022 import setup_store as _setup_store
from tests.support.engine import TestEngine
from tests.workflows.harness import VON_DATA

__all__ = ["CYCLE", "SCOPE", "at", "rid", "run_cycle", "run_cycle_until", "setup_store"]


def setup_store(app: TestEngine) -> None:
    """The script's store set-up on the repository's VON data."""
    _setup_store(app, VON_DATA)  # type: ignore[arg-type]


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
        ("Escalated", "klarmarkera->p-a4bdc6/avdelningschef", at("08-23", "23:59")),
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


def report_facts(app: TestEngine, unit_id: str) -> list[tuple[str, str, datetime]]:
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


def cycle_facts(app: TestEngine) -> list[tuple[str, datetime]]:
    return [(type(e).__name__, _minute(e.occurred_at))
            for e in list(app.aggregate_events(CYCLE))[1:]]


def _minute(instant: datetime) -> datetime:
    return instant.astimezone(STOCKHOLM).replace(second=0, microsecond=0)


def underlag_sha(app: TestEngine) -> str:
    return next(e.document_sha256 for e in app.aggregate_events(CYCLE)
                if isinstance(e, Cycle.UnderlagSent))
