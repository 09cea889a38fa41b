"""The audit trail: every recorded event, by aggregate, by actor and by cycle.

An entry names who acted, in which role and on whose behalf (an ersättare for the
ordinary holder, a delegat for the nämnd), when it happened and when it was
recorded, the payload, and the event's chain hash so a reader can check it
against ``arsplan verify``.

The projection indexes the log instead of copying it: it keeps only what the log
cannot answer by itself, one narrow ``by_actor`` row per event (keyed
``<aggregate id>/<version>``, partitioned by the acting person, an empty doc) and each
report's cycle (``report_cycle``, partitioned by cycle). It reads the actor straight
from the stored JSON (decrypted and decompressed as the mapper would), without
decoding the event. Queries build the entries at read time with ``audit_entry`` from
the events themselves, decoded from the same bytes the hash chain covers: by actor,
the events the index rows name; by aggregate or cycle (the cycle and its reports),
the aggregates' events, ordered by their index rows' positions; unfiltered, the log
up to the view's position (a page of it from a log position on: ``log_entries``).
Every answer shows only events the projection has reached.

Trails built before 2026-11-25 also hold full entry rows (``by_aggregate``) and
``by_cycle`` rows. Keyed by aggregate and version (layout of 2026-11), they still
answer unfiltered, by aggregate and by actor, and raise ``AuditTrailNeedsRebuild``
("run arsplan read-models rebuild") by cycle; keyed by event id (older), they answer
only unfiltered. The rebuild turns either into the index alone.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Tracking
from eventsourcing.utils import resolve_topic

from domain.base import AuditedAggregate
from domain.calendar import iso_local, localised
from domain.chain import _canonical
from domain.command_identity import key_of
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from projections.base import (
    Doc,
    EncodedRow,
    Put,
    ReadModelProjection,
    ReadModelView,
    SharedDecode,
)

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
    """The event's own fields (not its envelope), JSON-ready, instants in Stockholm time."""
    return {name: _canonical(localised(getattr(event, name)))
            for name in _payload_fields(event.__class__)}


def audit_entry(event: Any, cycle_id: str | None) -> Doc:
    entry = _entry_fields(event, cycle_id)
    entry["payload"] = event_payload(event)
    return entry


@functools.cache
def _type_names(event_class: type) -> tuple[str, str]:
    event_type = event_class.__qualname__
    return event_type.split(".")[0], event_type


def _entry_fields(event: Any, cycle_id: str | None) -> Doc:
    actor = event.actor
    aggregate_type, event_type = _type_names(event.__class__)
    return {
        "event_id": str(event.event_id),
        "aggregate_id": str(event.originator_id),
        "aggregate_type": aggregate_type, "version": event.originator_version,
        "event_type": event_type, "recorded_at": iso_local(event.timestamp),
        "occurred_at": iso_local(event.occurred_at), "person_id": actor.person_id,
        "role": actor.role, "unit_id": actor.unit_id, "on_behalf_of": actor.on_behalf_of,
        "command_id": key_of(event.command_id), "cycle_id": cycle_id,
        "chain_hash": event.chain_hash,
    }


class AuditTrailNeedsRebuild(RuntimeError):
    """The view holds rows of an older layout that the queries cannot read."""

    def __init__(self) -> None:
        super().__init__("The audit trail was built by an older version of arsplan: "
                         "run `arsplan read-models rebuild` once.")


# How the projection treats each topic (resolved once per topic).
_OTHER, _AUDITED, _DECODE = range(3)


@functools.cache
def _topic_kind(topic: str) -> int:
    cls = resolve_topic(topic)
    if not issubclass(cls, AuditedAggregate.Event):
        return _OTHER
    # A report's first event names its cycle: once per report, decoded in full.
    return _DECODE if issubclass(cls, UnitReport.Opened) else _AUDITED


_ACTOR = '"actor":{"_type_":"actor","_data_":'
_DECODER = json.JSONDecoder()


def _person_id(state: bytes) -> str | None:
    """The acting person's id from an event's stored JSON, or None if it is not where
    ``ActorAsDict`` puts it.

    Parses the actor alone (a fifth of parsing the whole state): the envelope's fields
    come first in the stored JSON (dataclass order), so the first actor object at the
    top level, before any payload, is the event's own; a prefix that is not at depth 1
    (braces counted) falls back to the caller's full decode.
    """
    text = state.decode()
    at = text.find(_ACTOR)
    if at < 0 or text.count("{", 0, at) - text.count("}", 0, at) != 1:
        return None
    actor, _ = _DECODER.raw_decode(text, at + len(_ACTOR))
    person_id = actor.get("person_id") if isinstance(actor, dict) else None
    return person_id if isinstance(person_id, str) else None


