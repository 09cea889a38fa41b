"""Reads an ekonomi table (Drift or Investeringar) from the kommun's economy export.

Accepted files (README, "Rapporter"): an Excel workbook (.xlsx) with one sheet per table,
named Drift or Investeringar (a workbook with a single sheet is that table whatever its
name), or a CSV file holding one table (Swedish export: ``;`` between cells, decimal comma,
space or non-breaking space between thousands, minus as "-" or "−").

In a sheet, the header row is the first of the first ten rows that names an amount column
(Budget, Prognos helår, Avvikelse, Utfall, Utfall föregående år, Diff; case-insensitive, a
trailing year ignored). Column A holds the row's label; an optional "Roll" column gives its
role in the domain's table, otherwise the role follows from the label. Budget and Utfall
are required. Empty cells and "IU" / "-" are missing values, never zero. A row with a label
and no cell filled at all is a heading or a note and is left out.

Every error names the sheet (or file), the row and the column as a spreadsheet shows them,
and the whole file is refused: the result is either a complete ``RecordEkonomi`` payload
or an ``InvalidInputError``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import zip_longest
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.content.ekonomi import COLUMN_LABELS, TABLE_ROLES, table_from_dict
from domain.content.values import MISSING_MARKERS, figure_to_text
from domain.errors import InvalidInputError

KINDS = {"drift": "Drift", "investeringar": "Investeringar"}
REQUIRED = ("budget", "utfall")
MAX_ROWS = 100  # RecordEkonomi's own limit
MAX_LABEL = 200
MAX_HEADER = 100
HEADER_SEARCH_ROWS = 10
# Reading stops here: a table is a few dozen rows, and a crafted sheet must not cost more.
MAX_SHEET_ROWS = 500
MAX_SHEET_COLUMNS = 40
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse bombs before opening

# Header text (lower case, year stripped) → column key. The domain's own labels count too.
HEADER_ALIASES: dict[str, str] = {
    **{label.lower(): key for key, label in COLUMN_LABELS.items()},
    "budget": "budget",
    "prognos": "prognos", "helårsprognos": "prognos", "prognos helår": "prognos",
    "avvikelse": "avvikelse", "avv.": "avvikelse", "avv. prognos/budget": "avvikelse",
    "avv prognos/budget": "avvikelse", "avvikelse prognos/budget": "avvikelse",
    "utfall": "utfall", "delårsbokslut": "utfall", "årsbokslut": "utfall",
    "bokslut": "utfall",
    "utfall föregående år": "utfall_fg", "utfall fg år": "utfall_fg",
    "utfall fg": "utfall_fg", "föregående år": "utfall_fg",
    "diff": "diff", "diff.": "diff", "diff. utfall": "diff", "diff utfall": "diff",
    "differens": "diff",
}
ROLE_HEADER = "roll"
ROLE_ALIASES = {
    "intäkter": "intakter", "intakter": "intakter", "kostnadsgrupp": "kostnadsgrupp",
    "kostnader": "kostnader", "netto": "netto", "nettokostnader": "netto",
    "kommunbidrag": "kommunbidrag", "finansnetto": "finansnetto", "resultat": "resultat",
    "kategori": "kategori", "post": "post", "totalt": "totalt", "totala utgifter": "totalt",
}
_YEAR_SUFFIX = re.compile(r"\s*\d{4}(\s*[/–-]\s*\d{4})?$")
_AMOUNT = re.compile(r"[+-]?\d+(,\d+)?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")


@dataclass(frozen=True)
class EkonomiImport:
    """What was read: the ``RecordEkonomi`` payload and where it came from."""

    source: str  # "Blad Drift" or "Fil drift.csv"
    payload: dict[str, Any]  # kind, columns, rows: as RecordEkonomi takes them

    @property
    def row_count(self) -> int:
        return len(self.payload["rows"])


def read_ekonomi(filename: str, data: bytes, kind: str) -> EkonomiImport:
    """The table ``kind`` ("drift" or "investeringar") from an .xlsx or .csv file."""
    if kind not in KINDS:
        raise _error(f"Okänd ekonomitabell {kind!r}; tillåtna: Drift, Investeringar")
    if not data.strip():
        raise _error("Filen är tom")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm"):
        source, rows = _xlsx_rows(data, kind)
    elif suffix in ("csv", "txt"):
        source, rows = f"Fil {filename}", _csv_rows(data)
    elif suffix == "xls":
        raise _error("Det gamla Excel-formatet (.xls) kan inte läsas: spara filen som .xlsx "
                     "eller .csv")
    else:
        raise _error(f"Filen {filename!r} är varken .xlsx eller .csv")
    return EkonomiImport(source, _table(source, rows, kind))


def parse_amount(raw: Any) -> Decimal | None:
    """One cell as a Swedish amount: "-137 901" → -137901, "82,2" → 82.2, "IU" → None.

    Raises ``ValueError`` for anything else (the caller names the cell)."""
    if raw is None:
        return None
    if isinstance(raw, bool | datetime | date | time):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        return _clean(Decimal(raw))
    if isinstance(raw, float):
        # A formula's result carries binary noise (3959.9999999999995): Excel shows it
        # rounded, and so do we, far below the tkr the tables are in.
        return _clean(round(Decimal(repr(raw)), 6))
    text = str(raw).strip()
    if text.lower() in MISSING_MARKERS:
        return None
    compact = text.translate(_SPACES).replace("\u2212", "-").replace("–", "-")
    if not _AMOUNT.fullmatch(compact):
        raise ValueError(raw)
    try:
        return _clean(Decimal(compact.replace(",", ".")))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(raw) from None


def _clean(value: Decimal) -> Decimal:
    """Whole amounts without a trailing ".0", so the recorded text is the amount as read."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0  # "+ 0" turns -0 into 0
    return value.normalize()


