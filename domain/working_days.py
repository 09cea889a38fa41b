"""Working-day arithmetic for reminders and attest deadlines (Europe/Stockholm).

Temporal has no calendar: these functions turn a deadline into absolute instants
the workflow sleeps until. Weekends and Swedish helgdagar are not working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from domain.calendar import STOCKHOLM, end_of_day, local_date


@lru_cache(maxsize=16)
def _helgdagar(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("SE", years=year, include_sundays=False).keys())


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _helgdagar(d.year)


def add_working_days(d: date, days: int) -> date:
    """``days`` working days after (or before, if negative) ``d``."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        d += timedelta(days=step)
        if is_working_day(d):
            remaining -= 1
    return d


@dataclass(frozen=True)
class ReminderSchedule:
    working_days_before: tuple[int, ...] = (3, 1)
    hour: int = 8
    overdue_days: int = 20

    def _morning(self, d: date) -> datetime:
        return datetime.combine(d, time(self.hour), tzinfo=STOCKHOLM)

    def before(self, deadline: datetime) -> list[datetime]:
        """Morning reminders N working days before the deadline's date, earliest first."""
        day = local_date(deadline)
        instants = {self._morning(add_working_days(day, -n)) for n in self.working_days_before}
        return sorted(i for i in instants if i < deadline)

    def overdue(self, deadline: datetime) -> list[datetime]:
        """A morning reminder on each working day after the deadline."""
        day, out = local_date(deadline), []
        for _ in range(self.overdue_days):
            day = add_working_days(day, 1)
            out.append(self._morning(day))
        return out


def attest_deadline(klarmarkerad_at: datetime, working_days: int) -> datetime:
    return end_of_day(add_working_days(local_date(klarmarkerad_at), working_days))
