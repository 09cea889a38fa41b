"""Reading an ekonomi table from the kommun's export: .xlsx and Swedish .csv, the
RecordEkonomi payload, and errors that name sheet, row and column."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from domain import commands as c
from domain.content.ekonomi import slips, table_from_dict
from domain.content.values import format_figure
from domain.errors import InvalidInputError
from infrastructure.ekonomi_import import parse_amount, read_ekonomi

HEADER = ["Belopp i tkr", "Budget 2023", "Prognos helår 2023", "Avv. prognos/budget 2023",
          "Delårsbokslut 2023", "Delårsbokslut 2022", "Diff. utfall 2022/2023"]
COLUMNS = {"budget": "Budget 2023", "prognos": "Prognos helår 2023",
           "avvikelse": "Avv. prognos/budget 2023", "utfall": "Delårsbokslut 2023",
           "utfall_fg": "Delårsbokslut 2022", "diff": "Diff. utfall 2022/2023"}
# Socialnämnden 2023 (data/snd2023/ekonomi.yaml), as the economy system exports it.
DRIFT = [
    ["Verksamhetens intäkter", 16924, 17100, 176, 11646, 9965, 1681],
    ["Personalkostnader", -137901, -133941, 3960, -82243, -75000, -7243],
    ["Lokalhyror", -12595, -11800, 795, -7893, -7434, -459],
    ["Köp av tjänster", -57276, -61100, -3824, -45195, -35114, -10081],
    ["Övriga kostnader", -33199, -34300, -1101, -22366, -18919, -3447],
    ["Verksamhetens kostnader", -240971, -241141, -170, -157698, -136467, -21231],
    ["Verksamhetens nettokostnader", -224047, -224041, 6, -146052, -126502, -19550],
    ["Kommunbidrag", 224047, 224047, 0, 149365, 140084, 9281],
    ["Finansnetto", 0, -6, -6, -6, -1, -5],
    ["Årets resultat", 0, 0, 0, 3307, 13581, -10274],
]
DRIFT_ROLES = ["intakter", "kostnadsgrupp", "kostnadsgrupp", "kostnadsgrupp", "kostnadsgrupp",
               "kostnader", "netto", "kommunbidrag", "finansnetto", "resultat"]
INVESTERINGAR = [
    ["Reinvestering", 600, 600, 0, 372, 246, 126],
    ["Inventarier", 400, 400, 0, 213, 46, 167],
    ["IT-utrustning", 200, 200, 0, 159, 200, -41],
    ["Transportmedel", 0, 0, 0, 0, 30, -30],
    ["Totala utgifter", 600, 600, 0, 372, 246, 126],
]


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(tmp_path: Path) -> bytes:
    path = tmp_path / "ekonomi.xlsx"
    path.write_bytes(workbook({
        "Drift": [["Socialnämnden, belopp i tkr"], [], HEADER, *DRIFT,
                  ["Källa: ekonomisystemet"]],
        "Investeringar": [HEADER, *INVESTERINGAR]}))
    return path.read_bytes()


def error_of(filename: str, data: bytes, kind: str = "drift") -> str:
    with pytest.raises(InvalidInputError) as refused:
        read_ekonomi(filename, data, kind)
    return str(refused.value)


def csv_of(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(";".join(r) for r in rows).encode(encoding)


class TestXlsx:
    def test_a_good_export_gives_the_record_ekonomi_payload(self, tmp_path: Path) -> None:
        read = read_ekonomi("ekonomi.xlsx", export(tmp_path), "drift")
        assert (read.source, read.row_count) == ("Blad Drift", 10)
        assert read.payload["kind"] == "drift" and read.payload["columns"] == COLUMNS
        assert [r["role"] for r in read.payload["rows"]] == DRIFT_ROLES
        assert read.payload["rows"][1] == {
            "label": "Personalkostnader", "role": "kostnadsgrupp",
            "values": {"budget": "-137901", "prognos": "-133941", "avvikelse": "3960",
                       "utfall": "-82243", "utfall_fg": "-75000", "diff": "-7243"}}
        command = c.RecordEkonomi.model_validate(
            {"report_id": "00000000-0000-0000-0000-000000000001", **read.payload})
        assert [f.message() for f in slips(table_from_dict(
            command.model_dump(include={"kind", "columns", "rows"})))] == []

    def test_investeringar_keeps_the_published_slip(self, tmp_path: Path) -> None:
        read = read_ekonomi("ekonomi.xlsx", export(tmp_path), "investeringar")
        assert [r["role"] for r in read.payload["rows"]] == [
            "kategori", "post", "post", "post", "totalt"]
        flagged = slips(table_from_dict(read.payload))
        assert [(f.row, f.column, f.stated, f.expected) for f in flagged] == [
            ("Reinvestering", "utfall_fg", Decimal(246), Decimal(276)),
            ("Reinvestering", "diff", Decimal(126), Decimal(96))]

    def test_a_bad_cell_names_sheet_row_and_column(self) -> None:
        rows = [HEADER, *[list(r) for r in DRIFT]]
        rows[6][4] = "12 3x4"
        message = error_of("ekonomi.xlsx", workbook({"Drift": rows}))
        assert message == ("Blad Drift, rad 7, kolumn E (Delårsbokslut 2023): '12 3x4' är "
                           "inte ett belopp")

    def test_a_missing_required_column_is_named(self) -> None:
        rows = [[cell for i, cell in enumerate(r) if i not in (4, 5)] for r in [HEADER, *DRIFT]]
        message = error_of("ekonomi.xlsx", workbook({"Drift": rows}))
        assert message == "Blad Drift: kolumnen Utfall saknas (rubrikraden är rad 1)"

    def test_headers_are_matched_without_case_and_roles_may_be_given(self) -> None:
        rows = [["", "BUDGET", "utfall", "Roll"],
                ["Hyror", "-10", "-8", "Kostnadsgrupp"],
                ["Summa", "-10", "-8", "kostnader"]]
        read = read_ekonomi("e.xlsx", workbook({"drift": rows}), "drift")
        assert read.payload["columns"] == {"budget": "BUDGET", "utfall": "utfall"}
        assert [r["role"] for r in read.payload["rows"]] == ["kostnadsgrupp", "kostnader"]

    def test_an_unknown_role_is_named(self) -> None:
        rows = [["", "Budget", "Utfall", "Roll"], ["Hyror", 1, 2, "post"]]
        message = error_of("e.xlsx", workbook({"Drift": rows}))
        assert message.startswith("Blad Drift, rad 2, kolumn D (Roll): 'post' är ingen roll")

    def test_a_workbook_without_the_sheet_names_the_sheets_it_has(self) -> None:
        data = workbook({"Drift": [HEADER, *DRIFT], "Noter": [["x"]]})
        assert error_of("e.xlsx", data, "investeringar") == (
            "Filen har inget blad som heter Investeringar (bladen: Drift, Noter)")

    def test_a_single_sheet_is_the_table_whatever_its_name(self) -> None:
        read = read_ekonomi("e.xlsx", workbook({"Blad1": [HEADER, *DRIFT]}), "drift")
        assert (read.source, read.row_count) == ("Blad Blad1", 10)

    def test_an_empty_file_and_an_empty_sheet(self) -> None:
        assert error_of("e.xlsx", b"") == "Filen är tom"
        assert error_of("e.csv", b"\r\n") == "Filen är tom"
        assert error_of("e.xlsx", workbook({"Drift": []})) == "Blad Drift är tomt"
        assert error_of("e.xlsx", workbook({"Drift": [HEADER]})) == (
            "Blad Drift: inga rader under rubrikraden (rad 1)")

    def test_a_file_that_is_not_xlsx_is_a_clear_error(self) -> None:
        message = error_of("e.xlsx", b"Budget;Utfall\r\n1;2")
        assert message.startswith("Filen är ingen Excel-fil (.xlsx)")
        broken = io.BytesIO()
        with zipfile.ZipFile(broken, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        assert error_of("e.xlsx", broken.getvalue()).startswith(
            "Filen kunde inte läsas som Excel-fil")
        assert error_of("e.xls", b"\xd0\xcf\x11\xe0").startswith("Det gamla Excel-formatet")
        assert error_of("e.pdf", b"%PDF").endswith("är varken .xlsx eller .csv")

    def test_a_formula_gives_the_value_excel_saved(self) -> None:
        rows = [["", "Budget", "Utfall"], ["Hyror", -10, -8], ["Mat", -5, -4],
                ["Verksamhetens kostnader", "=B2+B3", -12]]
        data = workbook({"Drift": rows})
        # What Excel writes when it saves: the formula and its computed value.
        data = _rewrite_sheet(data, "<f>B2+B3</f><v></v>", "<f>B2+B3</f><v>-15</v>")
        read = read_ekonomi("e.xlsx", data, "drift")
        assert read.payload["rows"][2]["values"] == {"budget": "-15", "utfall": "-12"}

    def test_a_formula_without_a_saved_value_is_named_not_read_as_missing(self) -> None:
        rows = [["", "Budget", "Utfall"], ["Hyror", -10, -8],
                ["Verksamhetens kostnader", "=B2", -8]]
        message = error_of("e.xlsx", workbook({"Drift": rows}))
        assert message.startswith("Blad Drift, rad 3, kolumn B (Budget): formeln =B2 har "
                                  "inget beräknat värde")

    def test_missing_markers_stay_missing_and_floats_lose_their_noise(self) -> None:
        rows = [["", "Budget", "Utfall"], ["Hyror", "IU", "-"], ["Mat", 3959.9999999999995, None],
                ["Rubrik utan belopp"]]
        read = read_ekonomi("e.xlsx", workbook({"Drift": rows}), "drift")
        assert [r["values"] for r in read.payload["rows"]] == [
            {"budget": None, "utfall": None}, {"budget": "3960", "utfall": None}]

    def test_an_unknown_header_and_a_dated_cell_are_named(self) -> None:
        assert error_of("e.xlsx", workbook({"Drift": [["", "Budget", "Utfal"]]})) == (
            "Blad Drift, rad 1, kolumn C: okänd rubrik 'Utfal'; kända: Budget, Prognos "
            "helår, Avv. prognos/budget, Utfall, Utfall föregående år, Diff. utfall, Roll")
        rows = [["", "Budget", "Utfall"], ["Hyror", datetime(2023, 8, 31), 1]]
        assert error_of("e.xlsx", workbook({"Drift": rows})) == (
            "Blad Drift, rad 2, kolumn B (Budget): '2023-08-31T00:00:00' är inte ett belopp")


def _rewrite_sheet(data: bytes, old: str, new: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                assert old.encode() in body
                body = body.replace(old.encode(), new.encode())
            target.writestr(info, body)
    return out.getvalue()


class TestCsv:
    def test_a_swedish_export_gives_the_same_payload(self, tmp_path: Path) -> None:
        rows = [["Investeringar, belopp i tkr"], HEADER,
                *([r[0], *(format_figure(Decimal(v)) for v in r[1:])] for r in INVESTERINGAR)]
        read = read_ekonomi("inv.csv", csv_of(rows), "investeringar")
        assert read.source == "Fil inv.csv"
        assert read.payload == read_ekonomi("ekonomi.xlsx", export(tmp_path),
                                            "investeringar").payload

    def test_decimal_comma_thousands_and_minus_signs(self) -> None:
        rows = [["Rad", "Budget", "Utfall", "Utfall föregående år"],
                ["Personalkostnader", "−137 901", "-82\u00a0243,5", "1\u202f000"],
                ["Lokalhyror", "IU", "", "-"]]
        read = read_ekonomi("d.csv", csv_of(rows), "drift")
        assert [r["values"] for r in read.payload["rows"]] == [
            {"budget": "-137901", "utfall": "-82243.5", "utfall_fg": "1000"},
            {"budget": None, "utfall": None, "utfall_fg": None}]

    def test_excels_windows_encoding_is_read(self) -> None:
        rows = [["", "Budget", "Utfall"], ["Köp av tjänster", "-57 276", "-45 195"]]
        read = read_ekonomi("d.csv", csv_of(rows, "cp1252"), "drift")
        assert read.payload["rows"][0]["label"] == "Köp av tjänster"

    def test_a_bad_cell_names_file_row_and_column(self) -> None:
        rows = [["", "Budget", "Utfall"], ["Hyror", "1 000", "1.000,5"]]
        assert error_of("d.csv", csv_of(rows)) == (
            "Fil d.csv, rad 2, kolumn C (Utfall): '1.000,5' är inte ett belopp")

    def test_a_row_without_label_is_named(self) -> None:
        rows = [["", "Budget", "Utfall"], ["", "1", "2"]]
        assert error_of("d.csv", csv_of(rows)) == (
            "Fil d.csv, rad 2, kolumn A: radens benämning saknas")


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_a_swedish_amount_parses_back_to_itself(value: Decimal) -> None:
    text = format_figure(value)  # "-1 234 567,89": space thousands, decimal comma
    assert parse_amount(text) == value
    assert parse_amount(text.replace(" ", "\u00a0").replace("-", "\u2212")) == value


@pytest.mark.parametrize("text", ["12 3x4", "1,2,3", "1.5", "abc", "--1", ",5", "5,"])
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)