def index_key(aggregate_id: str, version: int) -> str:
    # Aggregate and version, not the notification id: a replay into a fresh store
    # renumbers the positions but must give the same digest.
    return f"{aggregate_id}/{version:010d}"


class AuditTrailProjection(ReadModelProjection):
    """Indexes every audited event of every aggregate (no topic filter) by actor and by
    cycle. Events of other aggregates than ours (none today) only advance the position.
    """

    name = "audit_trail"
    topics = ()
    # It indexes every event, so a checkpoint would copy the whole log's index; as of an
    # instant, the live index narrowed to what was recorded by then answers the same
    # (``projections.time_travel.covers``).
    as_of_checkpoints = False
    # Its rows are narrow, so commits weigh: 2,000 per transaction instead of 500 took
    # a 100k catch-up from 0.70x to 0.85x (SQLite), 0.49x to 0.64x (PostgreSQL) of the
    # baseline; 5,000 added only 0.04-0.05x more.
    batch_size = 2000

    def process_notification(self, notification: Notification, tracking: Tracking,
                             mapper: Mapper[Any]) -> None:
        # The index needs the actor's person id only: reading it from the stored JSON
        # skips the mapper's decode, which cost more than the rest of the catch-up,
        # unless another read model of the same pass decoded the event already.
        kind = _topic_kind(notification.topic)
        if kind == _OTHER:
            self.view.insert_tracking(tracking)
            return
        decoded = mapper.decoded(notification) if isinstance(mapper, SharedDecode) else None
        if decoded is not None:
            self.process_event(decoded, tracking)
            return
        if kind != _DECODE:
            state = notification.state
            if mapper.cipher is not None:
                state = mapper.cipher.decrypt(state)
            if mapper.compressor is not None:
                state = mapper.compressor.decompress(state)
            person_id = _person_id(state)
            if person_id is not None:
                self._index(str(notification.originator_id), notification.originator_version,
                            person_id, tracking)
                return
        self.process_event(mapper.to_domain_event(notification), tracking)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """The same rows from a decoded event (as-of views, an unexpected encoding)."""
        if not isinstance(domain_event, AuditedAggregate.Event):
            self.view.insert_tracking(tracking)
            return
        aggregate_id = str(domain_event.originator_id)
        changes: list[Put] = []
        if isinstance(domain_event, UnitReport.Opened):
            # Partitioned by cycle: a cycle's question finds its reports.
            cycle_id = str(domain_event.cycle_id)
            changes.append(Put(REPORT_CYCLE, aggregate_id, {"cycle_id": cycle_id}, cycle_id))
        self._index(aggregate_id, domain_event.originator_version,
                    domain_event.actor.person_id, tracking, changes)

    def _index(self, aggregate_id: str, version: int, person_id: str, tracking: Tracking,
               changes: Sequence[Put] = ()) -> None:
        # One narrow row, never read back while projecting: written as an encoded row.
        row: EncodedRow = (BY_ACTOR, index_key(aggregate_id, version), person_id,
                           tracking.notification_id, "{}")
        self.write(tracking, changes, (row,))


# Reading: entries are built from the log at read time, from the bytes the chain covers.

def trail_entries(app: Application[Any], view: ReadModelView,
                  aggregate_id: UUID | None = None, actor: str | None = None,
                  cycle_id: UUID | None = None, last: int | None = None) -> list[Doc]:
    """Entries in recording order, narrowed by any of aggregate, acting person, cycle;
    only events the projection has reached (its tracked position); the ``last`` ones."""
    if aggregate_id is None and actor is None and cycle_id is None and last is not None:
        return _last_entries(app, view, last)
    if aggregate_id is not None:
        entries = _aggregates_entries(app, view, [str(aggregate_id)])
    elif cycle_id is not None:
        if view.find_keys(BY_CYCLE, str(cycle_id)):
            # Index rows per event of the second layout: its reports' cycle rows are not
            # partitioned by cycle, and events indexed since then have no such row.
            raise AuditTrailNeedsRebuild()
        members = [str(cycle_id), *view.find_keys(REPORT_CYCLE, str(cycle_id))]
        entries = _aggregates_entries(app, view, members)
    elif actor is not None:
        entries = _indexed_entries(app, view, view.find_keys(BY_ACTOR, actor))
    else:
        entries = _all_entries(app, view)
    entries = [e for e in entries if (actor is None or e["person_id"] == actor)
               and (cycle_id is None or e["cycle_id"] == str(cycle_id))]
    return entries if last is None else entries[max(len(entries) - last, 0):]


