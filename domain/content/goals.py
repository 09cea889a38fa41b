"""A goal item's content rules: indicators recorded on it, and the chef's bedömning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.content.assessment import Bedomning, suggest_bedomning
from domain.content.indicators import Indicator, indicator_from_dict
from domain.errors import InvalidInputError, RuleViolationError

GOAL_KINDS = ("mal", "arbetsmiljomal")


def check_goal_kind(item_id: str, kind: str) -> None:
    if kind not in GOAL_KINDS:
        raise InvalidInputError(f"Punkten {item_id!r} är inget mål: nyckeltal och bedömning "
                                "hör till mål och arbetsmiljömål", rule="goal_item")


def indicators_of(recorded: Mapping[str, Mapping[str, Any]]) -> list[Indicator]:
    return [indicator_from_dict(dict(data)) for data in recorded.values()]


def decide_bedomning(bedomning: str, motivering: str | None,
                     indicators: Iterable[Indicator]) -> tuple[Bedomning, Bedomning, bool]:
    """Returns (chosen, suggested, overridden); an override needs a motivering."""
    try:
        chosen = Bedomning(bedomning)
    except ValueError:
        raise InvalidInputError(
            f"{bedomning!r} är ingen bedömning; tillåtna: {', '.join(b.value for b in Bedomning)}",
            rule="item_value") from None
    suggested = suggest_bedomning(list(indicators))
    overridden = chosen is not suggested
    if overridden and not (motivering and motivering.strip()):
        raise RuleViolationError(
            f"Förslaget utifrån nyckeltalen är {suggested.value!r}: en annan bedömning "
            "kräver en motivering", rule="override_requires_motivering")
    return chosen, suggested, overridden
