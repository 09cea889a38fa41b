"""Dates are Europe/Stockholm: a deadline date means the end of that working day there."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEADLINE_TIME = time(23, 59)


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, DEADLINE_TIME, tzinfo=STOCKHOLM)


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def days_late(deadline: datetime, now: datetime) -> int:
    """Whole calendar days past the deadline's date, 0 when not late."""
    if now <= deadline:
        return 0
    return max((local_date(now) - local_date(deadline)).days, 1)


def shift(d: date, days: int) -> date:
    return d + timedelta(days=days)
