"""How workflows run their activities: timeouts and retries per workflow, in one place.

Every call goes through an ``ActivityRunner``, which also counts the calls in flight so
a workflow's ``status`` query can say it is busy (simulation drivers wait for quiet).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

# Store writes retry quickly. A worker killed inside an activity is noticed by its missing
# heartbeats (activities/heartbeat.py beats every second while one runs): the server then
# retries the activity elsewhere after HEARTBEAT_TIMEOUT, not after the start-to-close
# timeout, which only bounds an activity that is alive but stuck.
QUICK_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1),
                          maximum_interval=timedelta(minutes=1))
PATIENT_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1),
                            maximum_interval=timedelta(minutes=5))
HEARTBEAT_TIMEOUT = timedelta(seconds=5)


class ActivityRunner:
    def __init__(self, timeout: timedelta, retry: RetryPolicy = QUICK_RETRY,
                 heartbeat: timedelta = HEARTBEAT_TIMEOUT) -> None:
        self.timeout = timeout
        self.retry = retry
        self.heartbeat = heartbeat
        self.in_flight = 0

    @property
    def busy(self) -> bool:
        return self.in_flight > 0

    async def run(self, name: str, arg: Any, result_type: type | None = None) -> Any:
        self.in_flight += 1
        try:
            return await workflow.execute_activity(
                name, arg, result_type=result_type, start_to_close_timeout=self.timeout,
                heartbeat_timeout=self.heartbeat, retry_policy=self.retry)
        finally:
            self.in_flight -= 1
