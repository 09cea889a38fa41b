"""How late a task is: days passed since the deadline, and the Swedish words for it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.calendar import STOCKHOLM, days_late, lateness

DEADLINE = datetime(2022, 8, 23, 23, 59, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(("after", "days", "words"), [
    (timedelta(minutes=-1), 0, None),
    (timedelta(0), 0, None),
    (timedelta(minutes=2), 0, "försenad"),
    (timedelta(minutes=59, seconds=59), 0, "försenad"),
    (timedelta(hours=1), 0, "1 tim sen"),
    (timedelta(hours=23, minutes=59), 0, "23 tim sen"),
    (timedelta(days=1), 1, "1 dag sen"),
    (timedelta(days=1, hours=23, minutes=59), 1, "1 dag sen"),
    (timedelta(days=2), 2, "2 dagar sen"),
])
def test_lateness_counts_days_passed_not_days_started(
        after: timedelta, days: int, words: str | None) -> None:
    now = DEADLINE + after
    assert (days_late(DEADLINE, now), lateness(DEADLINE, now)) == (days, words)


def test_a_day_is_24_hours_across_the_change_to_winter_time() -> None:
    deadline = datetime(2022, 10, 29, 23, 59, tzinfo=STOCKHOLM)  # the clocks go back that night
    # 23 hours on the wall clock, 24 in fact.
    assert lateness(deadline, datetime(2022, 10, 30, 22, 58, tzinfo=STOCKHOLM)) == "23 tim sen"
    assert lateness(deadline, datetime(2022, 10, 30, 22, 59, tzinfo=STOCKHOLM)) == "1 dag sen"
