"""Årsplan: a nämnd's processes for one planning year, with their fixed dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from domain.base import AuditedAggregate, Cause
from domain.calendar import shift
from domain.errors import InvalidInputError, NotFoundError, RuleViolationError
from domain.ids import arsplan_id

LEVELS = ("kommun", "forvaltning")


@dataclass(frozen=True)
class Milestone:
    """One step of a process, e.g. "delårsuppföljning, enhetschefer" 2022-08-12–2022-08-23."""

    milestone_id: str
    level: str
    process: str
    step: str
    start: date
    end: date
    responsible: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"milestone_id": self.milestone_id, "level": self.level, "process": self.process,
                "step": self.step, "start": self.start, "end": self.end,
                "responsible": self.responsible}


@dataclass(frozen=True)
class PlannedCycle:
    """A cycle the plan defines (e.g. Delårsbokslut 2022) and the milestones that date it.

    ``milestone_ids`` name, in order, the milestones giving its opening, the enheter's
    deadline, the avdelningar's deadline, the underlag to KLK and the nämnd's beslut.
    """

    process: str
    year: int
    title: str
    milestone_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"process": self.process, "year": self.year, "title": self.title,
                "milestone_ids": list(self.milestone_ids)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlannedCycle:
        return cls(d["process"], d["year"], d["title"], tuple(d["milestone_ids"]))


MILESTONES_PER_CYCLE = 5


@dataclass(frozen=True)
class CycleSchedule:
    """A planned cycle resolved to dates by the plan's milestones as they stand now."""

    process: str
    year: int
    title: str
    opens_on: date
    enhet_deadline: date
    avdelning_deadline: date
    forvaltning_deadline: date  # the day before the underlag goes to KLK
    underlag_date: date
    beslut_date: date


