"""Ekonomi tables (Drift, Investeringar) and the arithmetic check on them.

Amounts are tkr, each rounded on its own, so a sum may differ from its parts by
1 tkr: that is rounding. More is a slip, flagged with the row, the column and the
value the parts give. A flag never blocks saving: the report shows it.
Each check uses the table's own stated subtotals, as a reader checking it would, and
every sum holds in every column: Avvikelse and Diff add up over the rows as the amounts do
(seed 004 l.959-965: Reinvestering's Diff is stated 126, its posts give 96).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.content.values import figure_to_text, parse_figure
from domain.errors import InvalidInputError

ROUNDING_TOLERANCE = Decimal(1)
COLUMNS = ("budget", "prognos", "avvikelse", "utfall", "utfall_fg", "diff")
COLUMN_LABELS = {"budget": "Budget", "prognos": "Prognos helår", "avvikelse":
                 "Avv. prognos/budget", "utfall": "Utfall", "utfall_fg": "Utfall föregående år",
                 "diff": "Diff. utfall"}
DRIFT_ROLES = ("intakter", "kostnadsgrupp", "kostnader", "netto", "kommunbidrag",
               "finansnetto", "resultat")
INVESTERING_ROLES = ("kategori", "post", "totalt")
TABLE_ROLES = {"drift": DRIFT_ROLES, "investeringar": INVESTERING_ROLES}


@dataclass(frozen=True)
class Row:
    label: str
    role: str
    values: Mapping[str, Decimal | None]


@dataclass(frozen=True)
class EkonomiTable:
    kind: str  # "drift" or "investeringar"
    rows: tuple[Row, ...]
    column_labels: Mapping[str, str]  # column key → header as published

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in COLUMNS if c in self.column_labels)

    def row(self, role: str) -> Row | None:
        return next((r for r in self.rows if r.role == role), None)


@dataclass(frozen=True)
class ArithmeticFlag:
    """A stated figure that its parts do not give."""

    row: str
    column: str
    stated: Decimal
    expected: Decimal
    rule: str

    @property
    def difference(self) -> Decimal:
        return self.stated - self.expected

    @property
    def is_rounding(self) -> bool:
        return abs(self.difference) <= ROUNDING_TOLERANCE

    def message(self) -> str:
        return (f"{self.row}, {COLUMN_LABELS.get(self.column, self.column)}: angivet "
                f"{self.stated}, beräknat {self.expected} ({self.rule})")


def check_table(table: EkonomiTable) -> list[ArithmeticFlag]:
    """Every discrepancy, rounding included; ``slips`` keeps the ones that are errors."""
    checks = _drift_checks(table) if table.kind == "drift" else _investering_checks(table)
    found = [*checks, *_row_checks(table)]
    return [f for f in found if f.difference != 0]


def slips(table: EkonomiTable) -> list[ArithmeticFlag]:
    return [f for f in check_table(table) if not f.is_rounding]


def _flag(row: Row | None, column: str, parts: list[tuple[int, Row | None]],
          rule: str) -> Iterator[ArithmeticFlag]:
    if row is None or any(r is None for _, r in parts):
        return
    stated = row.values.get(column)
    values = [(sign, r.values.get(column)) for sign, r in parts if r is not None]
    if stated is None or any(v is None for _, v in values):
        return  # a missing figure cannot be checked, and is not zero
    expected = sum((sign * v for sign, v in values if v is not None), Decimal(0))
    yield ArithmeticFlag(row.label, column, stated, expected, rule)


def _drift_checks(table: EkonomiTable) -> Iterator[ArithmeticFlag]:
    groups = [r for r in table.rows if r.role == "kostnadsgrupp"]
    kostnader, netto, resultat = table.row("kostnader"), table.row("netto"), table.row("resultat")
    for column in table.columns:
        if groups:
            yield from _flag(kostnader, column, [(1, g) for g in groups],
                             "Kostnader = summan av kostnadsgrupperna")
        yield from _flag(netto, column, [(1, table.row("intakter")), (1, kostnader)],
                         "Netto = Intäkter + Kostnader")
        yield from _flag(resultat, column, [(1, table.row("kommunbidrag")), (1, netto),
                                            (1, table.row("finansnetto"))],
                         "Resultat = Kommunbidrag + Netto + Finansnetto")


def _investering_checks(table: EkonomiTable) -> Iterator[ArithmeticFlag]:
    categories: list[tuple[Row, list[Row]]] = []
    for row in table.rows:
        if row.role == "kategori":
            categories.append((row, []))
        elif row.role == "post" and categories:
            categories[-1][1].append(row)
    total = table.row("totalt")
    for column in table.columns:
        for category, posts in categories:
            if posts:
                yield from _flag(category, column, [(1, p) for p in posts],
                                 "Kategori = summan av dess poster")
        if categories:
            yield from _flag(total, column, [(1, c) for c, _ in categories],
                             "Totala utgifter = summan av kategorierna")


def _row_checks(table: EkonomiTable) -> Iterator[ArithmeticFlag]:
    for row in table.rows:
        if "avvikelse" in table.column_labels:
            yield from _column_rule(row, "avvikelse", "prognos", "budget",
                                    "Avvikelse = Prognos − Budget")
        if "diff" in table.column_labels:
            yield from _column_rule(row, "diff", "utfall", "utfall_fg",
                                    "Diff = Utfall − Utfall föregående år")


def _column_rule(row: Row, target: str, plus: str, minus: str,
                 rule: str) -> Iterator[ArithmeticFlag]:
    stated, a, b = row.values.get(target), row.values.get(plus), row.values.get(minus)
    if stated is not None and a is not None and b is not None:
        yield ArithmeticFlag(row.label, target, stated, a - b, rule)


def table_from_dict(data: Mapping[str, Any]) -> EkonomiTable:
    kind = data.get("kind")
    if kind not in TABLE_ROLES:
        raise InvalidInputError(f"Okänd ekonomitabell {kind!r}; tillåtna: drift, investeringar",
                                rule="ekonomi_kind")
    labels = dict(data.get("columns") or {})
    unknown = sorted(set(labels) - set(COLUMNS))
    if unknown:
        raise InvalidInputError(f"Okända kolumner: {', '.join(unknown)}", rule="ekonomi_column")
    rows = []
    for raw in data.get("rows", ()):
        role = raw.get("role")
        if role not in TABLE_ROLES[kind]:
            raise InvalidInputError(
                f"Raden {raw.get('label')!r} har okänd roll {role!r} för {kind}",
                rule="ekonomi_role")
        extra = sorted(set(raw.get("values", {})) - set(labels))
        if extra:
            raise InvalidInputError(f"Raden {raw.get('label')!r} har värden i okända kolumner: "
                                    f"{', '.join(extra)}", rule="ekonomi_column")
        rows.append(Row(str(raw["label"]), role,
                        {c: parse_figure(raw.get("values", {}).get(c)) for c in labels}))
    for role in ("kostnader", "netto", "resultat") if kind == "drift" else ("totalt",):
        if sum(r.role == role for r in rows) > 1:
            raise InvalidInputError(f"Rollen {role} får bara förekomma en gång",
                                    rule="ekonomi_role")
    return EkonomiTable(kind, tuple(rows), labels)


def table_to_dict(table: EkonomiTable) -> dict[str, Any]:
    return {"kind": table.kind, "columns": dict(table.column_labels),
            "rows": [{"label": r.label, "role": r.role,
                      "values": {c: figure_to_text(v) for c, v in r.values.items()}}
                     for r in table.rows]}
