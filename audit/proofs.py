"""Inclusion and consistency proofs a revisor checks without the engine (docs/proofs.md).

An inclusion proof carries the event's canonical bytes and previous hash (so its chain
hash can be recomputed), its leaf index and the audit path to a signed tree head; a
consistency proof carries two signed heads and the path that shows the second log
contains the first unchanged. audit/standalone_verifier.py checks both.
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from audit.seals import TreeHead
from audit.standalone_verifier import CONSISTENCY_FORMAT, INCLUSION_FORMAT
from domain.chain import canonical_bytes
from domain.errors import NotFoundError
from projections.base import ReadModelView
from projections.transparency_log import leaf_event, leaf_index, tree


def inclusion_proof(app: Application[Any], log_view: ReadModelView, event_id: UUID,
                    head: TreeHead) -> dict[str, Any]:
    index = leaf_index(log_view, str(event_id))
    leaf = leaf_event(log_view, index) if index is not None else None
    if index is None or leaf is None:
        raise NotFoundError(f"händelsen {event_id} finns inte i transparensloggen "
                            "(kör arsplan read-models rebuild om loggen släpar)")
    if index >= head.tree_size:
        raise NotFoundError(f"händelsen {event_id} är yngre än trädhuvudet "
                            f"({head.tree_size} händelser); använd ett senare sigill")
    event: Any = next(e for e in app.events.get(UUID(leaf.aggregate_id), gt=leaf.version - 1,
                                                lte=leaf.version))
    return {
        "format": INCLUSION_FORMAT,
        "event": {"event_id": str(event.event_id), "notification_id": leaf.notification_id,
                  "aggregate_id": leaf.aggregate_id, "version": leaf.version,
                  "event_type": leaf.event_type, "prev_hash": event.prev_hash,
                  "chain_hash": event.chain_hash,
                  "canonical": base64.b64encode(canonical_bytes(event)).decode()},
        "leaf_index": index,
        "audit_path": [h.hex() for h in tree(log_view).inclusion_path(index, head.tree_size)],
        "tree_head": head.as_dict(),
    }


def consistency_proof(log_view: ReadModelView, first: TreeHead,
                      second: TreeHead) -> dict[str, Any]:
    if first.tree_size > second.tree_size:
        first, second = second, first
    return {
        "format": CONSISTENCY_FORMAT,
        "first": first.as_dict(),
        "second": second.as_dict(),
        "proof": [h.hex() for h in tree(log_view).consistency_proof(first.tree_size,
                                                                     second.tree_size)],
    }
