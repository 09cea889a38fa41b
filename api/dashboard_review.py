"""The attester's review on a report page: what changed since they last saw it, Attestera
and Återsänd; and on an avdelning's own report, its enheter's content under each item.

Whether the review is offered is never decided here: the Attestera and Återsänd handlers
are asked in a dry run (like the report form's Klarmarkera), so the page cannot disagree
with the command. The buttons post the same commands the att-göra list's buttons do,
through the command bus, as the person signed in; a refusal comes back on the page with
its rule, and a success goes back to the page (PRG).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api import dashboard_report
from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import viewer
from api.problems import status_of
from api.read_access import Reader, page_reader
from api.read_side import ReadSide
from application import reports
from application.bus import CommandBus, refusal
from domain import commands as c
from domain.calendar import end_of_day
from domain.cycle import Cycle
from domain.errors import DomainError, InvalidInputError
from domain.ids import unit_report_id
from domain.report_diff import ReportDiff, diff_since_last_review
from domain.report_flow import STATUS_LABELS
from domain.report_guards import require_reason
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger

router = APIRouter(include_in_schema=False)

# What an enhet wrote that its avdelning reads beside its own item, in this order.
ROLLED_UP_FIELDS = ("analys", "bedomning", "motivering", "text", "resultat", "kommentar",
                    "atgard", "status", "prognos", "aktiviteter")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Review:
    may_attestera: bool
    attest_refusal: str | None  # why Attestera is not offered while Återsänd is
    diff: ReportDiff | None
    titles: dict[str, str]


@dataclass
class RolledUp:
    """One sub-unit's content of the item the avdelning's report shares with it."""

    unit_name: str
    status_label: str
    values: list[tuple[str, Any]] = field(default_factory=list)


def atersand_refusal(store: ArsplanStore, report_id: UUID, person_id: str
                     ) -> DomainError | None:
    # A placeholder reason: the reason's own rule is checked when one is sent.
    return refusal(store, c.Atersand(report_id=report_id, reason="–"), reports.atersand,
                   person_id)


def review_of(store: ArsplanStore, report: UnitReport, person_id: str) -> Review | None:
    """The review when this person may attestera or återsända the report now."""
    attest = refusal(store, c.Attestera(report_id=report.id), reports.attestera, person_id)
    if attest is not None and atersand_refusal(store, report.id, person_id) is not None:
        return None
    return Review(attest is None, str(attest) if attest else None,
                  diff_since_last_review(store.aggregate_events(report.id)),
                  {i.item_id: i.title for i in report.items.values()})


def rollup_of(store: ArsplanStore, report: UnitReport, person_id: str,
              as_of: datetime | None) -> dict[str, list[RolledUp]]:
    """Item id → what each sub-unit in the cycle wrote under the same item, whatever its
    status (shown beside it), for the sub-units this person may read."""
    org = store.organisation(report.namnd_code)
    children = org.children(report.unit_id)
    if not children:
        return {}
    cycle = store.get_as_of(report.cycle_id, Cycle, as_of)
    if cycle is None:
        return {}
    sees = Reader(store, person_id)
    rolled: dict[str, list[RolledUp]] = {}
    for unit in sorted(children, key=lambda u: u.name):
        report_id = unit_report_id(cycle.id, unit.unit_id)
        if unit.unit_id not in cycle.unit_ids or not sees.may_read_aggregate(report_id):
            continue
        below = store.get_as_of(report_id, UnitReport, as_of)
        if below is None:
            continue
        for item_id in report.items:
            item = below.items.get(item_id)
            if item is None:
                continue
            values = [(f, item.values[f]) for f in ROLLED_UP_FIELDS
                      if (str(item.values.get(f) or "")).strip()]
            rolled.setdefault(item_id, []).append(
                RolledUp(unit.name, STATUS_LABELS[below.status], values))
    return rolled


def review_context(store: ArsplanStore, report: UnitReport, person_id: str,
                   as_of: datetime | None) -> dict[str, Any]:
    """What the report page adds for the attester and for an avdelning's own report."""
    return {"review": None if as_of else review_of(store, report, person_id),
            "rollup": rollup_of(store, report, person_id, as_of),
            "new_command_id": c.new_command_id}



def _deadline(text: str) -> datetime | None:
    """ÅÅÅÅ-MM-DD as the end of that day in Stockholm, as every deadline date is."""
    text = text.strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return end_of_day(date.fromisoformat(text))
    except ValueError:
        raise InvalidInputError(f"Ange den nya tidsgränsen som ÅÅÅÅ-MM-DD, inte {text!r}",
                                rule="deadline_format") from None


def _execute(request: Request, report_id: UUID, command: c.ReportCommand, who: Principal,
             app: ArsplanStore, bus: CommandBus, reads: ReadSide,
             sent: dict[str, str] | None = None) -> Response:
    log = get_logger(command=type(command).__name__, command_id=command.command_id,
                     person_id=who.person_id, report_id=str(report_id))
    try:
        bus.execute(command, who.person_id)
    except DomainError as refused:
        log.info("dashboard_review_refused", rule=refused.rule)
        return _refused(request, report_id, refused, who, app, reads, sent)
    log.info("dashboard_review_executed")
    return RedirectResponse(f"/rapporter/{report_id}#granskning", status_code=303)


def _refused(request: Request, report_id: UUID, refused: DomainError, who: Principal,
             app: ArsplanStore, reads: ReadSide, sent: dict[str, str] | None) -> Response:
    return dashboard_report._page(request, report_id, None, who, app, reads,
                                  status_code=status_of(refused)[0],
                                  error=f"{refused} (regel: {refused.rule})",
                                  review_sent=sent or {})


@router.post("/rapporter/{report_id}/attestera")
def attestera(request: Request, report_id: UUID, version: Annotated[int, Form(ge=1)],
              command_id: Annotated[str, Form(min_length=1, max_length=200)],
              who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
              app: ArsplanStore = Depends(event_store), bus: CommandBus = Depends(command_bus),
              reads: ReadSide = Depends(read_side)) -> Response:
    sees.require_aggregate(report_id)
    return _execute(request, report_id, c.Attestera(report_id=report_id, command_id=command_id,
                                                    expected_version=version),
                    who, app, bus, reads)


@router.post("/rapporter/{report_id}/atersand")
def atersand(request: Request, report_id: UUID, version: Annotated[int, Form(ge=1)],
             command_id: Annotated[str, Form(min_length=1, max_length=200)],
             reason: Annotated[str, Form(max_length=5000)] = "",
             new_deadline: Annotated[str, Form(max_length=40)] = "",
             who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
             app: ArsplanStore = Depends(event_store), bus: CommandBus = Depends(command_bus),
             reads: ReadSide = Depends(read_side)) -> Response:
    """Återsänd with its motivering, and a new klarmarkering deadline when one is given
    (the Atersand command carries it: one event)."""
    sees.require_aggregate(report_id)
    sent = {"reason": reason, "new_deadline": new_deadline}
    try:
        # The domain's order: who may återsända and when first, then the reason's rule
        # (which the command's own schema would refuse before the domain could name it).
        if (refused := atersand_refusal(app, report_id, who.person_id)) is not None:
            raise refused
        require_reason(reason)
        command = c.Atersand(report_id=report_id, command_id=command_id,
                             expected_version=version, reason=reason,
                             new_deadline=_deadline(new_deadline))
    except DomainError as refused:
        return _refused(request, report_id, refused, who, app, reads, sent)
    return _execute(request, report_id, command, who, app, bus, reads, sent)