def _error(message: str) -> InvalidInputError:
    return InvalidInputError(message, rule="ekonomi_import")


# --- reading the files ---------------------------------------------------------------

def _xlsx_rows(data: bytes, kind: str) -> tuple[str, list[list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise _error("Filen är ingen Excel-fil (.xlsx): spara den som .xlsx eller .csv och "
                     "försök igen") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _error("Excel-filen är för stor uppackad")
    # data_only gives the value Excel computed and saved with a formula; the formulas are
    # read too, since a formula saved without its value reads as an empty cell.
    values, formulas = _workbook(data, data_only=True), _workbook(data, data_only=False)
    try:
        names = list(values.sheetnames)
        wanted = KINDS[kind].lower()
        name = next((n for n in names if n.strip().lower() == wanted), None)
        if name is None and len(names) == 1:
            name = names[0]
        if name is None:
            raise _error(f"Filen har inget blad som heter {KINDS[kind]} (bladen: "
                         f"{', '.join(names)})")
        rows = [[_FormulaCell(f) if v is None and isinstance(f, str) and f.startswith("=")
                 else v for v, f in zip_longest(value_row, formula_row)]
                for value_row, formula_row in zip_longest(_cells(values[name]),
                                                          _cells(formulas[name]), fillvalue=())]
    finally:
        values.close()
        formulas.close()
    return f"Blad {name}", rows


def _workbook(data: bytes, data_only: bool) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds for a broken or foreign file
        raise _error("Filen kunde inte läsas som Excel-fil (.xlsx): spara den som .xlsx "
                     "eller .csv och försök igen") from None


def _cells(sheet: Any) -> Iterable[tuple[Any, ...]]:
    try:
        yield from sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLUMNS,
                                   values_only=True)
    except Exception:  # a damaged sheet inside a valid zip
        raise _error("Bladet kunde inte läsas: spara filen i Excel igen") from None


@dataclass(frozen=True)
class _FormulaCell:
    """A formula whose value was never computed (a file written by a program, not Excel)."""

    formula: str


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV (semikolonavgränsad)"
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = "\t" if "\t" in first and ";" not in first else ";"
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([cell if cell.strip() else None for cell in row])
            if len(rows) >= MAX_SHEET_ROWS:
                break
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit
        raise _error(f"Rad {reader.line_num} kan inte läsas som CSV: {exc}") from None
    return rows


# --- the table -----------------------------------------------------------------------

def _header_key(text: str) -> str | None:
    key = " ".join(text.strip().lower().split())
    return HEADER_ALIASES.get(key) or HEADER_ALIASES.get(_YEAR_SUFFIX.sub("", key))


def _year_of(text: str) -> int:
    years = re.findall(r"\d{4}", text)
    return int(years[-1]) if years else 0


def _find_header(source: str, rows: Sequence[Sequence[Any]]) -> int:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(isinstance(v, str) and _header_key(v) for v in row[1:]):
            return index
    wanted = ", ".join(COLUMN_LABELS[k] for k in COLUMN_LABELS)
    raise _error(f"{source}: ingen rubrikrad bland de {HEADER_SEARCH_ROWS} första raderna; "
                 f"väntade kolumner: {wanted}")


def _columns(source: str, header: Sequence[Any], row_number: int
             ) -> tuple[dict[int, str], dict[str, str], int | None]:
    """Column index → key, key → header as published, and the Roll column's index."""
    found: dict[str, list[tuple[int, str]]] = {}
    role_column = None
    for index, cell in enumerate(header):
        if index == 0 or cell is None or not str(cell).strip():
            continue
        text = " ".join(str(cell).split())
        where = f"{source}, rad {row_number}, kolumn {get_column_letter(index + 1)}"
        if text.lower() == ROLE_HEADER:
            role_column = index
            continue
        key = _header_key(text)
        if key is None:
            raise _error(f"{where}: okänd rubrik {text!r}; kända: "
                         f"{', '.join(COLUMN_LABELS.values())}, Roll")
        if len(text) > MAX_HEADER:
            raise _error(f"{where}: rubriken är längre än {MAX_HEADER} tecken")
        found.setdefault(key, []).append((index, text))
    # "Delårsbokslut 2023" and "Delårsbokslut 2022": the earlier year is föregående år.
    if len(found.get("utfall", ())) == 2 and "utfall_fg" not in found:
        earlier, later = sorted(found["utfall"], key=lambda c: _year_of(c[1]))
        if _year_of(earlier[1]) < _year_of(later[1]):
            found["utfall"], found["utfall_fg"] = [later], [earlier]
    by_index: dict[int, str] = {}
    labels: dict[str, str] = {}
    for key, cells in found.items():
        if len(cells) > 1:
            letters = " och ".join(get_column_letter(i + 1) for i, _ in cells)
            raise _error(f"{source}, rad {row_number}: kolumn {letters} är båda "
                         f"{COLUMN_LABELS[key]}")
        index, text = cells[0]
        by_index[index] = key
        labels[key] = text
    for key in REQUIRED:
        if key not in labels:
            raise _error(f"{source}: kolumnen {COLUMN_LABELS[key]} saknas (rubrikraden är "
                         f"rad {row_number})")
    ordered = {k: labels[k] for k in COLUMN_LABELS if k in labels}
    return by_index, ordered, role_column


def _table(source: str, rows: list[list[Any]], kind: str) -> dict[str, Any]:
    if not any(_filled(v) for row in rows for v in row):
        raise _error(f"{source} är tomt")
    start = _find_header(source, rows)
    by_index, labels, role_column = _columns(source, rows[start], start + 1)
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows[start + 1:], start + 2):
        cells = list(row) + [None] * (len(rows[start]) - len(row))
        if not any(_filled(v) for v in cells):
            continue
        label = cells[0]
        amounts = {i: cells[i] for i in by_index if i < len(cells)}
        if not any(_filled(v) for v in amounts.values()):
            continue  # a heading or a note under the table
        where = f"{source}, rad {number}"
        if not _filled(label):
            raise _error(f"{where}, kolumn A: radens benämning saknas")
        label_text = " ".join(str(label).split())
        if len(label_text) > MAX_LABEL:
            raise _error(f"{where}, kolumn A: benämningen är längre än {MAX_LABEL} tecken")
        values = {}
        for index, key in by_index.items():
            values[key] = _amount(f"{where}, kolumn {get_column_letter(index + 1)} "
                                  f"({labels[key]})", cells[index] if index < len(cells)
                                  else None)
        role = _role(where, kind, label_text, cells, role_column)
        out.append({"label": label_text, "role": role,
                    "values": {k: figure_to_text(values[k]) for k in labels}})
        if len(out) > MAX_ROWS:
            raise _error(f"{source}: fler än {MAX_ROWS} rader")
    if not out:
        raise _error(f"{source}: inga rader under rubrikraden (rad {start + 1})")
    payload = {"kind": kind, "columns": labels, "rows": out}
    table_from_dict(payload)  # the domain's own checks (one Kostnader, one Resultat, …)
    return payload


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _amount(where: str, raw: Any) -> Decimal | None:
    if isinstance(raw, _FormulaCell):
        raise _error(f"{where}: formeln {raw.formula} har inget beräknat värde; öppna filen "
                     f"i Excel och spara den igen")
    try:
        return parse_amount(raw)
    except ValueError:
        shown = raw.isoformat() if isinstance(raw, datetime | date | time) else raw
        raise _error(f"{where}: {str(shown)!r} är inte ett belopp") from None


