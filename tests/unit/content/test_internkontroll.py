"""Internkontrollplan rows: riskvärde = sannolikhet × konsekvens, 1–16."""

from __future__ import annotations

from typing import Any

import pytest

from domain.content.internkontroll import kontrollpunkt_from_dict, report_items
from domain.errors import InvalidInputError

RAMAVTAL: dict[str, Any] = {  # seed 000, l.3440 and l.3470
    "punkt_id": "ramavtal", "risk": "Vi följer inte ramavtal", "process": "Upphandling",
    "sannolikhet": 4, "konsekvens": 3, "riskvarde": 12,
    "kontrollmoment": "Att beställare följer gällande ramavtal",
    "metod": "Stickprov 5% av samtliga beställningar under året ska kontrolleras",
    "ansvarig": "Ekonomichef", "uppfoljning": ["delarsbokslut", "arsbokslut"],
}


def test_riskvarde_is_the_product() -> None:
    punkt = kontrollpunkt_from_dict({**RAMAVTAL, "riskvarde": None})
    assert punkt.riskvarde == 12
    assert punkt.hantering == "Internkontrollpunkt, mål eller kritisk verksamhetsfaktor"


def test_a_riskvarde_that_is_not_the_product_is_refused() -> None:
    with pytest.raises(InvalidInputError) as err:
        kontrollpunkt_from_dict({**RAMAVTAL, "riskvarde": 8})
    assert err.value.rule == "riskvarde_product"


@pytest.mark.parametrize("bad", [{"sannolikhet": 5}, {"konsekvens": 0}])
def test_scale_is_one_to_four(bad: dict[str, int]) -> None:
    with pytest.raises(InvalidInputError):
        kontrollpunkt_from_dict({**RAMAVTAL, "riskvarde": None, **bad})


def test_a_stated_riskvarde_alone_must_be_possible() -> None:
    plain = {k: v for k, v in RAMAVTAL.items() if k not in ("sannolikhet", "konsekvens")}
    assert kontrollpunkt_from_dict({**plain, "riskvarde": 9}).riskvarde == 9
    with pytest.raises(InvalidInputError):
        kontrollpunkt_from_dict({**plain, "riskvarde": 7})


def test_only_points_followed_up_in_the_process_become_items() -> None:
    plan = [kontrollpunkt_from_dict(RAMAVTAL),
            kontrollpunkt_from_dict({**RAMAVTAL, "punkt_id": "sba",
                                     "uppfoljning": ["arsbokslut"]})]
    items = report_items(plan, "delarsbokslut", ["avdelning"])
    assert [i["item_id"] for i in items] == ["ik-ramavtal"]
    assert items[0]["kind"] == "internkontroll" and items[0]["ref"]["riskvarde"] == 12
