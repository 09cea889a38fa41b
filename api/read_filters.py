"""Lists narrowed to what the reader may see: trails, boards, cycles, reminders, the register.

Each item is judged by the domain's read policy as the subject it concerns (its aggregate,
its unit, its beslut); personal data in what remains is hidden as ``domain.personal_data``
says.
"""

from __future__ import annotations

from collections.abc import Callable

from api import aggregate_reads as rm
from api.read_access import Reader
from domain.personal_data import redact_payload
from domain.read_policy import ReadSubject, subject_from_creation
from projections import delegation_queries as dq
from projections import queries as q

TrailTail = Callable[[int], list[q.AuditEntry]]  # the log's last n entries


def audit_entries(reader: Reader, entries: list[q.AuditEntry]) -> list[q.AuditEntry]:
    """The entries of aggregates the reader may read, personal data hidden."""
    for e in entries:
        if e.version == 1:  # the creation event describes its aggregate: no extra read
            reader.remember(e.aggregate_id, subject_from_creation(e.aggregate_type, e.payload))
    visible = []
    for e in entries:
        subject = reader.subject(e.aggregate_id)
        if subject is None or not reader.may(subject):
            continue
        payload = redact_payload(reader.scope(subject.namnd_code), e.event_type, e.payload)
        visible.append(e if payload is e.payload else e.model_copy(update={"payload": payload}))
    return visible


def last_audit_entries(reader: Reader, trail: TrailTail, last: int) -> list[q.AuditEntry]:
    """The reader's ``last`` latest entries: the log's tail is read in growing windows
    until enough of it is theirs (or the log's start is reached)."""
    window = last
    while True:
        entries = trail(window)
        visible = audit_entries(reader, entries)
        if len(visible) >= last or len(entries) < window:
            return visible[max(len(visible) - last, 0):]
        window *= 4


def board(reader: Reader, view: q.CycleBoard) -> q.CycleBoard:
    """403 unless the reader has a unit in the cycle; then only the rows of their units."""
    reader.require_aggregate(view.cycle_id)
    subject = reader.subject(view.cycle_id)
    if subject is None:
        return view
    scope = reader.scope(subject.namnd_code)
    rows = [r for r in view.rows if scope.reads_unit(r.unit_id)]
    counts = {status: sum(1 for r in rows if r.status == status) for status in view.counts}
    return view.model_copy(update={"rows": rows, "counts": counts})


def cycles(reader: Reader, summaries: list[rm.CycleSummary]) -> list[rm.CycleSummary]:
    return [cy for cy in summaries if reader.may_read_aggregate(cy.cycle_id)]


def reminders(reader: Reader, found: list[q.Reminder]) -> list[q.Reminder]:
    """Reminders about the units the reader reads (one's own are on the att-göra page)."""
    visible = []
    for r in found:
        cycle = reader.subject(r.cycle_id)
        if cycle is not None and reader.may(
                ReadSubject("UnitReport", cycle.namnd_code, frozenset({r.unit_id}))):
            visible.append(r)
    return visible


def register(reader: Reader, entries: list[dq.RegisterEntry]) -> list[dq.RegisterEntry]:
    """The whole register for the nämnd's record readers; a delegat's own beslut."""
    return [e for e in entries if reader.may(ReadSubject(
        "Delegationsbeslut", e.namnd_code,
        people=frozenset(p for p in (e.decider, e.on_behalf_of) if p)))]
