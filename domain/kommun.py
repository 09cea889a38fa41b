"""The kommun level: kommunstyrelsen's own steps of the nämnder's årsplaner, recorded by
kommunledningskontoret (KLK), and the statuses of KLK's view across förvaltningar.

Every nämnd's årsplan repeats the kommun table (KSAU dialog, KS and KF beslut); a kommun step
is such a milestone, the same id in every plan counted once. Its deadline is the end of its
last day in Stockholm. A step concerns a process and a year: the KSAU dialog on årsredovisning
in February 2023 follows the nämnder's årsbokslut 2022, the budget steps of 2022 prepare
Budget 2023 (``STEP_CYCLE_PROCESS``, ``YEAR_OFFSET``). docs/kommun.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

from domain.arsplan import Milestone
from domain.base import AuditedAggregate, Cause
from domain.calendar import end_of_day, local_date
from domain.errors import InvalidInputError, RuleViolationError
from domain.ids import kommun_steg_id

KOMMUN_CODE = "KS"  # kommunstyrelsen's organisation, whose förvaltning is KLK
KOMMUN_RESPONSIBLE = ("KS", "KF")  # the milestones that are the kommun's own steps
# The kommun's årsredovisning is made of the nämnder's årsbokslut.
STEP_CYCLE_PROCESS = {"arsredovisning": "arsbokslut"}
# Årsredovisning steps early in a year concern the year before; budget steps the year after.
YEAR_OFFSET = {"arsredovisning": -1, "budget": 1}

CYCLE_TITLES = {"arsbokslut": "Årsbokslut", "delarsbokslut": "Delårsbokslut",
                "budget": "Mål och budget",
                "fordjupad_manadsuppfoljning": "Fördjupad månadsuppföljning"}


def cycle_title(process: str, year: int) -> str:
    """A process's title where no nämnd's plan names its cycle (e.g. årsredovisning 2021)."""
    return f"{CYCLE_TITLES.get(process, process.replace('_', ' ').capitalize())} {year}"


# Statuses of KLK's view, with the words the page shows.
ON_TIME, LATE, OVERDUE, NOT_DUE, UPCOMING = (
    "i_tid", "for_sent", "saknas_forsenad", "ej_forfallen", "kommande")
UNDERLAG_LABELS = {ON_TIME: "Inkommet i tid", LATE: "Inkommet för sent",
                   OVERDUE: "Saknas – försenat", NOT_DUE: "Ej förfallet"}
BESLUT_LABELS = {ON_TIME: "Beslutat i tid", LATE: "Beslutat för sent",
                 OVERDUE: "Saknas – försenat", NOT_DUE: "Ej förfallet"}
STEP_LABELS = {ON_TIME: "Klart i tid", LATE: "Klart, försenat",
               OVERDUE: "Försenat – ej klart", UPCOMING: "Kommande"}


@dataclass(frozen=True)
class KommunStep:
    """A kommun milestone as a step with a deadline."""

    milestone_id: str
    process: str  # the milestone's own, e.g. "arsredovisning"
    step: str
    responsible: str
    start: date
    end: date

    @property
    def deadline(self) -> datetime:
        return end_of_day(self.end)

    @property
    def cycle_process(self) -> str:
        """The nämnder's process the step follows (årsredovisning: their årsbokslut)."""
        return STEP_CYCLE_PROCESS.get(self.process, self.process)

    @property
    def year(self) -> int:
        return self.end.year + YEAR_OFFSET.get(self.process, 0)


def is_kommun_step(m: Milestone) -> bool:
    return m.level == "kommun" and m.responsible in KOMMUN_RESPONSIBLE


def kommun_steps(milestones: Iterable[Milestone]) -> dict[str, KommunStep]:
    """The kommun's own steps among the plans' milestones, once each (the first plan's
    dates when two plans date the same step differently)."""
    found: dict[str, KommunStep] = {}
    for m in milestones:
        if is_kommun_step(m) and m.milestone_id not in found:
            found[m.milestone_id] = KommunStep(m.milestone_id, m.process, m.step,
                                               str(m.responsible), m.start, m.end)
    return found


def step_named(steps: dict[str, KommunStep], milestones: Iterable[Milestone],
               milestone_id: str) -> KommunStep:
    """The step, or a refusal naming the milestone: unknown, or not the kommun's own."""
    if milestone_id in steps:
        return steps[milestone_id]
    known = next((m for m in milestones if m.milestone_id == milestone_id), None)
    if known is None:
        raise InvalidInputError(
            f"Milstolpen {milestone_id!r} finns inte i någon nämnds årsplan",
            rule="unknown_kommun_step")
    raise InvalidInputError(
        f"Milstolpen {milestone_id!r} ({known.step}) är inte ett steg för kommunstyrelsen "
        f"eller kommunfullmäktige utan för {known.responsible or known.level}; den följs "
        "genom nämndens cykel", rule="not_a_kommun_step")


def done_status(done_on: date | None, due: date, now: datetime) -> str:
    """A dated step: done on or before its day, done later, overdue, or not yet due."""
    if done_on is not None:
        return ON_TIME if done_on <= due else LATE
    return OVERDUE if now > end_of_day(due) else NOT_DUE


def arrival_status(arrived_at: datetime | None, due: date, now: datetime) -> str:
    """An underlag or beslut by its instant: in time by the end of its day in Stockholm."""
    return done_status(local_date(arrived_at) if arrived_at else None, due, now)


def step_status(done_on: date | None, step: KommunStep, now: datetime) -> str:
    found = done_status(done_on, step.end, now)
    return UPCOMING if found == NOT_DUE else found


class KommunSteg(AuditedAggregate):
    """That one kommun step was done: KSAU held the dialog, KS or KF decided."""

    class Recorded(AuditedAggregate.Created):
        namnd_code: str  # kommunstyrelsen's, for the read policy
        milestone_id: str
        year: int
        process: str
        step: str
        responsible: str
        deadline: datetime
        done_on: date
        reference: str | None

    def __init__(self, namnd_code: str, milestone_id: str, year: int, process: str, step: str,
                 responsible: str, deadline: datetime, done_on: date,
                 reference: str | None) -> None:
        self.namnd_code = namnd_code
        self.milestone_id = milestone_id
        self.year = year
        self.process = process
        self.step = step
        self.responsible = responsible
        self.deadline = deadline
        self.done_on = done_on
        self.reference = reference

    @classmethod
    def record(cls, step: KommunStep, done_on: date, reference: str | None,
               cause: Cause) -> Self:
        if done_on > local_date(cause.occurred_at):
            raise InvalidInputError(
                f"{step.step}: datumet {done_on} har inte inträffat än", rule="done_in_future")
        return cls._create_audited(
            cls.Recorded, id=kommun_steg_id(step.year, step.milestone_id), cause=cause,
            namnd_code=KOMMUN_CODE, milestone_id=step.milestone_id, year=step.year,
            process=step.process, step=step.step, responsible=step.responsible,
            deadline=step.deadline, done_on=done_on, reference=reference)


def already_done(existing: KommunSteg | None) -> None:
    """A step is done once; a second record of it is refused, naming the first."""
    if existing is not None:
        raise RuleViolationError(
            f"{existing.step} är redan registrerat som klart den {existing.done_on}",
            rule="kommun_step_already_done")
