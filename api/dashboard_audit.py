"""The revisor's pages beyond ``/revision`` itself: one aggregate's events with their chain
links, and the seal check the revision page shows (``audit/seal_check.py``).

The history follows the read policy as ``/api/history`` does (the aggregate's readers,
personal data hidden); each event's link is recomputed from the stored events: its
previous hash is the event before it's chain hash, and its content gives its own hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import read_filters as only
from api.auth import Principal, event_store, read_side
from api.dashboard_base import instant, render, viewer
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from api.read_side import ReadSide
from audit.seal_check import SealCheck, check_seal
from audit.seals import TreeHead
from domain.chain import GENESIS_HASH, compute_hash
from domain.errors import NotFoundError
from infrastructure.eventstore import ArsplanStore
from projections import queries as q
from projections.audit_trail import AuditTrailProjection
from projections.time_travel import as_of_view
from projections.transparency_log import TransparencyLogProjection

router = APIRouter(include_in_schema=False)
KINDS = {"Meeting": "sammanträdet", "Cycle": "cykeln", "UnitReport": "enhetens rapport",
         "Organisation": "organisationen", "Arsplan": "årsplanen",
         "Delegationsbeslut": "delegationsbeslutet", "Delegationsordning": "delegationsordningen",
         "Rapportmall": "rapportmallen"}


@dataclass(frozen=True)
class Link:
    """One event in its aggregate's chain, as recomputed from the store."""

    entry: q.AuditEntry
    prev_hash: str
    follows: bool  # its previous hash is the chain hash of the event before it
    holds: bool  # its content gives its chain hash

    @property
    def ok(self) -> bool:
        return self.follows and self.holds


def chain_links(app: ArsplanStore, entries: list[q.AuditEntry], aggregate_id: UUID
                ) -> list[Link]:
    """The visible entries with their links; an event hidden from the reader still
    counts as the one before the next."""
    stored = {e.originator_version: e for e in app.events.get(aggregate_id)}
    links = []
    for entry in entries:
        event: Any = stored.get(entry.version)
        if event is None:
            continue
        before: Any = stored.get(entry.version - 1)
        expected = before.chain_hash if before is not None else GENESIS_HASH
        links.append(Link(entry, event.prev_hash, event.prev_hash == expected,
                          compute_hash(event) == event.chain_hash == entry.chain_hash))
    return links


@router.get("/revision/historik/{aggregate_id}")
@read_policy(ReadPolicy.AUDIT)
def history(request: Request, aggregate_id: UUID, as_of: datetime | None = Depends(instant),
            who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
            app: ArsplanStore = Depends(event_store),
            reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    sees.require_aggregate(aggregate_id)
    view = (as_of_view(app, AuditTrailProjection, as_of) if as_of is not None
            else reads.view(AuditTrailProjection))
    entries = only.audit_entries(sees, q.audit_trail(app, view, aggregate_id))
    if not entries:
        raise NotFoundError(f"{aggregate_id} har ingen historik"
                            + (" vid den tidpunkten" if as_of is not None else ""))
    links = chain_links(app, entries, aggregate_id)
    return render(request, "revision_historik.html", who, links=links, as_of=as_of,
                  aggregate_id=aggregate_id,
                  kind=KINDS.get(entries[0].aggregate_type, entries[0].aggregate_type),
                  broken=[link for link in links if not link.ok])


def seal_check(request: Request, app: ArsplanStore, reads: ReadSide,
               seals: list[TreeHead], tree_size: int | None) -> SealCheck | None:
    """The published seal of ``tree_size`` checked (None when none was asked for)."""
    if tree_size is None:
        return None
    head = next((s for s in seals if s.tree_size == tree_size), None)
    if head is None:
        raise NotFoundError(f"Inget publicerat sigill omfattar {tree_size} händelser")
    key = getattr(request.app.state.tree_heads, "key", None)
    return check_seal(app, reads.view(TransparencyLogProjection), head,
                      getattr(key, "key_id", None))
