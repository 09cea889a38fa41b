"""The nämnd's delårsrapport: måluppföljning, internkontroll and ekonomi, as a document model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.content.assessment import suggest_bedomning
from domain.content.ekonomi import EkonomiTable
from domain.content.indicators import Indicator
from domain.content.internkontroll import Kontrollpunkt
from reporting.model import Block, Heading, Paragraph, ReportDocument
from reporting.tables import ekonomi_table, indicator_table, internkontroll_table

ECONOMY_CAPTIONS = {"drift": "Drift", "investeringar": "Investeringar"}


@dataclass(frozen=True)
class GoalSection:
    item_id: str
    kf_mal: str | None
    title: str
    indicators: tuple[Indicator, ...]
    bedomning: str | None  # None: the chef has not assessed; the suggestion is shown
    motivering: str | None = None
    kommentar: str | None = None
    agenda2030: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delarsrapport:
    title: str
    namnd: str
    period: str
    period_end: date
    goals: tuple[GoalSection, ...]
    internkontroll: tuple[Kontrollpunkt, ...] = ()
    kontroll_results: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    ekonomi: tuple[EkonomiTable, ...] = ()


def delarsrapport_document(rapport: Delarsrapport) -> ReportDocument:
    blocks: list[Block] = []
    if rapport.goals:
        blocks.append(Heading("Måluppföljning", 1))
        current_kf: str | None = None
        for goal in rapport.goals:
            if goal.kf_mal and goal.kf_mal != current_kf:
                blocks.append(Heading(goal.kf_mal, 2))
                current_kf = goal.kf_mal
            blocks += goal_blocks(goal)
    if rapport.internkontroll:
        blocks += [Heading("Uppföljning av internkontroll", 1),
                   internkontroll_table(rapport.internkontroll, rapport.kontroll_results)]
    if rapport.ekonomi:
        blocks.append(Heading("Ekonomi", 1))
        for table in rapport.ekonomi:
            caption = ECONOMY_CAPTIONS.get(table.kind, table.kind)
            blocks += [Heading(caption, 2), ekonomi_table(table, "")]
    return ReportDocument(title=f"{rapport.title}, {rapport.namnd}",
                          subtitle=f"Period: {rapport.period}", blocks=tuple(blocks))


def goal_blocks(goal: GoalSection) -> list[Block]:
    suggestion = suggest_bedomning(goal.indicators).value
    blocks: list[Block] = [Heading(goal.title, 3)]
    if goal.bedomning is None:
        blocks.append(Paragraph(f"{suggestion} (förslag utifrån nyckeltalen, ej bedömt)",
                                label="Bedömning:"))
    elif goal.bedomning != suggestion:
        blocks.append(Paragraph(f"{goal.bedomning} (förslag utifrån nyckeltalen: {suggestion})",
                                label="Bedömning:"))
    else:
        blocks.append(Paragraph(goal.bedomning, label="Bedömning:"))
    if goal.motivering:
        blocks.append(Paragraph(goal.motivering, label="Motivering:"))
    if goal.kommentar:
        blocks.append(Paragraph(goal.kommentar, label="Kommentar/analys:"))
    if goal.agenda2030:
        blocks.append(Paragraph(", ".join(goal.agenda2030), label="Koppling Agenda 2030:"))
    if goal.indicators:
        blocks.append(indicator_table(goal.indicators))
    return blocks
