"""The reminder outbox: every påminnelse the workflows decided to send, in order."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking

from domain.unit_report import UnitReport
from projections.base import Put, ReadModelProjection, topics_of

REMINDER, REPORT_REF = "reminder", "report_ref"


class ReminderOutboxProjection(ReadModelProjection):
    """Projects UnitReport.ReminderSent into one row per reminder, partitioned by
    recipient; remembers each report's cycle and unit from its Opened event.
    """

    name = "reminder_outbox"
    topics = topics_of(UnitReport.Opened, UnitReport.ReminderSent)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register(UnitReport.Opened)
    def _(self, event: UnitReport.Opened, tracking: Tracking) -> None:
        self.write(tracking, [Put(REPORT_REF, str(event.originator_id),
                                  {"cycle_id": str(event.cycle_id), "unit_id": event.unit_id})])

    @process_event.register(UnitReport.ReminderSent)
    def _(self, event: UnitReport.ReminderSent, tracking: Tracking) -> None:
        ref = self.view.get(REPORT_REF, str(event.originator_id))
        if ref is None:
            raise LookupError(f"report {event.originator_id} was not projected first")
        doc = {"event_id": str(event.event_id), "report_id": str(event.originator_id),
               "cycle_id": ref["cycle_id"], "unit_id": ref["unit_id"],
               "recipient_person_id": event.recipient_person_id, "task": event.task,
               "deadline": event.deadline.isoformat(), "overdue": event.overdue,
               "occurred_at": event.occurred_at.isoformat(),
               "recorded_at": event.timestamp.isoformat()}
        self.write(tracking, [Put(REMINDER, doc["event_id"], doc,
                                  partition=event.recipient_person_id)])
