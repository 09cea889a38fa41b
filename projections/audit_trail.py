"""The audit trail: every recorded event, by aggregate, by actor and by cycle.

An entry names who acted, in which role and on whose behalf (an ersättare for the
ordinary holder, a delegat for the nämnd), when it happened and when it was
recorded, the payload, and the event's chain hash so a reader can check it
against ``arsplan verify``. Each entry is stored once, as a ``by_aggregate`` row
partitioned by aggregate; ``by_actor`` and ``by_cycle`` are narrow index rows (the
entry's key, an empty doc) that queries join back to the entry. Until 2026-11
entries were copied under all three kinds, ≈ 4× the log's bytes: a view built then
still answers (its full copies serve as index rows), but its digest differs from a
fresh one until ``arsplan read-models rebuild``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.base import AuditedAggregate
from domain.chain import _canonical
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from projections.base import Doc, EncodedRow, Put, ReadModelProjection, ReadModelView

BY_AGGREGATE, BY_ACTOR, BY_CYCLE = "by_aggregate", "by_actor", "by_cycle"
REPORT_CYCLE = "report_cycle"
ENVELOPE_FIELDS = frozenset({
    "originator_id", "originator_version", "timestamp", "originator_topic", "event_id",
    "actor", "occurred_at", "command_id", "prev_hash", "chain_hash",
})


@functools.cache
def _payload_fields(event_class: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(event_class)
                 if f.name not in ENVELOPE_FIELDS)


def event_payload(event: Any) -> Doc:
    """The event's own fields (not its envelope), JSON-ready."""
    return {name: _canonical(getattr(event, name)) for name in _payload_fields(event.__class__)}


def audit_entry(event: Any, cycle_id: str | None) -> Doc:
    entry = _entry_fields(event, cycle_id)
    entry["payload"] = event_payload(event)
    return entry


def _encodable(value: Any) -> Any:
    """What ``_canonical`` makes of a value json cannot encode itself."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# canonical_json's settings; the payload's values are converted only where json needs it.
_ENTRY_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                  default=_encodable)


def encode_canonical(value: Any) -> str:
    """``canonical_json(_canonical(value))`` in one pass, converting only what json
    cannot encode itself."""
    return _ENTRY_ENCODER.encode(value)


def encoded_audit_entry(event: Any, cycle_id: str | None,
                        aggregate_id: str | None = None) -> str:
    """``canonical_json(audit_entry(event, cycle_id))`` without building the payload's
    canonical copy first: a catch-up spent more time there than decoding the event."""
    entry = _entry_fields(event, cycle_id, aggregate_id)
    entry["payload"] = {name: getattr(event, name) for name in _payload_fields(event.__class__)}
    return _ENTRY_ENCODER.encode(entry)


@functools.cache
def _type_names(event_class: type) -> tuple[str, str]:
    event_type = event_class.__qualname__
    return event_type.split(".")[0], event_type


def _entry_fields(event: Any, cycle_id: str | None, aggregate_id: str | None = None) -> Doc:
    actor = event.actor
    aggregate_type, event_type = _type_names(event.__class__)
    return {
        "event_id": str(event.event_id),
        "aggregate_id": str(event.originator_id) if aggregate_id is None else aggregate_id,
        "aggregate_type": aggregate_type, "version": event.originator_version,
        "event_type": event_type, "recorded_at": event.timestamp.isoformat(),
        "occurred_at": event.occurred_at.isoformat(), "person_id": actor.person_id,
        "role": actor.role, "unit_id": actor.unit_id, "on_behalf_of": actor.on_behalf_of,
        "command_id": event.command_id, "cycle_id": cycle_id, "chain_hash": event.chain_hash,
    }


class AuditTrailProjection(ReadModelProjection):
    """Projects every audited event of every aggregate (no topic filter) into audit
    entries. Events of other aggregates than ours (none today) only advance the
    position.
    """

    name = "audit_trail"
    topics = ()

    def __init__(self, view: ReadModelView) -> None:
        super().__init__(view)
        # An aggregate's cycle (None: outside any) never changes, and a report's first
        # event names it: remembered, it costs one view read per aggregate, not per event.
        self._cycles: dict[str, str | None] = {}

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        # One isinstance instead of singledispatchmethod, which builds a bound wrapper
        # per call: the handler runs for every event of the log.
        if isinstance(domain_event, AuditedAggregate.Event):
            self._project(domain_event, tracking)
        else:
            self.view.insert_tracking(tracking)

    def _project(self, event: AuditedAggregate.Event, tracking: Tracking) -> None:
        changes: list[Put] = []
        cycle_id: str | None
        aggregate_id = str(event.originator_id)
        if isinstance(event, UnitReport.Opened):
            cycle_id = self._cycles[aggregate_id] = str(event.cycle_id)
            changes.append(Put(REPORT_CYCLE, aggregate_id, {"cycle_id": cycle_id}))
        else:
            cycle_id = self._cycle_of(event)
        # Keyed by aggregate and version, not by the random event id: an aggregate's
        # rows then sit together in the key index, and a catch-up at 100k events stops
        # rewriting a random index page per row.
        key = f"{aggregate_id}/{event.originator_version:010d}"
        position = tracking.notification_id
        # Entries are never read back while projecting: written as encoded rows.
        entry = encoded_audit_entry(event, cycle_id, aggregate_id)
        rows: list[EncodedRow] = [
            (BY_AGGREGATE, key, aggregate_id, position, entry),
            (BY_ACTOR, key, event.actor.person_id, position, "{}")]
        if cycle_id is not None:
            rows.append((BY_CYCLE, key, cycle_id, position, "{}"))
        self.write(tracking, changes, rows)

    def _cycle_of(self, event: Any) -> str | None:
        if isinstance(event, Cycle.Event):
            return str(event.originator_id)
        aggregate_id = str(event.originator_id)
        if aggregate_id not in self._cycles:
            found = self.view.get(REPORT_CYCLE, aggregate_id)
            self._cycles[aggregate_id] = str(found["cycle_id"]) if found else None
        return self._cycles[aggregate_id]
