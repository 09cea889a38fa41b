"""Dates are Europe/Stockholm: a deadline date means the end of that working day there.

Every instant shown to people or returned by the API (JSON, dashboard, messages, exports,
the feed) is Stockholm time with its offset: ``in_stockholm`` is the one conversion,
``shown`` the one text for people, ``LocalInstant`` the type response models declare.
Commands keep recording instants in UTC (their fingerprints and recorded histories
depend on it); the conversion happens on the way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEADLINE_TIME = time(23, 59)


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, DEADLINE_TIME, tzinfo=STOCKHOLM)


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def in_stockholm(instant: datetime) -> datetime:
    """The same instant in Stockholm time (``+01:00`` or ``+02:00``), never ``Z``."""
    return instant.astimezone(STOCKHOLM)


def iso_local(instant: datetime) -> str:
    """ISO 8601 in Stockholm time with its offset, e.g. ``2026-11-25T08:50:00+01:00``."""
    return in_stockholm(instant).isoformat()


def shown(instant: datetime) -> str:
    """An instant as people read it in messages and pages: ``2026-11-25 08:50``."""
    return f"{in_stockholm(instant):%Y-%m-%d %H:%M}"


def localised(value: Any) -> Any:
    """``value`` with every instant in it (in dicts, lists, tuples) in Stockholm time."""
    if isinstance(value, datetime):
        return in_stockholm(value)
    if isinstance(value, Mapping):
        return {k: localised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [localised(v) for v in value]
    return value


# What response models declare for an instant: serialised in Stockholm time with its offset.
LocalInstant = Annotated[datetime, AfterValidator(in_stockholm)]


def _elapsed(since: datetime, now: datetime) -> timedelta:
    # In UTC: between two Stockholm times Python subtracts wall clocks, which is an hour
    # off across a change to or from summer time.
    return now.astimezone(UTC) - since.astimezone(UTC)


def days_late(deadline: datetime, now: datetime) -> int:
    """Whole days passed since the deadline (24 hours each): 0 until a full day has
    passed, even when the deadline is already behind (see ``is_late``)."""
    if now <= deadline:
        return 0
    return _elapsed(deadline, now) // timedelta(days=1)


def is_late(deadline: datetime, now: datetime) -> bool:
    return now > deadline


def lateness(deadline: datetime, now: datetime) -> str | None:
    """How late, in Swedish, for pages and calendars; None when not late.

    Under an hour "försenad", under a day "N tim sen", then whole days passed:
    "1 dag sen", "N dagar sen" (two minutes after a 23:59 deadline is not a day).
    """
    if not is_late(deadline, now):
        return None
    days = days_late(deadline, now)
    if days >= 1:
        return f"{days} dag sen" if days == 1 else f"{days} dagar sen"
    hours = _elapsed(deadline, now) // timedelta(hours=1)
    return f"{hours} tim sen" if hours >= 1 else "försenad"


def shift(d: date, days: int) -> date:
    return d + timedelta(days=days)
