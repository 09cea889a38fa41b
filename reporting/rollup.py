"""An avdelning's (or the förvaltning's) own report with its units' godkända items beneath.

The avdelningschef reads this while writing the avdelning's summary on top.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import NotFoundError
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from reporting.compile import cycle_snapshot
from reporting.html_render import render_html
from reporting.model import ReportDocument
from reporting.sections import underlag_document


def descendants(org: Organisation, unit_id: str) -> set[str]:
    found: set[str] = set()
    stack = [unit_id]
    while stack:
        for child in org.children(stack.pop()):
            if child.unit_id not in found:
                found.add(child.unit_id)
                stack.append(child.unit_id)
    return found


def rollup_document(app: ArsplanStore, report_id: UUID,
                    as_of: datetime | None = None) -> tuple[ReportDocument, datetime]:
    own = app.get_as_of(report_id, UnitReport, as_of)
    if own is None:
        raise NotFoundError(f"Rapporten {report_id} fanns inte vid den tidpunkten")
    snapshot = cycle_snapshot(app, own.cycle_id, as_of)
    below = descendants(snapshot.organisation, own.unit_id)
    reports = {u: r for u, r in snapshot.reports.items() if u in below}
    reports[own.unit_id] = own  # the chef's own draft, whatever its status
    unit = snapshot.organisation.units.get(own.unit_id)
    name = unit.name if unit else own.unit_id
    subtitle = (f"{name}: egen rapport och {len(reports) - 1} godkända av "
                f"{len(below & set(snapshot.cycle.unit_ids))} underliggande")
    return underlag_document(snapshot.cycle, snapshot.organisation, reports, subtitle), \
        snapshot.stamp


def rollup_html(app: ArsplanStore, report_id: UUID, as_of: datetime | None = None) -> str:
    return render_html(rollup_document(app, report_id, as_of)[0])
