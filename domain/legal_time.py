"""Statutory periods: överklagandetid for laglighetsprövning (13 kap. 5 § KL).

The appeal must arrive within three weeks from the day the anslag was posted. When the
last day falls on a Saturday, Sunday, helgdag, midsommarafton, julafton or nyårsafton
the period runs to the next weekday (lagen (1930:173) om beräkning av lagstadgad tid).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.calendar import STOCKHOLM

OVERKLAGANDETID = timedelta(weeks=3)


def _easter(year: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def closed_days(year: int) -> set[date]:
    """Days on which a statutory period cannot end, besides Saturdays and Sundays."""
    easter = _easter(year)
    midsommarafton = next(date(year, 6, d) for d in range(19, 26)
                          if date(year, 6, d).weekday() == 4)
    fixed = {(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)}
    return {date(year, m, d) for m, d in fixed} | {
        easter - timedelta(days=2), easter + timedelta(days=1), easter + timedelta(days=39),
        midsommarafton,
    }


def next_open_day(d: date) -> date:
    while d.weekday() >= 5 or d in closed_days(d.year):
        d += timedelta(days=1)
    return d


def overklagandetid_last_day(anslag_date: date) -> date:
    return next_open_day(anslag_date + OVERKLAGANDETID)


def laga_kraft_instant(anslag_date: date) -> datetime:
    """Midnight after the last day of the överklagandetid, Europe/Stockholm."""
    last = overklagandetid_last_day(anslag_date)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
