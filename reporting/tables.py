"""Tables of the report structure: indicators, ekonomi and internkontroll."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.content.assessment import assess_indicator
from domain.content.ekonomi import EkonomiTable, slips
from domain.content.indicators import Indicator, Utfall
from domain.content.internkontroll import Kontrollpunkt
from domain.content.values import format_figure
from reporting.model import Table

MISSING = "–"


def indicator_table(indicators: Sequence[Indicator]) -> Table:
    """One column per period (oldest first), as in the published nyckeltal tables."""
    periods: list[str] = []
    for ind in indicators:
        periods += [u.period for u in ind.utfall if u.period not in periods]
    header = ("Nyckeltal", "Källa", "Mål", *(f"Utfall {p}" for p in periods),
              "Kvinnor / män", "Signal", "Trend")
    rows = []
    for ind in indicators:
        by_period = {u.period: u for u in ind.utfall}
        assessment = assess_indicator(ind)
        target = MISSING if ind.malvarde is None else ind.comparator + format_figure(ind.malvarde)
        rows.append((ind.name, _source(ind), target,
                     *(_utfall(by_period.get(p)) for p in periods),
                     _split(ind.current), assessment.signal.value, assessment.trend.value))
    weights = (5, 3, 2, *([2] * len(periods)), 2, 3, 2)
    return Table("Nyckeltal", header, tuple(rows), weights=weights)


def ekonomi_table(table: EkonomiTable, caption: str) -> Table:
    columns = table.columns
    header = ("Belopp i tkr", *(table.column_labels[c] for c in columns))
    rows = tuple((row.label, *(format_figure(row.values.get(c), MISSING) for c in columns))
                 for row in table.rows)
    found = slips(table)
    labels = [row.label for row in table.rows]
    flagged = frozenset((labels.index(f.row), 1 + columns.index(f.column)) for f in found
                        if f.row in labels and f.column in columns)
    notes = tuple(f"Kontroll: {f.message()}" for f in found)
    return Table(caption, header, rows, flagged, notes)


def internkontroll_table(plan: Sequence[Kontrollpunkt],
                         results: Mapping[str, Mapping[str, str | None]]) -> Table:
    header = ("Identifierad risk", "Vad kontrolleras?", "Riskvärde", "Metod", "Ansvarig",
              "Bedömning", "Resultat och åtgärder")
    rows = []
    for punkt in plan:
        result = results.get(punkt.punkt_id, {})
        rows.append((punkt.risk, "; ".join(punkt.kontrollmoment),
                     MISSING if punkt.riskvarde is None else str(punkt.riskvarde),
                     punkt.metod or MISSING, punkt.ansvarig or MISSING,
                     result.get("resultat") or "Ej utvärderad",
                     result.get("kommentar") or MISSING))
    return Table("", header, tuple(rows), weights=(4, 4, 2, 3, 3, 3, 7))


def _source(ind: Indicator) -> str:
    parts = [p for p in (ind.source, ind.source_id) if p]
    return ", ".join(parts) if parts else MISSING


def _utfall(utfall: Utfall | None) -> str:
    if utfall is None or utfall.totalt is None:
        return MISSING
    text = format_figure(utfall.totalt)
    return f"{text} ({utfall.note})" if utfall.note else text


def _split(utfall: Utfall | None) -> str:
    if utfall is None or (utfall.kvinnor is None and utfall.man is None):
        return MISSING
    return f"{format_figure(utfall.kvinnor)} / {format_figure(utfall.man)}"
