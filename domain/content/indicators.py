"""Indicators (nyckeltal) that show how far a mål is reached."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.content.values import figure_to_text, parse_figure
from domain.errors import InvalidInputError


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


@dataclass(frozen=True)
class Utfall:
    """One period's outcome; any split may be missing independently."""

    period: str  # e.g. "2022", "2023-08-31"
    totalt: Decimal | None
    kvinnor: Decimal | None = None
    man: Decimal | None = None
    note: str | None = None  # e.g. "vård, omsorg och sociala frågor"


@dataclass(frozen=True)
class Indicator:
    """A nyckeltal with its målvärde and outcomes, oldest period first."""

    indicator_id: str
    name: str
    direction: Direction
    malvarde: Decimal | None
    utfall: tuple[Utfall, ...] = ()
    source: str | None = None  # "Kolada", "Lifecare", "Brilliant Future"...
    source_id: str | None = None  # e.g. Kolada's "U21468"
    comparator: str = ""  # as written before the målvärde: "", "≥", ">", "≤", "<"
    unit: str | None = None  # "%", "antal", "index 0-100", "dagar"

    @property
    def current(self) -> Utfall | None:
        return self.utfall[-1] if self.utfall else None

    @property
    def previous(self) -> Utfall | None:
        return self.utfall[-2] if len(self.utfall) > 1 else None

    @property
    def strict(self) -> bool:
        """Målvärde ">19": 19 itself does not reach it."""
        return self.comparator in (">", "<")


def indicator_from_dict(data: dict[str, Any]) -> Indicator:
    """Reads the data-file/event form; raises InvalidInputError naming the field."""
    try:
        direction = Direction(data["direction"])
    except (KeyError, ValueError):
        raise InvalidInputError(
            f"Indikatorn {data.get('name', '?')!r} behöver direction: higher eller lower",
            rule="indicator_direction") from None
    name = data.get("name")
    comparator, malvarde = _split_comparator(data.get("malvarde"))
    wrong_way = (direction is Direction.HIGHER_IS_BETTER and comparator in ("<", "≤")) or (
        direction is Direction.LOWER_IS_BETTER and comparator in (">", "≥"))
    if wrong_way:
        raise InvalidInputError(
            f"Målvärdet {data.get('malvarde')!r} pekar åt fel håll för {direction.value}",
            rule="indicator_direction")
    if not name or not isinstance(name, str):
        raise InvalidInputError("Indikatorn saknar namn", rule="indicator_name")
    utfall = tuple(
        Utfall(period=str(u["period"]), totalt=parse_figure(u.get("totalt")),
               kvinnor=parse_figure(u.get("kvinnor")), man=parse_figure(u.get("man")),
               note=u.get("note"))
        for u in data.get("utfall", ())
    )
    periods = [u.period for u in utfall]
    if len(set(periods)) != len(periods):
        raise InvalidInputError(f"Indikatorn {name!r} har samma period två gånger",
                                rule="indicator_period")
    return Indicator(
        indicator_id=str(data.get("indicator_id") or name), name=name, direction=direction,
        malvarde=malvarde, utfall=utfall, source=data.get("source"),
        source_id=data.get("source_id"), comparator=comparator,
        unit=data.get("unit"),
    )


def indicator_to_dict(indicator: Indicator) -> dict[str, Any]:
    return {
        "indicator_id": indicator.indicator_id, "name": indicator.name,
        "direction": indicator.direction.value,
        "malvarde": _join_comparator(indicator.comparator, indicator.malvarde),
        "source": indicator.source, "source_id": indicator.source_id,
        "unit": indicator.unit,
        "utfall": [{"period": u.period, "totalt": figure_to_text(u.totalt),
                    "kvinnor": figure_to_text(u.kvinnor), "man": figure_to_text(u.man),
                    "note": u.note} for u in indicator.utfall],
    }


def _split_comparator(raw: Any) -> tuple[str, Decimal | None]:
    if isinstance(raw, str):
        text = raw.strip().replace(">=", "≥").replace("<=", "≤")
        for prefix in ("≥", "≤", ">", "<"):
            if text.startswith(prefix):
                return prefix, parse_figure(text[len(prefix):])
    return "", parse_figure(raw)


def _join_comparator(comparator: str, value: Decimal | None) -> str | None:
    text = figure_to_text(value)
    return None if text is None else f"{comparator}{text}"