class Arsplan(AuditedAggregate):
    """The year's plan. Milestones are added, moved or removed, never edited silently."""

    class Adopted(AuditedAggregate.Created):
        namnd_code: str
        label: str
        milestones: list[dict[str, Any]]

    class CyclesDefined(AuditedAggregate.Event):
        cycles: list[dict[str, Any]]

        def apply(self, aggregate: Arsplan) -> None:
            aggregate.cycles = [PlannedCycle.from_dict(c) for c in self.cycles]

    class MilestonesAdded(AuditedAggregate.Event):
        # namnd_code and label name the plan's ÅrsplanWorkflow, woken to re-read the plan.
        namnd_code: str
        label: str
        milestones: list[dict[str, Any]]

        def apply(self, aggregate: Arsplan) -> None:
            aggregate.milestones.update(
                {m["milestone_id"]: Milestone(**m) for m in self.milestones})

    class MilestoneMoved(AuditedAggregate.Event):
        # namnd_code and label name the plan (and so its ÅrsplanWorkflow) without a lookup.
        namnd_code: str
        label: str
        milestone_id: str
        old_start: date
        old_end: date
        start: date
        end: date
        reason: str

        def apply(self, aggregate: Arsplan) -> None:
            m = aggregate.milestones[self.milestone_id]
            aggregate.milestones[self.milestone_id] = Milestone(
                m.milestone_id, m.level, m.process, m.step, self.start, self.end, m.responsible)

    def __init__(self, namnd_code: str, label: str, milestones: list[dict[str, Any]]) -> None:
        self.namnd_code = namnd_code
        self.label = label
        self.milestones = {m["milestone_id"]: Milestone(**m) for m in milestones}
        self.cycles: list[PlannedCycle] = []

    @classmethod
    def adopt(cls, namnd_code: str, label: str, milestones: list[Milestone],
              cause: Cause) -> Self:
        ids = [m.milestone_id for m in milestones]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidInputError(f"Milstolpar förekommer flera gånger: {', '.join(duplicates)}",
                                    rule="duplicate_milestone")
        for m in milestones:
            _check_milestone(m)
        return cls._create_audited(
            cls.Adopted, id=arsplan_id(namnd_code, label), cause=cause, namnd_code=namnd_code,
            label=label, milestones=[m.as_dict() for m in milestones],
        )

    def add_milestones(self, milestones: list[Milestone], cause: Cause) -> None:
        """Records the milestones the plan lacks (a data file extended after adoption).

        A milestone already stored keeps its stored dates: the store, with its moves, dates
        the plan once adopted, and a change to one is a move (``move_milestone``).
        """
        new = [m for m in milestones if m.milestone_id not in self.milestones]
        for m in new:
            _check_milestone(m)
        if new:
            self._record(self.MilestonesAdded, cause, namnd_code=self.namnd_code,
                         label=self.label, milestones=[m.as_dict() for m in new])

    def define_cycles(self, cycles: list[PlannedCycle], cause: Cause) -> None:
        """Records which milestones date which cycle; the same definition again records nothing."""
        for cy in cycles:
            unknown = [m for m in cy.milestone_ids if m not in self.milestones]
            if unknown:
                raise InvalidInputError(f"{cy.title}: okända milstolpar {', '.join(unknown)}",
                                        rule="unknown_milestone")
            if len(cy.milestone_ids) != MILESTONES_PER_CYCLE:
                raise InvalidInputError(
                    f"{cy.title}: en cykel dateras av {MILESTONES_PER_CYCLE} milstolpar "
                    "(öppning, enheter, avdelningar, underlag, beslut)",
                    rule="milestones_per_cycle")
        if cycles != self.cycles:
            self._record(self.CyclesDefined, cause, cycles=[cy.as_dict() for cy in cycles])

    def cycles_using(self, milestone_id: str) -> list[PlannedCycle]:
        return [cy for cy in self.cycles if milestone_id in cy.milestone_ids]

    def move_milestone(self, milestone_id: str, start: date, end: date, reason: str,
                       cause: Cause, *, is_opened: Callable[[PlannedCycle], bool]) -> None:
        if milestone_id not in self.milestones:
            raise InvalidInputError(f"Milstolpen {milestone_id!r} finns inte",
                                    rule="unknown_milestone")
        if not reason.strip():
            raise InvalidInputError("En motivering krävs", rule="reason_required")
        opened = [cy.title for cy in self.cycles_using(milestone_id) if is_opened(cy)]
        if opened:
            # An opened cycle keeps its own deadlines; moving the plan would no longer reach it.
            raise RuleViolationError(
                f"Milstolpen {milestone_id!r} daterar {', '.join(opened)}, som redan har "
                "öppnats; flytta cykelns tidsgräns i stället (move-cycle-deadline)",
                rule="cycle_already_opened")
        old = self.milestones[milestone_id]
        _check_milestone(Milestone(milestone_id, old.level, old.process, old.step, start, end))
        self._record(self.MilestoneMoved, cause, namnd_code=self.namnd_code, label=self.label,
                     milestone_id=milestone_id, old_start=old.start, old_end=old.end,
                     start=start, end=end, reason=reason)

    def schedule(self, cycle: PlannedCycle) -> CycleSchedule:
        opens, enhet, avdelning, underlag, beslut = (
            self.milestones[m] for m in cycle.milestone_ids)
        return CycleSchedule(
            cycle.process, cycle.year, cycle.title, opens_on=opens.start,
            enhet_deadline=enhet.end, avdelning_deadline=avdelning.end,
            forvaltning_deadline=shift(underlag.end, -1), underlag_date=underlag.end,
            beslut_date=beslut.end)

    def schedules(self) -> list[CycleSchedule]:
        """Every planned cycle on the dates the plan gives now (moved milestones included)."""
        return [self.schedule(cy) for cy in self.cycles]

    def schedule_of(self, process: str, year: int) -> CycleSchedule:
        for cy in self.cycles:
            if (cy.process, cy.year) == (process, year):
                return self.schedule(cy)
        raise NotFoundError(f"Årsplanen {self.label} har ingen cykel {process} {year}")


def _check_milestone(m: Milestone) -> None:
    if m.level not in LEVELS:
        raise InvalidInputError(f"{m.milestone_id}: okänd nivå {m.level!r}",
                                rule="milestone_level")
    if m.end < m.start:
        raise InvalidInputError(f"{m.milestone_id}: slutdatum {m.end} före startdatum {m.start}",
                                rule="milestone_dates")
