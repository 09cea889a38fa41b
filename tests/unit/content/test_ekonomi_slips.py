"""Each arithmetic rule of the ekonomi check, broken on purpose.

The tables start consistent; one stated figure is then put off by ``delta`` tkr. More than
1 tkr off is a slip, flagged with the row, the column, the rule and the value the parts give;
±1 tkr is rounding (flagged, never a slip). Every check uses the table's own stated
subtotals, so a wrong subtotal is flagged where it is stated, and again where it is used;
the sums hold in every column, Avvikelse and Diff included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.base import Actor, Cause
from domain.content.ekonomi import ArithmeticFlag, check_table, slips, table_from_dict
from domain.ids import cycle_id
from domain.unit_report import UnitReport

AVVIKELSE = "Avvikelse = Prognos − Budget"
DIFF = "Diff = Utfall − Utfall föregående år"
KOSTNADER = "Kostnader = summan av kostnadsgrupperna"
NETTO = "Netto = Intäkter + Kostnader"
RESULTAT = "Resultat = Kommunbidrag + Netto + Finansnetto"
KATEGORI = "Kategori = summan av dess poster"
TOTALT = "Totala utgifter = summan av kategorierna"

COLUMNS = {"budget": "Budget 2023", "prognos": "Prognos helår", "avvikelse": "Avv.",
           "utfall": "Utfall aug 2023", "utfall_fg": "Utfall aug 2022", "diff": "Diff."}
# label, role, budget, prognos, utfall, utfall föregående år (tkr); every sum holds.
DRIFT = [
    ("Intäkter", "intakter", 50, 60, 40, 30),
    ("Personal", "kostnadsgrupp", -70, -70, -60, -50),
    ("Övrigt", "kostnadsgrupp", -50, -40, -40, -30),
    ("Kostnader", "kostnader", -120, -110, -100, -80),
    ("Netto", "netto", -70, -50, -60, -50),
    ("Kommunbidrag", "kommunbidrag", 80, 80, 60, 60),
    ("Finansnetto", "finansnetto", -2, -2, -1, -1),
    ("Resultat", "resultat", 8, 28, -1, 9),
]
INVESTERINGAR = [
    ("Fastigheter", "kategori", 15, 12, 9, 20),
    ("Ombyggnad", "post", 10, 8, 6, 14),
    ("Inventarier", "post", 5, 4, 3, 6),
    ("IT", "kategori", 4, 6, 2, 3),
    ("Datorer", "post", 4, 6, 2, 3),
    ("Totala utgifter", "totalt", 19, 18, 11, 23),
]


def table(kind: str, rows: list[tuple[str, str, int, int, int, int]],
          off: dict[tuple[str, str], int] | None = None) -> dict[str, Any]:
    """The table as a chef enters it, with ``off[(label, column)]`` tkr added to a figure."""
    off = off or {}
    out = []
    for label, role, b, p, u, f in rows:
        values = {"budget": b, "prognos": p, "avvikelse": p - b, "utfall": u,
                  "utfall_fg": f, "diff": u - f}
        values = {c: str(v + off.get((label, c), 0)) for c, v in values.items()}
        out.append({"label": label, "role": role, "values": values})
    return {"kind": kind, "columns": COLUMNS, "rows": out}


def flags(kind: str, off: dict[tuple[str, str], int]) -> list[tuple[str, str, str, int, int]]:
    rows = DRIFT if kind == "drift" else INVESTERINGAR
    return [_key(f) for f in check_table(table_from_dict(table(kind, rows, off)))]


def _key(f: ArithmeticFlag) -> tuple[str, str, str, int, int]:
    return (f.row, f.column, f.rule, int(f.stated), int(f.expected))


def test_the_fixtures_are_consistent() -> None:
    assert flags("drift", {}) == [] and flags("investeringar", {}) == []


# (kind, the figure put off, what is flagged: row, column, rule, stated, expected), for +3.
BROKEN = [
    pytest.param("drift", ("Personal", "avvikelse"),
                 [("Personal", "avvikelse", AVVIKELSE, 3, 0),
                  ("Kostnader", "avvikelse", KOSTNADER, 10, 13)], id="avvikelse"),
    pytest.param("drift", ("Resultat", "avvikelse"),
                 [("Resultat", "avvikelse", AVVIKELSE, 23, 20),
                  ("Resultat", "avvikelse", RESULTAT, 23, 20)], id="avvikelse_of_a_total"),
    pytest.param("drift", ("Intäkter", "diff"),
                 [("Intäkter", "diff", DIFF, 13, 10),
                  ("Netto", "diff", NETTO, -10, -7)], id="diff"),
    pytest.param("investeringar", ("Datorer", "diff"),
                 [("Datorer", "diff", DIFF, 2, -1),
                  ("IT", "diff", KATEGORI, -1, 2)], id="diff_in_investeringar"),
    pytest.param("drift", ("Kostnader", "budget"),
                 [("Kostnader", "budget", KOSTNADER, -117, -120),
                  ("Netto", "budget", NETTO, -70, -67),
                  ("Kostnader", "avvikelse", AVVIKELSE, 10, 7)], id="kostnader"),
    pytest.param("drift", ("Övrigt", "utfall"),
                 [("Kostnader", "utfall", KOSTNADER, -100, -97),
                  ("Övrigt", "diff", DIFF, -10, -7)], id="a_kostnadsgrupp"),
    pytest.param("drift", ("Netto", "prognos"),
                 [("Netto", "prognos", NETTO, -47, -50),
                  ("Resultat", "prognos", RESULTAT, 28, 31),
                  ("Netto", "avvikelse", AVVIKELSE, 20, 23)], id="netto"),
    pytest.param("drift", ("Finansnetto", "utfall_fg"),
                 [("Resultat", "utfall_fg", RESULTAT, 9, 12),
                  ("Finansnetto", "diff", DIFF, 0, -3)], id="finansnetto"),
    pytest.param("drift", ("Resultat", "utfall"),
                 [("Resultat", "utfall", RESULTAT, 2, -1),
                  ("Resultat", "diff", DIFF, -10, -7)], id="resultat"),
    pytest.param("investeringar", ("Ombyggnad", "budget"),
                 [("Fastigheter", "budget", KATEGORI, 15, 18),
                  ("Ombyggnad", "avvikelse", AVVIKELSE, -2, -5)], id="a_post"),
    pytest.param("investeringar", ("IT", "prognos"),
                 [("IT", "prognos", KATEGORI, 9, 6),
                  ("Totala utgifter", "prognos", TOTALT, 18, 21),
                  ("IT", "avvikelse", AVVIKELSE, 2, 5)], id="a_kategori"),
    pytest.param("investeringar", ("Totala utgifter", "utfall"),
                 [("Totala utgifter", "utfall", TOTALT, 14, 11),
                  ("Totala utgifter", "diff", DIFF, -12, -9)], id="totalt"),
]


@pytest.mark.parametrize(("kind", "figure", "expected"), BROKEN)
def test_a_figure_off_by_more_than_one_tkr_is_a_slip(
        kind: str, figure: tuple[str, str], expected: list[tuple[str, str, str, int, int]]
        ) -> None:
    rows = DRIFT if kind == "drift" else INVESTERINGAR
    data = table_from_dict(table(kind, rows, {figure: 3}))
    assert sorted(_key(f) for f in check_table(data)) == sorted(expected)
    assert sorted(_key(f) for f in slips(data)) == sorted(expected)


@pytest.mark.parametrize(("kind", "figure", "expected"), BROKEN)
@pytest.mark.parametrize("delta", [1, -1])
def test_one_tkr_either_way_is_rounding(
        kind: str, figure: tuple[str, str], expected: list[tuple[str, str, str, int, int]],
        delta: int) -> None:
    rows = DRIFT if kind == "drift" else INVESTERINGAR
    data = table_from_dict(table(kind, rows, {figure: delta}))
    found = check_table(data)
    assert {(f.row, f.column, f.rule) for f in found} == {e[:3] for e in expected}
    assert all(f.is_rounding and abs(f.difference) == 1 for f in found)
    assert slips(data) == []


@pytest.mark.parametrize("delta", [2, -2])
def test_two_tkr_is_no_longer_rounding(delta: int) -> None:
    found = check_table(table_from_dict(table("drift", DRIFT, {("Personal", "avvikelse"):
                                                               delta})))
    [flag] = [f for f in found if f.row == "Personal"]
    assert (flag.difference, flag.is_rounding) == (Decimal(delta), False)


def test_the_flag_says_where_what_was_stated_and_what_the_parts_give() -> None:
    found = slips(table_from_dict(table("drift", DRIFT, {("Intäkter", "diff"): 3})))
    [slip] = [f for f in found if f.row == "Intäkter"]
    assert slip.message() == (
        "Intäkter, Diff. utfall: angivet 13, beräknat 10 (Diff = Utfall − Utfall föregående år)")


def test_the_report_keeps_the_table_and_shows_only_the_slips() -> None:
    """A table with a slip and a rounding is saved; the report's slips are the slip only
    (each flagged where it is stated and in the sum that uses it)."""
    t = datetime(2022, 8, 20, 8, tzinfo=UTC)
    report = UnitReport.open(
        cycle_id("VON", "delarsbokslut", 2022), "VON", "enh-ekhagen", "enhet",
        "avd-aldreboende", t, [], Cause(Actor.system("import"), t))
    anna = Cause(Actor("anna", "enhetschef", "enh-ekhagen"), t)
    report.record_ekonomi(table("drift", DRIFT, {("Personal", "avvikelse"): 3,
                                                 ("Intäkter", "diff"): 1}), anna)
    flags = report.ekonomi_flags["drift"]
    assert [(f["row"], f["column"], f["stated"], f["expected"], f["rule"], f["rounding"])
            for f in flags] == [
        ("Kostnader", "avvikelse", "10", "13", KOSTNADER, False),
        ("Netto", "diff", "-10", "-9", NETTO, True),
        ("Intäkter", "diff", "11", "10", DIFF, True),
        ("Personal", "avvikelse", "3", "0", AVVIKELSE, False)]
    assert [f["row"] for f in report.arithmetic_slips] == ["Kostnader", "Personal"]
    assert report.ekonomi["drift"]["rows"][1]["values"]["avvikelse"] == "3"
    assert report.status == "pagar"
