"""Commands: what a person or system asks the domain to do.

Each carries a ``command_id``; repeating it records nothing new (retries are safe).
``expected_version`` opts into optimistic concurrency from a form the user saw.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_text_only(value: object) -> object:
    """Refuses numbers and non-ISO text, which pydantic would read as seconds since 1970."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE_START.match(value)):
        return value
    raise ValueError("ange datum eller tidpunkt i ISO 8601, t.ex. 2022-08-23T17:00:00+02:00")


IsoDate = Annotated[date, BeforeValidator(iso_text_only)]
IsoDatetime = Annotated[AwareDatetime, BeforeValidator(iso_text_only)]
# Instants are kept in UTC: an ambiguous local time (DST fold) can't be told apart later.
Instant = Annotated[IsoDatetime, AfterValidator(lambda d: d.astimezone(UTC))]


def _in_planning_range(instant: datetime) -> datetime:
    # The years a cycle may have (OpenCycle.year): a deadline in 1138 is a typing mistake.
    if not 2000 <= instant.year <= 2100:
        raise ValueError("tidsgränsen ska ligga mellan år 2000 och 2100")
    return instant


Deadline = Annotated[Instant, AfterValidator(_in_planning_range)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
UnitId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]{0,79}$")]


def new_command_id() -> str:
    return str(uuid4())


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    command_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        default_factory=new_command_id)
    expected_version: int | None = Field(default=None, ge=1)
    occurred_at: Instant | None = None


class ReportCommand(Command):
    report_id: UUID


class ChangeItem(ReportCommand):
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    field: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    value: Text | None


class Klarmarkera(ReportCommand):
    pass


class Attestera(ReportCommand):
    pass


class Atersand(ReportCommand):
    reason: Reason
    new_deadline: Deadline | None = None


class Reopen(ReportCommand):
    reason: Reason


class MoveReportDeadline(ReportCommand):
    deadline_kind: Literal["klarmarkering", "attest"] = "klarmarkering"
    new_deadline: Deadline
    reason: Reason


class OpenCycle(Command):
    namnd_code: Annotated[str, StringConstraints(pattern=r"^[A-ZÅÄÖ]{2,10}$")]
    process: Annotated[str, StringConstraints(pattern=r"^[a-z_]{3,40}$")]
    year: int = Field(ge=2000, le=2100)
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    enhet_deadline: IsoDate
    avdelning_deadline: IsoDate
    forvaltning_deadline: IsoDate
    underlag_date: IsoDate
    beslut_date: IsoDate
    unit_ids: list[UnitId] | None = None  # None: every enhet, avdelning and the förvaltning


class MoveCycleDeadline(Command):
    cycle_id: UUID
    level: Literal["enhet", "avdelning", "forvaltning"]
    new_deadline: Deadline
    reason: Reason


class MoveMilestone(Command):
    """Moves one milestone of a nämnd's årsplan, e.g. when the nämnd moves its delårsbokslut."""

    namnd_code: Annotated[str, StringConstraints(pattern=r"^[A-ZÅÄÖ]{2,10}$")]
    label: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    milestone_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    start: IsoDate
    end: IsoDate
    reason: Reason


Figure = Annotated[str, StringConstraints(max_length=40)] | int | float | None


class UtfallInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    period: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    totalt: Figure = None
    kvinnor: Figure = None
    man: Figure = None
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class IndicatorInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    direction: Literal["higher", "lower"]
    malvarde: Figure = None
    utfall: list[UtfallInput] = Field(default_factory=list, max_length=20)
    source: Annotated[str, StringConstraints(max_length=200)] | None = None
    source_id: Annotated[str, StringConstraints(max_length=50)] | None = None
    unit: Annotated[str, StringConstraints(max_length=50)] | None = None


class RecordIndicator(ReportCommand):
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    indicator: IndicatorInput


class SetBedomning(ReportCommand):
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    bedomning: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    motivering: Text | None = None


class EkonomiRowInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    values: dict[str, Figure]


class RecordEkonomi(ReportCommand):
    kind: Literal["drift", "investeringar"]
    columns: dict[str, Annotated[str, StringConstraints(max_length=100)]]
    rows: list[EkonomiRowInput] = Field(max_length=100)


PERSON_COMMANDS: tuple[type[Command], ...] = (
    ChangeItem, Klarmarkera, Attestera, Atersand, Reopen, MoveReportDeadline, OpenCycle,
    MoveCycleDeadline, RecordIndicator, SetBedomning, RecordEkonomi, MoveMilestone,
)
