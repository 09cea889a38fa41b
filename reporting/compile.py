"""Compiles the förvaltning's underlag from a cycle's godkända reports in the event store.

Called by the CycleWorkflow's activity and by ``arsplan report compile``. The
output depends only on the history up to ``as_of``: same history, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from uuid import UUID

from domain.coverage import Coverage, cycle_coverage
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import organisation_id, unit_report_id
from domain.organisation import Organisation
from domain.report_flow import EJ_PABORJAD, GODKAND, KLARMARKERAD
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from reporting.data_files import load_delarsrapport
from reporting.delarsrapport import delarsrapport_document
from reporting.document import DOCX_MEDIA_TYPE, CompiledDocument
from reporting.docx_render import render_docx
from reporting.html_render import render_html
from reporting.sections import underlag_document, unit_order

ASCII_SLUG = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": "-"})


@dataclass(frozen=True)
class CycleSnapshot:
    """The cycle, its organisation and the reports that count, all as of one instant."""

    cycle: Cycle
    organisation: Organisation
    reports: dict[str, UnitReport]  # unit_id -> report, only those ready to compile
    stamp: datetime
    statuses: dict[str, str]  # unit_id -> status, every unit of the cycle

    def coverage(self) -> Coverage:
        """Which units of the organisation the underlag covers, and which it does not."""
        org = self.organisation
        return cycle_coverage([org.units[u] for u in unit_order(org)], self.cycle.unit_ids,
                              self.statuses)


def cycle_snapshot(app: ArsplanStore, cycle_id: UUID,
                   as_of: datetime | None = None) -> CycleSnapshot:
    cycle = app.get_as_of(cycle_id, Cycle, as_of)
    if cycle is None:
        raise NotFoundError(f"Cykeln {cycle_id} fanns inte vid den tidpunkten")
    org = app.get_as_of(organisation_id(cycle.namnd_code), Organisation, as_of)
    if org is None:
        raise NotFoundError(f"Organisationen {cycle.namnd_code} fanns inte vid den tidpunkten")
    reports: dict[str, UnitReport] = {}
    statuses: dict[str, str] = {}
    for unit_id in cycle.unit_ids:
        report = app.get_as_of(unit_report_id(cycle.id, unit_id), UnitReport, as_of)
        statuses[unit_id] = report.status if report is not None else EJ_PABORJAD
        if report is not None and _counts(report):
            reports[unit_id] = report
    # Dated by the last approval that shaped the content, not by later facts (UnderlagSent,
    # reminders): compiling again "as of" the sending gives the very same bytes.
    approvals = [r.godkand_at or r.klarmarkerad_at for r in reports.values()]
    stamp = max((a for a in approvals if a is not None), default=None)
    return CycleSnapshot(cycle, org, reports, stamp or cycle.created_on, statuses)


def _counts(report: UnitReport) -> bool:
    # The förvaltning's own report is not attested in the chain: klarmarkerad is final.
    if report.unit_kind == "forvaltning":
        return report.status in (KLARMARKERAD, GODKAND)
    return report.status == GODKAND


def compile_underlag(app: ArsplanStore, cycle_id: UUID,
                     as_of: datetime | None = None) -> CompiledDocument:
    snapshot = cycle_snapshot(app, cycle_id, as_of)
    document = underlag_document(snapshot.cycle, snapshot.organisation, snapshot.reports,
                                 coverage=snapshot.coverage())
    cycle = snapshot.cycle
    filename = f"underlag-{cycle.namnd_code.lower()}-{cycle.process}-{cycle.year}.docx"
    compiled = CompiledDocument(filename, render_docx(document, snapshot.stamp), DOCX_MEDIA_TYPE)
    get_logger(cycle_id=str(cycle_id)).info(
        "underlag_compiled", as_of=as_of.isoformat() if as_of else None,
        reports=sorted(snapshot.reports), sha256=compiled.sha256)
    return compiled


def compile_delarsrapport(directory: Path) -> CompiledDocument:
    """The nämnd's delårsrapport from data files, dated by its period end."""
    rapport = load_delarsrapport(directory)
    stamp = datetime.combine(rapport.period_end, time(12, 0))
    slug = rapport.namnd.lower().translate(ASCII_SLUG)
    content = render_docx(delarsrapport_document(rapport), stamp)
    return CompiledDocument(f"delarsrapport-{slug}-{rapport.period_end.year}.docx", content,
                            DOCX_MEDIA_TYPE)


def delarsrapport_html(directory: Path) -> str:
    return render_html(delarsrapport_document(load_delarsrapport(directory)))


def underlag_html(app: ArsplanStore, cycle_id: UUID, as_of: datetime | None = None) -> str:
    """The underlag as an HTML fragment for the dashboard."""
    snapshot = cycle_snapshot(app, cycle_id, as_of)
    return render_html(underlag_document(snapshot.cycle, snapshot.organisation, snapshot.reports,
                                         coverage=snapshot.coverage()))
