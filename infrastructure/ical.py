"""iCalendar feeds of deadlines: a pure builder from entries to RFC 5545 bytes.

Calendar clients match events by UID and keep the one with the highest SEQUENCE,
so a moved deadline must keep its UID and raise its SEQUENCE to replace the old
event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//Årsplan//Tidsgränser//SV"
UID_DOMAIN = "arsplan"
# A deadline is an instant; the event covers the half hour before it so calendars
# show it on the deadline day, ending exactly at the deadline.
LEAD_TIME = timedelta(minutes=30)
TASK_VERBS = {"klarmarkera": "Klarmarkera", "attestera": "Attestera"}


@dataclass(frozen=True)
class DeadlineEntry:
    """One person's or unit's task with a deadline, as a calendar shows it."""

    report_id: str
    task: str  # "klarmarkera" or "attestera"
    cycle_title: str
    unit_name: str
    deadline: datetime
    sequence: int
    last_modified: datetime
    status_label: str
    responsible: str | None = None  # who acts on the deadline day, for unit feeds
    on_behalf_of: str | None = None  # the ordinary holder an ersättare stands in for

    @property
    def uid(self) -> str:
        return event_uid(self.report_id, self.task)

    @property
    def summary(self) -> str:
        return f"{TASK_VERBS[self.task]}: {self.cycle_title} – {self.unit_name}"


def event_uid(report_id: str, task: str) -> str:
    """Stable per report and task: the same VEVENT is updated when its deadline moves."""
    return f"{report_id}-{task}@{UID_DOMAIN}"


def build_calendar(feed_id: str, name: str, entries: Iterable[DeadlineEntry],
                   tz: ZoneInfo) -> bytes:
    """The feed as bytes; equal entries give byte-identical output (no wall clock used)."""
    calendar = Calendar.new(name=name, prodid=PRODID, uid=f"{feed_id}@{UID_DOMAIN}",
                            refresh_interval=timedelta(hours=1))
    calendar.add("X-WR-TIMEZONE", str(tz))
    ordered = sorted(entries, key=lambda e: (e.deadline, e.uid))
    for entry in ordered:
        calendar.add_component(_event(entry, tz))
    if ordered:
        calendar.add_missing_timezones(
            first_date=date(ordered[0].deadline.year - 1, 1, 1),
            last_date=date(ordered[-1].deadline.year + 1, 12, 31))
    body: bytes = calendar.to_ical()
    return body


def _event(entry: DeadlineEntry, tz: ZoneInfo) -> Event:
    end = entry.deadline.astimezone(tz)
    stamp = entry.last_modified.astimezone(ZoneInfo("UTC"))
    event = Event.new(uid=entry.uid, summary=entry.summary, start=end - LEAD_TIME, end=end,
                      sequence=entry.sequence, stamp=stamp, last_modified=stamp,
                      description=_description(entry, end))
    event.add("TRANSP", "TRANSPARENT")  # a deadline does not make anyone busy
    return event


def _description(entry: DeadlineEntry, end: datetime) -> str:
    lines = [f"Tidsgräns: {end:%Y-%m-%d %H:%M}", f"Status: {entry.status_label}"]
    if entry.responsible:
        lines.append(f"Ansvarig: {entry.responsible}")
    if entry.on_behalf_of:
        lines.append(f"Som ersättare för: {entry.on_behalf_of}")
    return "\n".join(lines)
