"""Suggested bedömning, Hypergene signal and trend, in both directions and with gaps."""

from __future__ import annotations

from typing import Any

import pytest

from domain.content.assessment import (
    Bedomning,
    Signal,
    Trend,
    assess_indicator,
    suggest_bedomning,
)
from domain.content.indicators import indicator_from_dict
from domain.errors import InvalidInputError


def indicator(direction: str, malvarde: Any, *utfall: Any) -> Any:
    return indicator_from_dict({
        "name": "Nyckeltal", "direction": direction, "malvarde": malvarde,
        "utfall": [{"period": str(2020 + i), "totalt": v} for i, v in enumerate(utfall)],
    })


class TestHigherIsBetter:
    def test_reaching_the_malvarde_is_helt_uppfyllt(self) -> None:
        a = assess_indicator(indicator("higher", "≥81", 80, 81))
        assert (a.signal, a.trend, a.suggestion) == (
            Signal.UTAN_ANMARKNING, Trend.OKAD, Bedomning.HELT_UPPFYLLT)

    def test_strict_malvarde_is_not_reached_by_equality(self) -> None:
        a = assess_indicator(indicator("higher", ">19", 19, 19))
        assert a.signal is Signal.NARA_MALVARDE
        assert a.trend is Trend.OFORANDRAD

    def test_within_five_percent_below_is_near(self) -> None:
        # 82,2 för bemötande via telefoni against 82,2 is reached; 78,5 is near 82,2.
        assert assess_indicator(indicator("higher", "82,2", "78,5")).suggestion is \
            Bedomning.I_HOG_GRAD_UPPFYLLT

    def test_missed_but_improving_is_delvis(self) -> None:
        assert assess_indicator(indicator("higher", 90, 60, 70)).suggestion is \
            Bedomning.DELVIS_UPPFYLLT

    def test_missed_and_worsening_is_ej_uppfyllt(self) -> None:
        # Seed 004: ej återaktualiserade 81 % (2022) → 70 % against ≥81.
        a = assess_indicator(indicator("higher", "≥81", 81, 70))
        assert (a.signal, a.trend, a.suggestion) == (
            Signal.MED_ANMARKNING, Trend.MINSKAD, Bedomning.EJ_UPPFYLLT)


class TestLowerIsBetter:
    def test_below_the_malvarde_is_helt_uppfyllt(self) -> None:
        # Seed 004: genomsnittlig insatstid 318 → 291 dagar against 302.
        a = assess_indicator(indicator("lower", 302, 318, 291))
        assert (a.signal, a.trend, a.suggestion) == (
            Signal.UTAN_ANMARKNING, Trend.MINSKAD, Bedomning.HELT_UPPFYLLT)

    def test_above_and_rising_is_ej_uppfyllt_falling_is_delvis(self) -> None:
        # Seed 004: långvarigt ekonomiskt bistånd 139 → 166 against 135 is worsening
        assert assess_indicator(indicator("lower", 135, 139, 166)).suggestion is \
            Bedomning.EJ_UPPFYLLT
        # while a fall towards the målvärde is progress.
        assert assess_indicator(indicator("lower", 135, 166, 150)).suggestion is \
            Bedomning.DELVIS_UPPFYLLT

    def test_just_above_is_near(self) -> None:
        assert assess_indicator(indicator("lower", 100, 104)).signal is Signal.NARA_MALVARDE

    def test_a_lower_is_better_malvarde_cannot_say_at_least(self) -> None:
        with pytest.raises(InvalidInputError) as err:
            indicator("lower", "≥10", 5)
        assert err.value.rule == "indicator_direction"


class TestMissingValues:
    @pytest.mark.parametrize("missing", ["IU", "Utfall saknas", "-", None])
    def test_missing_utfall_is_not_zero_and_not_evaluated(self, missing: Any) -> None:
        ind = indicator("lower", 135, 139, missing)
        assert ind.current is not None and ind.current.totalt is None
        a = assess_indicator(ind)
        assert (a.signal, a.trend, a.suggestion) == (
            Signal.INGET_VARDE, Trend.INGET_VARDE, Bedomning.EJ_UTVARDERAD)

    def test_no_malvarde_gives_inget_varde_but_still_a_trend(self) -> None:
        a = assess_indicator(indicator("higher", "-", 37, 45))
        assert (a.signal, a.trend) == (Signal.INGET_VARDE, Trend.OKAD)

    def test_missing_previous_year_gives_no_trend(self) -> None:
        assert assess_indicator(indicator("higher", 75, "-", 60)).trend is Trend.INGET_VARDE

    def test_garbage_is_refused_rather_than_read_as_zero(self) -> None:
        with pytest.raises(InvalidInputError):
            indicator("higher", 75, "ungefär 60")


class TestSuggestionForAGoal:
    def test_mean_of_evaluated_indicators_rounded_down(self) -> None:
        reached = indicator("higher", 75, 80)
        worsening = indicator("higher", 90, 85, 70)
        unknown = indicator("higher", 90, "IU")
        assert suggest_bedomning([reached, worsening, unknown]) is Bedomning.DELVIS_UPPFYLLT

    def test_no_evaluable_indicator_is_ej_utvarderad(self) -> None:
        assert suggest_bedomning([]) is Bedomning.EJ_UTVARDERAD
        assert suggest_bedomning([indicator("higher", None, 3)]) is Bedomning.EJ_UTVARDERAD
