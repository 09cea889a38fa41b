"""Compiles the förvaltning's underlag from a cycle's godkända reports in the event store.

Called by the CycleWorkflow's activity and by ``arsplan report compile``. The
output depends only on the history up to ``as_of``: same history, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.application import Arsplaner
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import organisation_id, unit_report_id
from domain.organisation import Organisation
from domain.unit_report import GODKAND, KLARMARKERAD, UnitReport
from reporting.document import DOCX_MEDIA_TYPE, CompiledDocument
from reporting.docx_render import render_docx
from reporting.history import last_recorded_at, state_as_of
from reporting.sections import underlag_document


@dataclass(frozen=True)
class CycleSnapshot:
    """The cycle, its organisation and the reports that count, all as of one instant."""

    cycle: Cycle
    organisation: Organisation
    reports: dict[str, UnitReport]  # unit_id -> report, only those ready to compile
    stamp: datetime


def cycle_snapshot(app: Arsplaner, cycle_id: UUID, as_of: datetime | None = None) -> CycleSnapshot:
    cycle = state_as_of(app, cycle_id, Cycle, as_of)
    if cycle is None:
        raise NotFoundError(f"Cykeln {cycle_id} fanns inte vid den tidpunkten")
    org = state_as_of(app, organisation_id(cycle.namnd_code), Organisation, as_of)
    if org is None:
        raise NotFoundError(f"Organisationen {cycle.namnd_code} fanns inte vid den tidpunkten")
    report_ids = [unit_report_id(cycle.id, u) for u in cycle.unit_ids]
    reports: dict[str, UnitReport] = {}
    for unit_id, report_id in zip(cycle.unit_ids, report_ids, strict=True):
        report = state_as_of(app, report_id, UnitReport, as_of)
        if report is not None and _counts(report):
            reports[unit_id] = report
    stamp = last_recorded_at(app, [cycle.id, *report_ids], as_of)
    return CycleSnapshot(cycle, org, reports, stamp or cycle.created_on)


def _counts(report: UnitReport) -> bool:
    # The förvaltning's own report is not attested in the chain: klarmarkerad is final.
    if report.unit_kind == "forvaltning":
        return report.status in (KLARMARKERAD, GODKAND)
    return report.status == GODKAND


def compile_underlag(app: Arsplaner, cycle_id: UUID,
                     as_of: datetime | None = None) -> CompiledDocument:
    snapshot = cycle_snapshot(app, cycle_id, as_of)
    document = underlag_document(snapshot.cycle, snapshot.organisation, snapshot.reports)
    cycle = snapshot.cycle
    filename = f"underlag-{cycle.namnd_code.lower()}-{cycle.process}-{cycle.year}.docx"
    return CompiledDocument(filename, render_docx(document, snapshot.stamp), DOCX_MEDIA_TYPE)
