"""GET endpoints: health, the caller, cycles, boards, reports, att-göra, audit and reminders.

Every read takes ``?as_of=`` (an ISO instant with offset) to answer as recorded then, and
shows what the read policy lets the caller see (``api/read_access.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api import aggregate_reads as rm
from api import pagination as pages
from api import read_filters as only
from api.auth import Principal, current_principal, event_store, read_side
from api.params import IsoInstant
from api.read_access import Reader, ReadPolicy, integrity_of, read_policy, reader
from api.read_side import ReadSide
from application.ports import AbstractTreeHeads
from audit.seals import published_heads
from audit.verify import IncrementalVerifier
from domain.calendar import iso_local, local_date
from domain.errors import NotFoundError
from infrastructure.eventstore import ArsplanStore
from infrastructure.person_directory import person_names
from projections import queries as q
from projections.audit_trail import AuditTrailProjection
from projections.base import ReadModelView
from projections.reminders import ReminderOutboxProjection
from projections.reporting import ReportingProjection
from projections.time_travel import as_of_view, covers

router = APIRouter(prefix="/api", tags=["läsmodeller"])


class Health(BaseModel):
    status: str


class Me(BaseModel):
    person_id: str
    name: str
    roles: list[dict[str, Any]]


class VerifyResult(BaseModel):
    ok: bool
    events_checked: int
    aggregates: int
    seal: str = Field(description="The store's head as verified, TREE_SIZE:ROOT (unsigned)")
    broken: dict[str, Any] | None
    problems: list[str] = []


class SealsResult(BaseModel):
    published: list[dict[str, Any]] = Field(
        description="Signed tree heads printed in justerade protokoll, oldest first")
    current: dict[str, Any] | None = Field(
        description="The log's head signed now (None without a signing key)")


@router.get("/health", response_model=Health, tags=["drift"])
@read_policy(ReadPolicy.PUBLIC)
def health() -> Health:
    return Health(status="ok")


@router.get("/me", response_model=Me)
@read_policy(ReadPolicy.OWN)
def me(request: Request, as_of: IsoInstant | None = None,
       who: Principal = Depends(current_principal),
       app: ArsplanStore = Depends(event_store)) -> Me:
    org = app.organisation(request.app.state.namnd_code)
    on = local_date(as_of or app.clock())
    roles = [{"role": a.role, "unit_id": a.unit_id, "substitute_for": a.substitute_for}
             for a in org.roles_of(who.person_id, on)]
    name = person_names(app, request.app.state.namnd_code).get(who.person_id, who.person_id)
    return Me(person_id=who.person_id, name=name, roles=roles)


@router.get("/att-gora", response_model=list[q.Task])
@read_policy(ReadPolicy.OWN)
def att_gora(as_of: IsoInstant | None = None, who: Principal = Depends(current_principal),
             app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> list[q.Task]:
    if as_of is not None:
        return q.todo_for_as_of(app, who.person_id, as_of)
    return q.todo_for(reads.view(ReportingProjection), who.person_id, app.clock())


@router.get("/cycles", response_model=list[rm.CycleSummary])
@read_policy(ReadPolicy.UNITS)
def cycles(as_of: IsoInstant | None = None, who: Reader = Depends(reader),
           app: ArsplanStore = Depends(event_store)) -> list[rm.CycleSummary]:
    """The cycles with a unit the caller reads."""
    return only.cycles(who, rm.list_cycles(app, as_of))


@router.get("/cycles/{cycle_id}", response_model=q.CycleBoard)
@read_policy(ReadPolicy.UNITS)
def cycle_board(cycle_id: UUID, as_of: IsoInstant | None = None,
                who: Reader = Depends(reader),
                app: ArsplanStore = Depends(event_store),
                reads: ReadSide = Depends(read_side)) -> q.CycleBoard:
    if as_of is not None:
        board = q.cycle_board_as_of(app, cycle_id, as_of)
    else:
        board = q.cycle_board(reads.view(ReportingProjection), cycle_id, app.clock())
    if board is None:
        when = f" {iso_local(as_of)}" if as_of else ""
        raise NotFoundError(f"Cykeln {cycle_id} finns inte{when}")
    return only.board(who, board)


@router.get("/reports/{report_id}", response_model=rm.ReportView)
@read_policy(ReadPolicy.UNITS)
def report(report_id: UUID, as_of: IsoInstant | None = None,
           who: Reader = Depends(reader),
           app: ArsplanStore = Depends(event_store)) -> rm.ReportView:
    who.require_aggregate(report_id)
    return rm.report_view(app, report_id, as_of)


@router.get("/audit-trail", response_model=list[q.AuditEntry], tags=["revision"],
            responses=pages.NEXT_PAGE_LINK)
@read_policy(ReadPolicy.AUDIT)
def audit_trail(aggregate_id: UUID | None = None, actor: str | None = None,
                cycle_id: UUID | None = None, as_of: IsoInstant | None = None,
                page: pages.PageRequest = Depends(pages.page_request),
                who: Reader = Depends(reader),
                app: ArsplanStore = Depends(event_store),
                reads: ReadSide = Depends(read_side)) -> list[q.AuditEntry]:
    """Every recorded event the caller may read, in recording order, narrowed by aggregate,
    person or cycle; personal data about others hidden. In pages of ``limit`` entries:
    the next page is at the ``Link`` header's URL."""
    view = _trail_view(app, reads, as_of)
    if aggregate_id is None and actor is None and cycle_id is None:
        # Only the part of the log the page needs is read, however long the log is.
        return pages.log_page(
            page, lambda after, n: [(at, e) for at, e in q.audit_log(app, view, after, n)
                                    if _recorded_by(e, as_of)],
            lambda entries: only.audit_entries(who, entries))
    entries = [e for e in q.audit_trail(app, view, aggregate_id, actor, cycle_id)
               if _recorded_by(e, as_of)]
    return pages.page_in_recording_order(only.audit_entries(who, entries), page, "trail",
                                         _event_id)