def _role(where: str, kind: str, label: str, cells: Sequence[Any],
          role_column: int | None) -> str:
    given = cells[role_column] if role_column is not None and role_column < len(cells) else None
    if _filled(given):
        role = ROLE_ALIASES.get(" ".join(str(given).lower().split()))
        if role not in TABLE_ROLES[kind]:
            assert role_column is not None
            allowed = ", ".join(TABLE_ROLES[kind])
            raise _error(f"{where}, kolumn {get_column_letter(role_column + 1)} (Roll): "
                         f"{given!r} är ingen roll i {KINDS[kind]}; tillåtna: {allowed}")
        return role
    return _drift_role(label) if kind == "drift" else _investering_role(label)


def _drift_role(label: str) -> str:
    text = label.lower()
    if "intäkter" in text:
        return "intakter"
    if "nettokostnad" in text or text.startswith("netto"):
        return "netto"
    if text in ("kostnader", "summa kostnader", "verksamhetens kostnader"):
        return "kostnader"
    if "kommunbidrag" in text:
        return "kommunbidrag"
    if "finansnetto" in text or text.startswith("finansiell"):
        return "finansnetto"
    if "resultat" in text:
        return "resultat"
    return "kostnadsgrupp"


def _investering_role(label: str) -> str:
    text = label.lower()
    if text.startswith(("totala utgifter", "totalt", "summa")):
        return "totalt"
    if text.endswith(("investering", "investeringar")):
        return "kategori"
    return "post"
