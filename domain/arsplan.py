"""Årsplan: a nämnd's processes for one planning year, with their fixed dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError
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


class Arsplan(AuditedAggregate):
    """The year's plan. Milestones are added, moved or removed, never edited silently."""

    class Adopted(AuditedAggregate.Created):
        namnd_code: str
        label: str
        milestones: list[dict[str, Any]]

    class MilestoneMoved(AuditedAggregate.Event):
        milestone_id: str
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

    @classmethod
    def adopt(cls, namnd_code: str, label: str, milestones: list[Milestone],
              cause: Cause) -> Self:
        ids = [m.milestone_id for m in milestones]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidInputError(f"Milstolpar förekommer flera gånger: {', '.join(duplicates)}")
        for m in milestones:
            _check_milestone(m)
        return cls._create_audited(
            cls.Adopted, id=arsplan_id(namnd_code, label), cause=cause, namnd_code=namnd_code,
            label=label, milestones=[m.as_dict() for m in milestones],
        )

    def move_milestone(self, milestone_id: str, start: date, end: date, reason: str,
                       cause: Cause) -> None:
        if milestone_id not in self.milestones:
            raise InvalidInputError(f"Milstolpen {milestone_id!r} finns inte")
        if not reason.strip():
            raise InvalidInputError("En motivering krävs", rule="reason_required")
        old = self.milestones[milestone_id]
        _check_milestone(Milestone(milestone_id, old.level, old.process, old.step, start, end))
        self._record(self.MilestoneMoved, cause, milestone_id=milestone_id, start=start, end=end,
                     reason=reason)

    def process_milestones(self, process: str) -> list[Milestone]:
        return sorted((m for m in self.milestones.values() if m.process == process),
                      key=lambda m: (m.end, m.milestone_id))


def _check_milestone(m: Milestone) -> None:
    if m.level not in LEVELS:
        raise InvalidInputError(f"{m.milestone_id}: okänd nivå {m.level!r}")
    if m.end < m.start:
        raise InvalidInputError(f"{m.milestone_id}: slutdatum {m.end} före startdatum {m.start}")