@router.get("/history/{aggregate_id}", response_model=list[q.AuditEntry], tags=["revision"],
            responses=pages.NEXT_PAGE_LINK)
@read_policy(ReadPolicy.AUDIT)
def history(aggregate_id: UUID, as_of: IsoInstant | None = None,
            page: pages.PageRequest = Depends(pages.page_request),
            who: Reader = Depends(reader),
            app: ArsplanStore = Depends(event_store),
            reads: ReadSide = Depends(read_side)) -> list[q.AuditEntry]:
    """The aggregate's events the caller may read, in recording order, in pages."""
    who.require_aggregate(aggregate_id)
    entries = only.audit_entries(
        who, [e for e in q.audit_trail(app, _trail_view(app, reads, as_of), aggregate_id)
              if _recorded_by(e, as_of)])
    if not entries:
        raise NotFoundError(f"{aggregate_id} har ingen historik")
    return pages.page_in_recording_order(entries, page, "history", _event_id)


def _trail_view(app: ArsplanStore, reads: ReadSide, as_of: datetime | None) -> ReadModelView:
    """The live index, narrowed by ``_recorded_by`` for a past instant it has reached
    (its entries never change once written); a fold of the log up to an instant it has
    not reached yet."""
    live = reads.view(AuditTrailProjection)
    if as_of is None or covers(app, live, as_of):
        return live
    return as_of_view(app, AuditTrailProjection, as_of)


def _recorded_by(entry: q.AuditEntry, as_of: datetime | None) -> bool:
    return as_of is None or entry.recorded_at <= as_of


def _event_id(item: q.AuditEntry | q.Reminder) -> str:
    return str(item.event_id)


@router.get("/reminders", response_model=list[q.Reminder], responses=pages.NEXT_PAGE_LINK)
@read_policy(ReadPolicy.UNITS)
def reminders(recipient: str | None = None, cycle_id: UUID | None = None,
              as_of: IsoInstant | None = None,
              page: pages.PageRequest = Depends(pages.page_request),
              who: Reader = Depends(reader),
              app: ArsplanStore = Depends(event_store),
              reads: ReadSide = Depends(read_side)) -> list[q.Reminder]:
    """Påminnelser the workflows sent (the reminder outbox) about the units the caller
    reads, in the order they were recorded, in pages."""
    if as_of is not None:
        found = q.reminder_outbox_as_of(app, as_of, recipient, cycle_id)
    else:
        found = q.reminder_outbox(reads.view(ReminderOutboxProjection), recipient, cycle_id)
    return pages.page_in_recording_order(only.reminders(who, found), page, "reminders",
                                         _event_id)


@router.get("/verify", response_model=VerifyResult, tags=["revision"])
@read_policy(ReadPolicy.MEMBER)
def verify(request: Request, who: Reader = Depends(reader)) -> VerifyResult:
    """The live store verified from where the last call stopped (the full walk, against
    every seal: ``arsplan verify``)."""
    who.require(integrity_of(request.app.state.namnd_code))
    verifier: IncrementalVerifier = request.app.state.verifier
    report = verifier.verify()
    broken = None
    if report.broken is not None:
        b = report.broken
        broken = {"notification_id": report.broken_notification_id,
                  "originator_id": b.originator_id, "originator_version": b.originator_version,
                  "event_type": b.event_type, "reason": b.reason}
    return VerifyResult(ok=report.ok, events_checked=report.events_checked,
                        aggregates=report.aggregates, broken=broken,
                        seal=f"{report.head.tree_size}:{report.head.root_hash}",
                        problems=report.problems())


@router.get("/seals", response_model=SealsResult, tags=["revision"])
@read_policy(ReadPolicy.SIGNED_IN)
def seals(request: Request, _: Principal = Depends(current_principal),
          app: ArsplanStore = Depends(event_store)) -> SealsResult:
    """The signed heads of the transparency log: check them with
    audit/standalone_verifier.py against the key published in the protokoll."""
    tree_heads: AbstractTreeHeads | None = request.app.state.tree_heads
    return SealsResult(published=[h.as_dict() for h in published_heads(app)],
                       current=tree_heads.current() if tree_heads is not None else None)
