"""A level's shared clock: one timer per distinct instant for all of its reports.

The reports of a level share their deadline and so their reminder moments. Instead of a
timer per report and instant (30,000 for 10,000 enheter), each report started with
``UnitReportInput.shared_clock`` tells its AvdelningWorkflow the instants of its plan
(``ClockRequest``); the avdelning keeps one timer, to the earliest instant asked for, and
at each instant signals ``tick`` to the reports that asked for it. A report whose own
deadline moved keeps timers of its own for that task (workflows/unit_report.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.payloads import ClockRequest, ClockTick

# Avdelning runs begun before the shared clock (recorded histories) start reports that
# keep their own timers, and run no clock.
SHARED_CLOCK = "avdelning-shared-clock"
TICK_SIGNAL = "tick"


class LevelClock:
    """The instants a level's reports wait for, and the loop that ticks them.

    ``wakes`` is the workflow's carried state (instant → report workflow ids), so the
    instants asked for survive a continue-as-new.
    """

    def __init__(self, wakes: dict[datetime, list[str]]) -> None:
        self.wakes = wakes
        self.ticking = 0  # tick signals in flight

    @property
    def busy(self) -> bool:
        return self.ticking > 0

    def ask(self, request: ClockRequest) -> None:
        for at in request.instants:
            waiting = self.wakes.setdefault(at, [])
            if request.workflow_id not in waiting:
                waiting.append(request.workflow_id)

    def _earliest(self) -> datetime | None:
        return min(self.wakes) if self.wakes else None

    async def run(self, stopped: Callable[[], bool]) -> None:
        """Until ``stopped``: sleeps to the earliest instant asked for, then ticks it.

        An earlier instant asked for meanwhile cuts the sleep short; the same instant
        asked for by another report adds no timer."""
        while True:
            await workflow.wait_condition(lambda: stopped() or bool(self.wakes))
            if stopped():
                return
            due = self._earliest()
            assert due is not None
            if await self._sleep_until(due, stopped):
                await self._tick()

    async def _sleep_until(self, due: datetime, stopped: Callable[[], bool]) -> bool:
        """True when ``due`` has come; False when stopped or an earlier instant was asked."""
        remaining = due - workflow.now()
        if remaining <= timedelta(0):
            return True

        def earlier() -> bool:
            first = self._earliest()
            return stopped() or (first is not None and first < due)
        try:
            await workflow.wait_condition(earlier, timeout=remaining)
        except TimeoutError:
            return True
        return False

    async def _tick(self) -> None:
        """Signals each report waiting for an instant that has come, once, with the
        latest such instant."""
        now = workflow.now()
        latest: dict[str, datetime] = {}
        for at in sorted(a for a in self.wakes if a <= now):
            for workflow_id in self.wakes.pop(at):
                latest[workflow_id] = at
        self.ticking += 1
        try:
            # A report that has ended (closed by hand) needs no tick: its failed signal
            # is no failure of the level.
            await asyncio.gather(*(
                workflow.get_external_workflow_handle(workflow_id).signal(
                    TICK_SIGNAL, ClockTick(at=at))
                for workflow_id, at in latest.items()), return_exceptions=True)
        finally:
            self.ticking -= 1
