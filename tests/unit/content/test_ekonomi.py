"""The arithmetic check on Drift and Investeringar: ±1 tkr is rounding, more is a slip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.content.ekonomi import check_table, slips, table_from_dict
from domain.errors import InvalidInputError

COLUMNS = {"budget": "Budget 2023", "prognos": "Prognos", "avvikelse": "Avv.",
           "utfall": "Delår 2023", "utfall_fg": "Delår 2022", "diff": "Diff."}


def drift(kostnader_utfall: int = -100, resultat_budget: int = 10) -> dict[str, object]:
    def row(label: str, role: str, b: int, p: int, u: int, f: int) -> dict[str, object]:
        return {"label": label, "role": role, "values": {
            "budget": b, "prognos": p, "avvikelse": p - b, "utfall": u, "utfall_fg": f,
            "diff": u - f}}
    return {"kind": "drift", "columns": COLUMNS, "rows": [
        row("Intäkter", "intakter", 50, 60, 40, 30),
        row("Personal", "kostnadsgrupp", -70, -70, -60, -50),
        row("Övrigt", "kostnadsgrupp", -50, -40, -40, -30),
        row("Kostnader", "kostnader", -120, -110, kostnader_utfall, -80),
        row("Netto", "netto", -70, -50, 40 + kostnader_utfall, -50),
        row("Kommunbidrag", "kommunbidrag", 80, 80, 60, 60),
        row("Finansnetto", "finansnetto", 0, 0, 0, 0),
        row("Resultat", "resultat", resultat_budget, 30, 100 + kostnader_utfall, 10),
    ]}


def test_a_consistent_table_has_no_flags() -> None:
    assert check_table(table_from_dict(drift())) == []


def test_one_tkr_off_is_rounding_and_not_a_slip() -> None:
    table = table_from_dict(drift(kostnader_utfall=-101))
    found = check_table(table)
    assert [(f.row, f.column, f.is_rounding) for f in found] == [
        ("Kostnader", "utfall", True), ("Kostnader", "diff", True)]  # Diff sums as Utfall
    assert slips(table) == []


def test_more_than_one_tkr_is_flagged_with_row_and_expected_value() -> None:
    found = slips(table_from_dict(drift(resultat_budget=12)))
    assert {(f.row, f.column) for f in found} == {("Resultat", "budget"),
                                                  ("Resultat", "avvikelse")}
    [slip] = [f for f in found if f.column == "budget"]
    assert (slip.row, slip.column, slip.stated, slip.expected) == (
        "Resultat", "budget", Decimal(12), Decimal(10))
    assert "beräknat 10" in slip.message()


def test_missing_figures_are_not_checked_as_zero() -> None:
    data = drift()
    data["rows"][1]["values"]["utfall"] = "-"  # type: ignore[index]
    assert check_table(table_from_dict(data)) == []


def test_unknown_row_role_is_refused() -> None:
    data = drift()
    data["rows"][0]["role"] = "okand"  # type: ignore[index]
    with pytest.raises(InvalidInputError):
        table_from_dict(data)
