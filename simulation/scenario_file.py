"""Scenario files: a controller's script for ``arsplan simulate --scenario FILE`` (YAML).

A file names its cycle and lists what happens: ``acts`` (klarmarkera, attestera, återsänd
with a reason), ``deadlines`` moved during the cycle, and ``absences`` of a chef covered by
an ersättare. Each instant is either absolute (``at``; without an offset it is Stockholm
time) or relative to the deadline of the unit's level (``day``: working days from the
deadline's day, ``time``: HH:MM). docs/scenarios.md describes the format.

``load`` validates the file against the nämnd's organisation file before anything runs;
its error is one line naming the file, the entry and the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.calendar import STOCKHOLM
from domain.roles import CHEF_ROLE_BY_KIND
from domain.working_days import add_working_days
from infrastructure.importer import OrganisationFile

REPORTING_KINDS = ("enhet", "avdelning", "forvaltning")
_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScenarioFileError(ValueError):
    """A scenario file that cannot be played; the message is one line."""


def _clock_time(value: object) -> object:
    # YAML 1.1 reads an unquoted 14:15 as the sexagesimal integer 855: read it back.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and (match := _HH_MM.match(value.strip())):
        return f"{int(match[1]):02d}:{match[2]}"
    raise ValueError("ange klockslag som HH:MM, t.ex. '14:00'")


ClockTime = Annotated[str, BeforeValidator(_clock_time)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Timed(_Spec):
    at: datetime | None = None
    day: int | None = Field(default=None, ge=-60, le=60)
    time: ClockTime | None = None

    @model_validator(mode="after")
    def _one_way_to_say_when(self) -> Self:
        if (self.at is None) == (self.day is None):
            raise ValueError("ange antingen at (tidpunkt) eller day och time (arbetsdagar "
                             "från tidsgränsen)")
        if self.day is not None and self.time is None:
            raise ValueError("day kräver time, t.ex. time: '14:00'")
        if self.at is not None and self.time is not None:
            raise ValueError("time hör till day; med at ingår klockslaget")
        return self

    def instant(self, deadline_day: date) -> datetime:
        """The instant meant; ``deadline_day`` is the local day that ``day`` counts from."""
        if self.at is not None:
            return self.at if self.at.tzinfo else self.at.replace(tzinfo=STOCKHOLM)
        assert self.day is not None and self.time is not None
        hour, minute = (int(part) for part in self.time.split(":"))
        return datetime.combine(add_working_days(deadline_day, self.day), time(hour, minute),
                                tzinfo=STOCKHOLM)


def _known_unit(unit: str, info: ValidationInfo, kinds: tuple[str, ...]) -> str:
    units: dict[str, str] = (info.context or {}).get("units", {})
    if unit not in units:
        raise ValueError(f"okänd enhet {unit!r}")
    if units[unit] not in kinds:
        raise ValueError(f"{unit!r} är en {units[unit]}, inte en "
                         f"{' eller '.join(kinds)}")
    return unit


def _known_person(person: str | None, info: ValidationInfo) -> str | None:
    if person is not None and person not in (info.context or {}).get("people", set()):
        raise ValueError(f"okänd person {person!r}")
    return person


class Act(_Timed):
    """A chef's act on a unit's report; ``by`` defaults to whoever acts as chef that day
    (of the unit for klarmarkera, of the unit above for attestera and återsänd)."""

    unit: str
    act: Literal["klarmarkera", "attestera", "atersand"]
    by: str | None = None
    reason: Text | None = None
    new_deadline: date | None = None

    @field_validator("unit")
    @classmethod
    def _reporting_unit(cls, unit: str, info: ValidationInfo) -> str:
        return _known_unit(unit, info, REPORTING_KINDS)

    @field_validator("by")
    @classmethod
    def _person(cls, person: str | None, info: ValidationInfo) -> str | None:
        return _known_person(person, info)

    @model_validator(mode="after")
    def _reason_only_when_sent_back(self) -> Self:
        if self.act == "atersand" and self.reason is None:
            raise ValueError("återsänd kräver reason (motivering)")
        if self.act != "atersand" and (self.reason is not None or self.new_deadline):
            raise ValueError("reason och new_deadline hör bara till atersand")
        return self


class DeadlineMove(_Timed):
    """The förvaltning's controller moves the klarmarkering deadline of a level, or of one
    unit's report; ``day`` counts from the level's deadline as the cycle was opened."""

    level: Literal["enhet", "avdelning", "forvaltning"] | None = None
    unit: str | None = None
    new_deadline: date
    reason: Text

    @field_validator("unit")
    @classmethod
    def _reporting_unit(cls, unit: str | None, info: ValidationInfo) -> str | None:
        return None if unit is None else _known_unit(unit, info, REPORTING_KINDS)

    @model_validator(mode="after")
    def _level_or_unit(self) -> Self:
        if (self.level is None) == (self.unit is None):
            raise ValueError("ange antingen level (en nivås tidsgräns) eller unit (en "
                             "enhets)")
        return self


class Absence(_Spec):
    """The unit's chef is away from ``from`` to ``to``: the ersättare acts as chef."""

    unit: str
    from_: date = Field(alias="from")
    to: date
    ersattare: str

    @field_validator("unit")
    @classmethod
    def _unit_with_chef(cls, unit: str, info: ValidationInfo) -> str:
        return _known_unit(unit, info, tuple(CHEF_ROLE_BY_KIND))

    @field_validator("ersattare")
    @classmethod
    def _person(cls, person: str, info: ValidationInfo) -> str:
        _known_person(person, info)
        return person

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.to < self.from_:
            raise ValueError("to ligger före from")
        return self


