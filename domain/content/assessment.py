"""The suggested bedömning of a mål, and Hypergene's signal and trend for each indicator.

Signal (000, l.5752–5770): "inget värde" when the målvärde (or this period's
utfall) is missing; "utan anmärkning" when the målvärde is reached; "nära
målvärde" when it is missed by at most NEAR_SHARE of the målvärde; otherwise
"med anmärkning". Trend compares this period's totalt with the previous one.

The suggestion per indicator: reached → Helt uppfyllt; near → I hög grad uppfyllt;
missed but moved the right way since last period → Delvis uppfyllt; otherwise
Ej uppfyllt; no value → Ej utvärderad. A mål with several indicators gets the
mean of the evaluated ones, rounded down: the chef overrides with a motivering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.content.indicators import Direction, Indicator

NEAR_SHARE = Decimal("0.05")


class Bedomning(StrEnum):
    EJ_UPPFYLLT = "Ej uppfyllt"
    DELVIS_UPPFYLLT = "Delvis uppfyllt"
    I_HOG_GRAD_UPPFYLLT = "I hög grad uppfyllt"
    HELT_UPPFYLLT = "Helt uppfyllt"
    EJ_UTVARDERAD = "Ej utvärderad"


class Signal(StrEnum):
    INGET_VARDE = "inget värde"
    MED_ANMARKNING = "med anmärkning"
    NARA_MALVARDE = "nära målvärde"
    UTAN_ANMARKNING = "utan anmärkning"


class Trend(StrEnum):
    INGET_VARDE = "inget värde"
    OKAD = "ökad"
    OFORANDRAD = "oförändrad"
    MINSKAD = "minskad"


RANKED = (Bedomning.EJ_UPPFYLLT, Bedomning.DELVIS_UPPFYLLT, Bedomning.I_HOG_GRAD_UPPFYLLT,
          Bedomning.HELT_UPPFYLLT)


@dataclass(frozen=True)
class IndicatorAssessment:
    indicator_id: str
    signal: Signal
    trend: Trend
    suggestion: Bedomning


def trend(indicator: Indicator) -> Trend:
    current, previous = indicator.current, indicator.previous
    if current is None or previous is None or current.totalt is None or previous.totalt is None:
        return Trend.INGET_VARDE
    if current.totalt > previous.totalt:
        return Trend.OKAD
    if current.totalt < previous.totalt:
        return Trend.MINSKAD
    return Trend.OFORANDRAD


def signal(indicator: Indicator) -> Signal:
    current = indicator.current
    if indicator.malvarde is None or current is None or current.totalt is None:
        return Signal.INGET_VARDE
    if _reached(indicator, current.totalt):
        return Signal.UTAN_ANMARKNING
    if abs(current.totalt - indicator.malvarde) <= abs(indicator.malvarde) * NEAR_SHARE:
        return Signal.NARA_MALVARDE
    return Signal.MED_ANMARKNING


def assess_indicator(indicator: Indicator) -> IndicatorAssessment:
    sig, tr = signal(indicator), trend(indicator)
    return IndicatorAssessment(indicator.indicator_id, sig, tr, _suggest(indicator, sig, tr))


def suggest_bedomning(indicators: Sequence[Indicator]) -> Bedomning:
    ranks = [RANKED.index(a.suggestion) for a in map(assess_indicator, indicators)
             if a.suggestion is not Bedomning.EJ_UTVARDERAD]
    if not ranks:
        return Bedomning.EJ_UTVARDERAD
    return RANKED[sum(ranks) // len(ranks)]


def _reached(indicator: Indicator, value: Decimal) -> bool:
    assert indicator.malvarde is not None
    if indicator.direction is Direction.HIGHER_IS_BETTER:
        return value > indicator.malvarde if indicator.strict else value >= indicator.malvarde
    return value < indicator.malvarde if indicator.strict else value <= indicator.malvarde


def _suggest(indicator: Indicator, sig: Signal, tr: Trend) -> Bedomning:
    if sig is Signal.INGET_VARDE:
        return Bedomning.EJ_UTVARDERAD
    if sig is Signal.UTAN_ANMARKNING:
        return Bedomning.HELT_UPPFYLLT
    if sig is Signal.NARA_MALVARDE:
        return Bedomning.I_HOG_GRAD_UPPFYLLT
    better = Trend.OKAD if indicator.direction is Direction.HIGHER_IS_BETTER else Trend.MINSKAD
    return Bedomning.DELVIS_UPPFYLLT if tr is better else Bedomning.EJ_UPPFYLLT
