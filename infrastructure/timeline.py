"""Translation between domain time and workflow time, applied only at the bridge.

In production the two are the same. A simulation or test on the time-skipping
server runs a 2022 cycle on a server whose clock starts today: the offset maps
the scenario's dates onto the server's clock and back, so events in the store
carry the scenario's dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Timeline:
    offset: timedelta = timedelta(0)  # workflow time minus domain time

    @classmethod
    def starting(cls, domain_start: datetime, workflow_now: datetime) -> Timeline:
        return cls(workflow_now - domain_start)

    # In UTC: aware arithmetic in a zone with DST would shift the wall clock instead.
    def to_workflow(self, instant: datetime) -> datetime:
        return instant.astimezone(UTC) + self.offset

    def to_domain(self, instant: datetime) -> datetime:
        return instant.astimezone(UTC) - self.offset


REAL_TIME = Timeline()
