"""ParagraphRegister: the nämnd's § numbers for one year, continuous across meetings."""

from __future__ import annotations

from datetime import date
from typing import Self
from uuid import UUID

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError, RuleViolationError
from domain.ids import paragraph_register_id


class ParagraphRegister(AuditedAggregate):
    """Hands out § numbers for a nämnd and year, in meeting order.

    Saved in the same transaction as the meeting whose protokoll takes the numbers, so
    two protokoll opened at once cannot both take a number (the second save fails on
    the register's version): numbers never repeat, and never skip since a block is only
    taken together with the ärenden that use it.
    """

    class Opened(AuditedAggregate.Created):
        namnd_code: str
        year: int
        first_number: int

    class Allocated(AuditedAggregate.Event):
        meeting_id: UUID
        meeting_date: date
        first: int
        last: int

        def apply(self, aggregate: ParagraphRegister) -> None:
            aggregate.next_number = self.last + 1
            aggregate.last_meeting_date = self.meeting_date
            aggregate.blocks[self.meeting_id] = (self.first, self.last)

    def __init__(self, namnd_code: str, year: int, first_number: int) -> None:
        self.namnd_code = namnd_code
        self.year = year
        self.next_number = first_number
        self.last_meeting_date: date | None = None
        self.blocks: dict[UUID, tuple[int, int]] = {}

    @classmethod
    def open(cls, namnd_code: str, year: int, cause: Cause, first_number: int = 1) -> Self:
        if first_number < 1:
            raise InvalidInputError("Paragrafnumreringen börjar på 1 eller senare",
                                    rule="paragraf_start")
        return cls._create_audited(cls.Opened, id=paragraph_register_id(namnd_code, year),
                                   cause=cause, namnd_code=namnd_code, year=year,
                                   first_number=first_number)

    def allocate(self, meeting_id: UUID, meeting_date: date, count: int,
                 cause: Cause) -> list[int]:
        if meeting_date.year != self.year:
            raise InvalidInputError(f"Sammanträdet {meeting_date} hör inte till år {self.year}",
                                    rule="paragraf_ar")
        if meeting_id in self.blocks:
            raise RuleViolationError("Sammanträdet har redan fått sina paragrafer",
                                     rule="paragrafer_redan_tilldelade")
        if self.last_meeting_date is not None and meeting_date < self.last_meeting_date:
            raise RuleViolationError(
                f"Sammanträdet {meeting_date} ligger före {self.last_meeting_date}, som redan "
                "har numrerats; paragraferna ska löpa i sammanträdesordning",
                rule="paragraf_ordning")
        if count < 1:
            raise InvalidInputError("Protokollet har inga ärenden", rule="protokoll_utan_arenden")
        first = self.next_number
        self._record(self.Allocated, cause, meeting_id=meeting_id, meeting_date=meeting_date,
                     first=first, last=first + count - 1)
        return list(range(first, first + count))
