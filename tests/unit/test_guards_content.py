"""The content rules' refusals (domain/content/ and report_items.py), called directly.

Rows of the guard table (see test_guards.py); test_guards.py also reaches each of them
through the report command that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.content.ekonomi import table_from_dict
from domain.content.goals import check_goal_kind, decide_bedomning
from domain.content.indicators import indicator_from_dict
from domain.content.internkontroll import kontrollpunkt_from_dict, riskvarde
from domain.content.values import parse_figure
from domain.errors import InvalidInputError, RuleViolationError
from domain.report_items import MAX_TEXT, check_field_value, check_item_kind
from tests.unit.test_guards import Guard, check_refusal, nothing, params

INDICATOR = {"indicator_id": "nojdhet", "name": "Nöjdhet", "direction": "higher",
             "malvarde": "90", "utfall": [{"period": "2022", "totalt": "85"}]}
DRIFT = {"kind": "drift", "columns": {"budget": "Budget", "utfall": "Utfall"},
         "rows": [{"label": "Kostnader", "role": "kostnader", "values": {"budget": "-10"}},
                  {"label": "Netto", "role": "netto", "values": {"budget": "-10"}}]}
INVESTERINGAR = {"kind": "investeringar", "columns": {"budget": "Budget"},
                 "rows": [{"label": "Totalt", "role": "totalt", "values": {"budget": "5"}}]}
KONTROLLPUNKT = {"punkt_id": "1", "risk": "Felaktiga beställningar",
                 "kontrollmoment": ["Stickprov 5 %"], "uppfoljning": ["delarsbokslut"],
                 "sannolikhet": 2, "konsekvens": 3, "riskvarde": 6}


def indicator(**changes: Any) -> Callable[[Any], object]:
    return lambda _: indicator_from_dict({**INDICATOR, **changes})


def table(base: dict[str, Any], **changes: Any) -> Callable[[Any], object]:
    return lambda _: table_from_dict({**base, **changes})


def with_row(base: dict[str, Any], row: dict[str, Any]) -> Callable[[Any], object]:
    return table(base, rows=[*base["rows"], row])


def kontrollpunkt(**changes: Any) -> Callable[[Any], object]:
    return lambda _: kontrollpunkt_from_dict({**KONTROLLPUNKT, **changes})


def g(site: str, rule: str, act: Callable[[Any], object], case: str,
      error: type[InvalidInputError] | type[RuleViolationError] = InvalidInputError) -> Guard:
    return Guard(site, rule, error, nothing, act, case)


EKONOMI = "content/ekonomi.py:table_from_dict"
INDICATORS = "content/indicators.py:indicator_from_dict"
RISK = "content/internkontroll.py:riskvarde"
PUNKT = "content/internkontroll.py:kontrollpunkt_from_dict"
FIELDS = "report_items.py:check_field_value"

GUARDS: list[Guard] = [
    g(EKONOMI, "ekonomi_kind", table(DRIFT, kind="resultat"), "unknown_table"),
    g(EKONOMI, "ekonomi_column", table(DRIFT, columns={**DRIFT["columns"], "kvartal": "Q1"}),
      "unknown_column"),
    g(EKONOMI, "ekonomi_column", table(DRIFT, columns={**DRIFT["columns"], "kvartal": "Q1",
                                                       "manad": "Aug"}), "two_unknown_columns"),
    g(EKONOMI, "ekonomi_role", with_row(DRIFT, {"label": "Moms", "role": "moms"}),
      "unknown_row_role"),
    g(EKONOMI, "ekonomi_role", with_row(INVESTERINGAR, {"label": "Personal",
                                                        "role": "kostnadsgrupp"}),
      "drift_role_in_investeringar"),
    g(EKONOMI, "ekonomi_column", with_row(DRIFT, {"label": "Intäkter", "role": "intakter",
                                                  "values": {"prognos": "5"}}),
      "value_in_an_unlisted_column"),
    g(EKONOMI, "ekonomi_column", with_row(DRIFT, {"label": "Intäkter", "role": "intakter",
                                                  "values": {"prognos": "5", "diff": "1"}}),
      "values_in_two_unlisted_columns"),
    g(EKONOMI, "ekonomi_role", with_row(DRIFT, {"label": "Netto igen", "role": "netto"}),
      "netto_twice"),
    g(EKONOMI, "ekonomi_role", with_row(INVESTERINGAR, {"label": "Summa", "role": "totalt"}),
      "totalt_twice"),
    g("content/goals.py:check_goal_kind", "goal_item",
      lambda _: check_goal_kind("ik", "internkontroll"), "internkontroll_is_no_goal"),
    g("content/goals.py:decide_bedomning", "item_value",
      lambda _: decide_bedomning("Bra", None, []), "no_such_bedomning"),
    g("content/goals.py:decide_bedomning", "override_requires_motivering",
      lambda _: decide_bedomning("Helt uppfyllt", None, []), "override_without_motivering",
      RuleViolationError),
    g(INDICATORS, "indicator_direction", indicator(direction=None), "no_direction"),
    g(INDICATORS, "indicator_direction", indicator(direction="sideways"), "unknown_direction"),
    g(INDICATORS, "indicator_direction", lambda _: indicator_from_dict({"malvarde": "1"}),
      "neither_name_nor_direction"),
    g(INDICATORS, "indicator_direction", indicator(malvarde="<10"), "higher_but_below_target"),
    g(INDICATORS, "indicator_direction", indicator(direction="lower", malvarde=">=10"),
      "lower_but_at_least_target"),
    g(INDICATORS, "indicator_name", indicator(name=""), "no_name"),
    g(INDICATORS, "indicator_name", indicator(name=12), "name_not_text"),
    g(INDICATORS, "indicator_period", indicator(utfall=[{"period": "2022", "totalt": "1"},
                                                        {"period": "2022", "totalt": "2"}]),
      "period_twice"),
    g(RISK, "riskvarde_scale", lambda _: riskvarde(5, 2, None), "sannolikhet_above_4"),
    g(RISK, "riskvarde_scale", lambda _: riskvarde(2, 0, None), "konsekvens_below_1"),
    g(RISK, "riskvarde_product", lambda _: riskvarde(2, 3, 8), "product_wrong"),
    g(RISK, "riskvarde_scale", lambda _: riskvarde(None, None, 7), "no_product_of_the_scale"),
    g(RISK, "riskvarde_product", kontrollpunkt(riskvarde=9), "kontrollpunkt_product_wrong"),
    g(PUNKT, "kontrollpunkt_risk", kontrollpunkt(risk=""), "no_risk"),
    g(PUNKT, "kontrollpunkt_moment", kontrollpunkt(kontrollmoment=[]), "no_kontrollmoment"),
    g(PUNKT, "kontrollpunkt_uppfoljning", kontrollpunkt(uppfoljning=[]), "no_uppfoljning"),
    g(PUNKT, "kontrollpunkt_uppfoljning",
      kontrollpunkt(uppfoljning=["delarsbokslut", "manadsrapport"]), "unknown_uppfoljning"),
    g("content/values.py:parse_figure", "figure", lambda _: parse_figure(True),
      "a_truth_value"),
    g("content/values.py:parse_figure", "figure", lambda _: parse_figure("cirka 12"),
      "text_that_is_no_figure"),
    g("report_items.py:check_item_kind", "item_kind", lambda _: check_item_kind("okand"),
      "unknown_kind"),
    g("report_items.py:check_item_kind", "item_kind",
      lambda _: check_field_value("okand", "analys", "x"), "field_of_an_unknown_kind"),
    g(FIELDS, "item_field", lambda _: check_field_value("mal", "farg", "x"), "unknown_field"),
    g(FIELDS, "item_value", lambda _: check_field_value("mal", "analys", 5), "not_text"),
    g(FIELDS, "item_value", lambda _: check_field_value("mal", "analys", "x" * (MAX_TEXT + 1)),
      "text_too_long"),
    g(FIELDS, "item_value", lambda _: check_field_value("uppdrag", "status", "Klar"),
      "off_the_scale"),
]


@pytest.mark.parametrize("guard", params(GUARDS))
def test_the_guard_refuses_naming_its_rule(guard: Guard) -> None:
    check_refusal(guard)


def test_the_limits_themselves_are_accepted() -> None:
    """The edges the refusals above stand next to."""
    check_field_value("mal", "analys", "x" * MAX_TEXT)
    check_field_value("mal", "analys", None)
    assert riskvarde(4, 4, 16) == 16 and riskvarde(1, 1, None) == 1
    assert riskvarde(None, None, 9) == 9 and riskvarde(None, None, None) is None
    assert parse_figure("−137 901") == -137901 and parse_figure("IU") is None
