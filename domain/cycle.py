"""Cycle: one process instance for one nämnd, e.g. "Delårsbokslut 2022 VON"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError, RuleViolationError
from domain.ids import cycle_id

REPORT_LEVELS = ("enhet", "avdelning", "forvaltning")
OPEN = "open"
UNDERLAG_SENT = "underlag_sent"
BESLUT_RECORDED = "beslut_recorded"
CLOSED = "closed"


class Cycle(AuditedAggregate):
    """A cycle's scope and schedule, and the förvaltning-level facts of its run.

    Deadlines are absolute instants per report level (enhet, avdelning,
    förvaltning) computed in the domain; the workflows only sleep until them.
    """

    class Opened(AuditedAggregate.Created):
        namnd_code: str
        process: str
        year: int
        title: str
        deadlines: dict[str, datetime]
        underlag_date: date
        beslut_date: date
        unit_ids: list[str]
        item_template: list[dict[str, Any]]

    class DeadlineMoved(AuditedAggregate.Event):
        level: str
        old: datetime
        new: datetime
        reason: str

        def apply(self, aggregate: Cycle) -> None:
            aggregate.deadlines[self.level] = self.new

    class UnderlagSent(AuditedAggregate.Event):
        destination: str
        reference: str
        document_sha256: str

        def apply(self, aggregate: Cycle) -> None:
            aggregate.status = UNDERLAG_SENT
            aggregate.underlag_reference = self.reference

    class BeslutRecorded(AuditedAggregate.Event):
        meeting_id: str | None
        paragraph: str | None
        beslut: str

        def apply(self, aggregate: Cycle) -> None:
            aggregate.status = BESLUT_RECORDED
            aggregate.beslut = self.beslut

    class BeslutExported(AuditedAggregate.Event):
        destination: str
        reference: str

        def apply(self, aggregate: Cycle) -> None:
            aggregate.status = CLOSED
            aggregate.export_reference = self.reference

    def __init__(self, namnd_code: str, process: str, year: int, title: str,
                 deadlines: dict[str, datetime], underlag_date: date, beslut_date: date,
                 unit_ids: list[str], item_template: list[dict[str, Any]]) -> None:
        self.namnd_code = namnd_code
        self.process = process
        self.year = year
        self.title = title
        self.deadlines = dict(deadlines)
        self.underlag_date = underlag_date
        self.beslut_date = beslut_date
        self.unit_ids = list(unit_ids)
        self.item_template = list(item_template)
        self.status = OPEN
        self.underlag_reference: str | None = None
        self.beslut: str | None = None
        self.export_reference: str | None = None

    @classmethod
    def open(cls, namnd_code: str, process: str, year: int, title: str,
             deadlines: dict[str, datetime], underlag_date: date, beslut_date: date,
             unit_ids: list[str], item_template: list[dict[str, Any]], cause: Cause) -> Self:
        missing = [lvl for lvl in REPORT_LEVELS if lvl not in deadlines]
        if missing:
            raise InvalidInputError(f"Tidsgräns saknas för nivå: {', '.join(missing)}",
                                    rule="deadline_missing")
        ordered = [deadlines[lvl] for lvl in REPORT_LEVELS]
        if ordered != sorted(ordered):
            raise InvalidInputError("Tidsgränserna ska komma i ordningen enhet, avdelning, "
                                    "förvaltning", rule="deadline_order")
        if not unit_ids:
            raise InvalidInputError("Cykeln omfattar inga enheter", rule="cycle_without_units")
        if beslut_date < underlag_date:
            raise InvalidInputError("Nämndens beslut kan inte ligga före underlaget",
                                    rule="beslut_before_underlag")
        return cls._create_audited(
            cls.Opened, id=cycle_id(namnd_code, process, year), cause=cause,
            namnd_code=namnd_code, process=process, year=year, title=title,
            deadlines=deadlines, underlag_date=underlag_date, beslut_date=beslut_date,
            unit_ids=unit_ids, item_template=item_template,
        )

    def move_deadline(self, level: str, new: datetime, reason: str, cause: Cause) -> None:
        if level not in REPORT_LEVELS:
            raise InvalidInputError(f"Okänd nivå {level!r}", rule="unknown_level")
        if not reason.strip():
            raise InvalidInputError("En motivering krävs", rule="reason_required")
        if self.status != OPEN:
            raise RuleViolationError("Cykelns rapportering är redan avslutad", rule="cycle_closed")
        self._record(self.DeadlineMoved, cause, level=level, old=self.deadlines[level], new=new,
                     reason=reason)

    def record_underlag_sent(self, destination: str, reference: str, document_sha256: str,
                             cause: Cause) -> None:
        self._record(self.UnderlagSent, cause, destination=destination, reference=reference,
                     document_sha256=document_sha256)

    def record_beslut(self, beslut: str, meeting_id: str | None, paragraph: str | None,
                      cause: Cause) -> None:
        if self.status == OPEN:
            raise RuleViolationError("Nämnden kan inte besluta innan underlaget är skickat",
                                     rule="beslut_requires_underlag")
        if self.status in (BESLUT_RECORDED, CLOSED):
            raise RuleViolationError("Beslut är redan fattat", rule="beslut_already_recorded")
        self._record(self.BeslutRecorded, cause, meeting_id=meeting_id, paragraph=paragraph,
                     beslut=beslut)

    def record_export(self, destination: str, reference: str, cause: Cause) -> None:
        if self.status != BESLUT_RECORDED:
            raise RuleViolationError("Beslutspaketet kan exporteras först efter beslut",
                                     rule="export_requires_beslut")
        self._record(self.BeslutExported, cause, destination=destination, reference=reference)

    def summary(self) -> dict[str, Any]:
        return {"cycle_id": str(self.id), "title": self.title, "status": self.status,
                "deadlines": {k: v.isoformat() for k, v in self.deadlines.items()}}
