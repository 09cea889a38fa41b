"""The underlag's opening section: what it covers (domain.coverage), in words. Pure."""

from __future__ import annotations

from domain.coverage import Coverage
from domain.organisation import Unit
from domain.report_flow import KLARMARKERAD, STATUS_LABELS
from reporting.model import Block, Heading, Paragraph

HEADING = "Underlagets omfattning"


def coverage_blocks(coverage: Coverage, organisation_name: str) -> list[Block]:
    blocks: list[Block] = [Heading(HEADING, 1), Paragraph(
        f"Cykeln omfattar {len(coverage.in_cycle)} av {len(coverage.units)} enheter i "
        f"{organisation_name} (förvaltning, avdelningar och enheter); {coverage.done} av dem "
        "har lämnat en färdig rapport.")]
    if coverage.not_done:
        blocks.append(Paragraph(
            ", ".join(f"{u.name} ({_status(status)})" for u, status in coverage.not_done),
            label="Har inte rapporterat:"))
    if coverage.outside:
        blocks.append(Paragraph(_grouped(coverage.outside, coverage.units),
                                label="Ingår inte i cykeln:"))
    for unit, below in coverage.without_units_below:
        blocks.append(Paragraph(f"{unit.name} rapporterar utan underlag underifrån: "
                                f"{_none_of(below)}.", label="Utan underliggande enheter:"))
    if coverage.complete and not coverage.without_units_below:
        blocks.append(Paragraph("Alla enheter i organisationen ingår i cykeln och har "
                                "rapporterat."))
    return blocks


def _none_of(below: tuple[Unit, ...]) -> str:
    if len(below) == 1:
        return f"dess enda underliggande enhet, {below[0].name}, ingår inte i cykeln"
    return (f"ingen av dess {len(below)} underliggande enheter "
            f"({', '.join(u.name for u in below)}) ingår i cykeln")


def _status(status: str) -> str:
    if status == KLARMARKERAD:
        return "klarmarkerad, inte attesterad"
    return STATUS_LABELS.get(status, status).lower()


def _grouped(outside: tuple[Unit, ...], units: tuple[Unit, ...]) -> str:
    """"Planering: Schema och resursenheten, Administrativa enheten; Myndighet: …", each
    unit under its parent where the parent reports too."""
    names = {u.unit_id: u.name for u in units}
    groups: dict[str | None, list[str]] = {}
    for unit in outside:
        parent = unit.parent_id if unit.parent_id in names else None
        groups.setdefault(parent, []).append(unit.name)
    parts = [", ".join(groups.pop(None))] if None in groups else []
    parts += [f"{names[p]}: {', '.join(n)}" for p, n in groups.items() if p is not None]
    return "; ".join(parts)