class _Cycles:
    """Each entry's cycle, as the projection found it: a cycle's own events, a
    report's cycle from its REPORT_CYCLE row, otherwise None."""

    def __init__(self, view: ReadModelView) -> None:
        self.view = view
        self.known: dict[str, str | None] = {}

    def of(self, event: Any) -> str | None:
        aggregate_id = str(event.originator_id)
        if isinstance(event, Cycle.Event):
            return aggregate_id
        if isinstance(event, UnitReport.Opened):
            self.known[aggregate_id] = str(event.cycle_id)
        if aggregate_id not in self.known:
            found = self.view.get(REPORT_CYCLE, aggregate_id)
            self.known[aggregate_id] = str(found["cycle_id"]) if found else None
        return self.known[aggregate_id]


def _events(app: Application[Any], aggregate_id: str, gt: int | None = None,
            lte: int | None = None) -> list[Any]:
    return [app.mapper.to_domain_event(s)
            for s in app.recorder.select_events(UUID(aggregate_id), gt=gt, lte=lte)]


def _aggregates_entries(app: Application[Any], view: ReadModelView, aggregate_ids: list[str]
                        ) -> list[Doc]:
    """Every audited event of the aggregates that the projection has indexed, in
    recording order (the index rows' positions)."""
    events = {index_key(str(e.originator_id), e.originator_version): e
              for aggregate_id in aggregate_ids for e in _events(app, aggregate_id)
              if isinstance(e, AuditedAggregate.Event)}
    if events and _old_layout(view, next(iter(events.values()))):
        raise AuditTrailNeedsRebuild()
    positions = view.find_positions(BY_ACTOR, list(events))
    cycles = _Cycles(view)
    return [audit_entry(events[key], cycles.of(events[key]))
            for key in sorted(positions, key=positions.__getitem__)]


def _old_layout(view: ReadModelView, event: Any) -> bool:
    """An entry row keyed by event id: the oldest layout (before 2026-11), whose keys the
    queries cannot read (a trail caught up since
    then mixes both, so a position found for a later event proves nothing)."""
    return view.get(BY_AGGREGATE, str(event.event_id)) is not None


def _indexed_entries(app: Application[Any], view: ReadModelView, keys: list[str]
                     ) -> list[Doc]:
    """The entries of index rows' keys, in the keys' order: one read of the log per
    aggregate, covering the versions asked for."""
    versions: dict[str, list[int]] = {}
    for key in keys:
        aggregate_id, _, version = key.partition("/")
        if not version:
            raise AuditTrailNeedsRebuild()  # keyed by event id: a trail from before 2026-11
        versions.setdefault(aggregate_id, []).append(int(version))
    events: dict[str, Any] = {}
    for aggregate_id, wanted in versions.items():
        for event in _events(app, aggregate_id, min(wanted) - 1, max(wanted)):
            events[index_key(aggregate_id, event.originator_version)] = event
    cycles = _Cycles(view)
    return [audit_entry(events[key], cycles.of(events[key])) for key in keys]


def _last_entries(app: Application[Any], view: ReadModelView, last: int) -> list[Doc]:
    """The last entries up to the view's position: only the log's tail is read (the
    dashboard shows 50 of a trail that may hold millions)."""
    stop, window = view.max_tracking_id(app.name) or 0, max(last, 1)
    while True:
        start = max(stop - window, 0)
        entries = _all_entries(app, view, start=start)
        if len(entries) >= last or start == 0:
            return entries[max(len(entries) - last, 0):]
        window *= 2  # events that are not ours, or gaps in the ids


def log_entries(app: Application[Any], view: ReadModelView, start: int, limit: int,
                batch_size: int = 1000) -> list[tuple[int, Doc]]:
    """At most ``limit`` audited entries after log position ``start`` up to the view's
    position, each with its log position (notification id): a page of the unfiltered
    trail, reading the log only from ``start`` on and only as far as the page needs."""
    entries = _log_entries(app, view, start, max(min(batch_size, limit), 1))
    return list(itertools.islice(entries, limit))


def _all_entries(app: Application[Any], view: ReadModelView, batch_size: int = 1000,
                 start: int = 0) -> list[Doc]:
    """Every audited event after ``start`` up to the view's position, read from the log
    in order."""
    return [entry for _, entry in _log_entries(app, view, start, batch_size)]


def _log_entries(app: Application[Any], view: ReadModelView, start: int, batch_size: int
                 ) -> Iterator[tuple[int, Doc]]:
    """The audited events after ``start`` up to the view's position with their log
    positions, read from the log in batches as they are asked for."""
    stop = view.max_tracking_id(app.name) or 0
    cycles, position = _Cycles(view), start
    while position < stop:
        batch = app.recorder.select_notifications(position, batch_size, stop=stop,
                                                  inclusive_of_start=False)
        if not batch:
            break
        for notification in batch:
            event: Any = app.mapper.to_domain_event(notification)
            if isinstance(event, AuditedAggregate.Event):
                yield notification.id, audit_entry(event, cycles.of(event))
        position = batch[-1].id