class ScenarioFile(_Spec):
    cycle: str = Field(pattern=r"^[A-ZÅÄÖa-zåäö]{2,10}:[a-z_]{3,40}:\d{4}$")
    seed: int | None = None  # the seed it was generated from, if it was
    absences: list[Absence] = []
    deadlines: list[DeadlineMove] = []
    acts: list[Act] = Field(min_length=1)


def load(path: Path, organisation: Path) -> ScenarioFile:
    """The file, checked against ``organisation`` (the nämnd's organisation.yaml)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioFileError(f"{path}: kan inte läsas: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"rad {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "ogiltig YAML"
        raise ScenarioFileError(f"{path}: {where}ogiltig YAML: {problem}") from None
    org = OrganisationFile.model_validate(yaml.safe_load(organisation.read_text("utf-8")))
    context = {"units": {u.unit_id: u.kind for u in org.units},
               "people": {p.person_id for p in org.people}}
    try:
        return ScenarioFile.model_validate(raw, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ScenarioFileError(f"{path}: {field_path(first['loc'])}: "
                                f"{_message(first)}") from None


def field_path(loc: tuple[int | str, ...]) -> str:
    """('acts', 3, 'unit') as acts[3].unit; the file itself as (fil)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f"{'.' if out else ''}{part}"
    return out or "(fil)"


_MESSAGES = {
    "missing": "saknas",
    "extra_forbidden": "okänt fält",
    "model_type": "ska vara en mappning",
    "model_attributes_type": "ska vara en mappning",
    "list_type": "ska vara en lista",
    "int_type": "ska vara ett heltal",
    "int_parsing": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "string_type": "ska vara text",
    "date_type": "ska vara ett datum, t.ex. 2023-01-24",
    "date_parsing": "ska vara ett datum, t.ex. 2023-01-24",
    "date_from_datetime_parsing": "ska vara ett datum, t.ex. 2023-01-24",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag, t.ex. 2023-01-24",
    "datetime_type": "ska vara en tidpunkt, t.ex. 2023-01-18T14:00",
    "datetime_parsing": "ska vara en tidpunkt, t.ex. 2023-01-18T14:00",
    "datetime_from_date_parsing": "ska vara en tidpunkt, t.ex. 2023-01-18T14:00",
    "string_pattern_mismatch": "skrivs NÄMND:process:år, t.ex. VON:arsbokslut:2022",
    "string_too_short": "får inte vara tom",
    "string_too_long": "är för lång",
    "too_short": "får inte vara tom",
}


def _message(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if error["loc"] == () and kind == "model_type":
        return "ska vara en mappning med cycle och acts"
    if kind == "literal_error":
        return f"ska vara en av {ctx.get('expected', '')}".replace(" or ", " eller ")
    if kind == "greater_than_equal":
        return f"ska vara minst {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"ska vara högst {ctx.get('le')}"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return str(error["msg"]).removeprefix("Value error, ")
