"""Builds the underlag's document model from report states: pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from domain.content.assessment import suggest_bedomning
from domain.content.ekonomi import table_from_dict
from domain.content.goals import indicators_of
from domain.coverage import Coverage
from domain.cycle import Cycle
from domain.organisation import Organisation
from domain.report_items import Item
from domain.unit_report import UnitReport
from reporting.coverage import coverage_blocks
from reporting.delarsrapport import ECONOMY_CAPTIONS
from reporting.model import Block, Heading, Paragraph, ReportDocument, Table
from reporting.tables import ekonomi_table, indicator_table

MISSING = "–"
GOAL_KINDS = {"mal": "Måluppföljning", "arbetsmiljomal": "Arbetsmiljö"}
LABELS = {"analys": "Analys", "aktiviteter": "Aktiviteter"}
# The fördjupad månadsuppföljning's and the planning process's items (domain/report_items.py),
# a table each: section title, fields, column labels.
PROCESS_SECTIONS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "ekonomi": ("Ekonomi och prognos", ("sammanfattning", "prognos", "prognosforandring"),
                ("Sammanfattning", "Prognos", "Prognosförändring")),
    "investeringar": ("Investeringar", ("kommentar", "prognos"), ("Kommentar", "Prognos")),
    "verksamhetsplan": ("Verksamhetsplan", ("aktiviteter", "kommentar"),
                        ("Aktiviteter", "Kommentar")),
    "internkontrollplan": ("Internkontrollplan", ("risk", "kontrollmoment", "metod"),
                           ("Risk", "Vad ska kontrolleras?", "Metod")),
    "budget": ("Budget", ("drift", "investeringar", "kommentar"),
               ("Drift", "Investeringar", "Kommentar")),
}


def underlag_document(cycle: Cycle, org: Organisation, reports: Mapping[str, UnitReport],
                      subtitle: str | None = None,
                      coverage: Coverage | None = None) -> ReportDocument:
    """``coverage``: what the cycle covers, said first (the förvaltning's underlag)."""
    ordered = [reports[u] for u in unit_order(org) if u in reports]
    blocks: list[Block] = coverage_blocks(coverage, org.name) if coverage is not None else []
    blocks += _summaries(org, ordered)
    template = [i for i in cycle.item_template if i["kind"] != "sammanfattning"]
    for kind, section in GOAL_KINDS.items():
        blocks += _goal_section(section, [i for i in template if i["kind"] == kind], org, ordered)
    blocks += _kvf_section([i for i in template if i["kind"] == "kritisk_verksamhetsfaktor"],
                           org, ordered)
    blocks += _table_section("Uppdrag", [i for i in template if i["kind"] == "uppdrag"], org,
                             ordered, ("status", "prognos", "kommentar"),
                             ("Status", "Prognos", "Kommentar"))
    blocks += _table_section("Uppföljning av internkontroll",
                             [i for i in template if i["kind"] == "internkontroll"], org,
                             ordered, ("resultat", "kommentar", "atgard"),
                             ("Resultat", "Kommentar", "Åtgärd"))
    for kind, (section, fields, labels) in PROCESS_SECTIONS.items():
        blocks += _table_section(section, [i for i in template if i["kind"] == kind], org,
                                 ordered, fields, labels)
    blocks += _ekonomi_section(org, ordered)
    if not ordered:
        blocks.append(Paragraph("Inga godkända rapporter fanns vid tidpunkten."))
    subtitle = subtitle or (f"{org.name}: förvaltningens underlag, {len(ordered)} av "
                            f"{len(cycle.unit_ids)} rapporter godkända")
    return ReportDocument(title=cycle.title, subtitle=subtitle, blocks=tuple(blocks))


def unit_order(org: Organisation) -> list[str]:
    """Depth first from the top, siblings in the order they were added."""
    roots = [u.unit_id for u in org.units.values()
             if u.parent_id is None or u.parent_id not in org.units]

    def walk(unit_id: str) -> Iterator[str]:
        yield unit_id
        for child in org.units.values():
            if child.parent_id == unit_id:
                yield from walk(child.unit_id)

    return [u for root in roots for u in walk(root)]


def _unit_name(org: Organisation, unit_id: str) -> str:
    unit = org.units.get(unit_id)
    return unit.name if unit else unit_id


def _value(item: Item, field: str) -> str:
    value = item.values.get(field)
    return str(value) if value not in (None, "") else MISSING


def _summaries(org: Organisation, reports: list[UnitReport]) -> list[Block]:
    blocks: list[Block] = []
    for report in reports:
        item = report.items.get("sammanfattning")
        if item is not None and item.values.get("text"):
            blocks.append(Paragraph(str(item.values["text"]),
                                    label=f"{_unit_name(org, report.unit_id)}:"))
    return [Heading("Sammanfattning", 1), *blocks] if blocks else []


def _goal_section(section: str, template: list[dict[str, Any]], org: Organisation,
                  reports: list[UnitReport]) -> list[Block]:
    if not template:
        return []
    blocks: list[Block] = [Heading(section, 1)]
    current_kf: str | None = None
    for entry in template:
        kf_mal = (entry.get("ref") or {}).get("kf_mal")
        if kf_mal and kf_mal != current_kf:
            blocks.append(Heading(f"KF-mål: {kf_mal}", 2))
            current_kf = kf_mal
        blocks.append(Heading(entry["title"], 3))
        for report in reports:
            item = report.items.get(entry["item_id"])
            if item is None:
                continue
            blocks.append(Heading(_unit_name(org, report.unit_id), 4))
            blocks += _assessment(report, item)
            if item.values.get("analys"):
                blocks.append(Paragraph(_value(item, "analys"), label="Analys:"))
            recorded = report.indicators.get(item.item_id)
            if recorded:
                blocks.append(indicator_table(indicators_of(recorded)))
    return blocks


def _assessment(report: UnitReport, item: Item) -> list[Block]:
    assessed = report.assessments.get(item.item_id)
    if assessed is None:
        suggestion = suggest_bedomning(indicators_of(report.indicators.get(item.item_id, {})))
        return [Paragraph(f"{suggestion.value} (förslag utifrån nyckeltalen, ej bedömt)",
                          label="Bedömning:")]
    text = assessed["bedomning"]
    if assessed["overridden"]:
        text += f" (förslag utifrån nyckeltalen: {assessed['suggestion']})"
    blocks: list[Block] = [Paragraph(text, label="Bedömning:")]
    if assessed["motivering"]:
        blocks.append(Paragraph(assessed["motivering"], label="Motivering:"))
    return blocks


def _ekonomi_section(org: Organisation, reports: list[UnitReport]) -> list[Block]:
    blocks: list[Block] = []
    for report in reports:
        for kind in ("drift", "investeringar"):
            data = report.ekonomi.get(kind)
            if data is None:
                continue
            caption = f"{ECONOMY_CAPTIONS[kind]}: {_unit_name(org, report.unit_id)}"
            blocks.append(ekonomi_table(table_from_dict(data), caption))
    return [Heading("Ekonomi", 1), *blocks] if blocks else []


def _kvf_section(template: list[dict[str, Any]], org: Organisation,
                 reports: list[UnitReport]) -> list[Block]:
    if not template:
        return []
    blocks: list[Block] = [Heading("Kritiska verksamhetsfaktorer", 1)]
    for entry in template:
        blocks.append(Heading(entry["title"], 2))
        for report in reports:
            item = report.items.get(entry["item_id"])
            if item is None:
                continue
            blocks.append(Heading(_unit_name(org, report.unit_id), 4))
            for field in ("aktiviteter", "analys"):
                if item.values.get(field):
                    blocks.append(Paragraph(_value(item, field), label=f"{LABELS[field]}:"))
    return blocks


def _table_section(section: str, template: list[dict[str, Any]], org: Organisation,
                   reports: list[UnitReport], fields: tuple[str, ...],
                   labels: tuple[str, ...]) -> list[Block]:
    if not template:
        return []
    rows: list[tuple[str, ...]] = []
    for entry in template:
        for report in reports:
            item = report.items.get(entry["item_id"])
            if item is not None:
                rows.append((entry["title"], _unit_name(org, report.unit_id),
                             *(_value(item, f) for f in fields)))
    return [Heading(section, 1),
            Table(section, ("Punkt", "Enhet", *labels), tuple(rows))]
