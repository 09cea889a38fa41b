from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """A clock tests move by hand, so recorded-at times are known."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now
