"""Activities heartbeat while they run, so a worker that dies inside one is noticed.

Temporal hears nothing from a SIGKILLed worker: without heartbeats it retries the activity
only when the start-to-close timeout runs out (minutes). Every activity here is wrapped in
``heartbeating``: while it runs, a task beside it heartbeats every second, so the server
retries it on another worker once the heartbeat timeout its workflow gives
(``workflows/activity_options.HEARTBEAT_TIMEOUT``, seconds) passes without one.
Activities hand their blocking work to threads (``activities.deps.in_domain``), so the
event loop is free to beat.

``LIVENESS_OPTIONS`` are the worker's side (``bootstrap.build_worker``): temporalio sends
a heartbeat at most every 0.8 × the heartbeat timeout (4 s of 5: one late beat would time
the activity out); every second leaves four to spare. After the retry completes, the
workflow task waits on the dead worker's sticky queue until its schedule-to-start timeout
moves it to the shared queue: 5 s (the Go and Java SDKs' default) instead of
temporalio's 10 s. A live but busy worker then loses a task to another worker sooner,
which replays the history (more work, same outcome).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import activity

# The first beat after a second: most activities end sooner and never send one (the
# heartbeat timeout counts from the activity's start until the first beat arrives).
HEARTBEAT_INTERVAL_SECONDS = 1.0
HEARTBEATING = "__arsplan_heartbeating__"
LIVENESS_OPTIONS: dict[str, Any] = {
    "max_heartbeat_throttle_interval": timedelta(seconds=1),
    "sticky_queue_schedule_to_start_timeout": timedelta(seconds=5),
}

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def heartbeating(fn: F) -> F:
    """Runs the async activity ``fn`` with heartbeats beside it (outside an activity, as
    in tests calling the method directly, it runs alone)."""

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> Any:
        if not activity.in_activity():
            return await fn(*args, **kwargs)
        beats = asyncio.create_task(_beat(), name=f"heartbeat {activity.info().activity_type}")
        try:
            return await fn(*args, **kwargs)
        finally:
            beats.cancel()

    setattr(run, HEARTBEATING, True)
    return run  # type: ignore[return-value]


def is_heartbeating(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, HEARTBEATING, False))


async def _beat() -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_INTERVAL_SECONDS)
        activity.heartbeat()
