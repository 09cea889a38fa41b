"""The follower: reads the notification log in order and delivers to workflows.

Delivery is at-least-once: the position is saved after each delivered event, so a
crash redelivers at most that event, and workflows dedupe by aggregate version or
event id. A "start" delivery starts a workflow (id from workflows/ids.py) or finds it
running, so every opened cycle is driven however it was opened. The routes (which
event becomes which delivery) are passed in: follower/routes.py. Between polls it waits
on ``wakeup``: on PostgreSQL the store's NOTIFY wakes it at once, the interval stays the
backstop (infrastructure/eventstore/notify.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from follower.delivery import Delivery
from follower.routes import Route
from infrastructure.eventstore import ArsplanStore
from infrastructure.eventstore.notify import Polling, Wakeup
from infrastructure.eventstore.positions import PositionStore
from infrastructure.logging import get_logger
from infrastructure.timeline import REAL_TIME, Timeline

DEFAULT_TASK_QUEUE = "arsplan"
DEFAULT_NAME = "workflow-signals"


class Follower:
    """Forwards routed events from the notification log to their workflows, in order."""

    def __init__(self, store: ArsplanStore, client: Client, positions: PositionStore,
                 routes: Mapping[str, Route], *, name: str = DEFAULT_NAME,
                 timeline: Timeline = REAL_TIME, batch_size: int = 200,
                 task_queue: str = DEFAULT_TASK_QUEUE, wakeup: Wakeup | None = None) -> None:
        self.store = store
        self.task_queue = task_queue
        self.client = client
        self.positions = positions
        self.name = name
        self.timeline = timeline
        self.batch_size = batch_size
        self.routes = dict(routes)
        self.wakeup = wakeup or Polling()
        self.log = get_logger(follower=name)

    async def poll_once(self) -> int:
        """Delivers everything new; returns how many notifications it handled."""
        handled = 0
        while True:
            start = self.positions.get(self.name) + 1
            batch = await asyncio.to_thread(
                self.store.recorder.select_notifications, start, self.batch_size,
                topics=list(self.routes))
            for notification in batch:
                event = self.store.mapper.to_domain_event(notification)
                for delivery in self.routes[notification.topic](event, self.timeline):
                    await self._deliver(delivery, notification.id)
                self.positions.set(self.name, notification.id)
                handled += 1
            if len(batch) < self.batch_size:
                return handled

    async def _deliver(self, d: Delivery, notification_id: int) -> None:
        log = self.log.bind(workflow_id=d.workflow_id, notification_id=notification_id,
                            event_id=getattr(d.arg, "event_id", None), name=d.name)
        try:
            await self._send(d)
        except WorkflowAlreadyStartedError:
            # REJECT_DUPLICATE: the workflow ran and closed; never run it twice.
            log.info("workflow_already_closed")
            return
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            # Not started yet (it reads the store when it starts) or already closed.
            log.info("workflow_not_running")
            return
        except WorkflowUpdateFailedError as exc:
            log.warning("update_rejected", reason=str(exc.cause))
            return
        log.info("delivered")

    async def _send(self, d: Delivery) -> None:
        if d.kind == "start":
            await self.client.start_workflow(
                d.name, d.arg, id=d.workflow_id, task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
            return
        handle = self.client.get_workflow_handle(d.workflow_id)
        if d.kind == "update":
            await handle.execute_update(d.name, d.arg)
        else:
            await handle.signal(d.name, d.arg)

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Polls until ``stop`` is set, waking early when the store says events were
        recorded; a failed poll is retried from the saved position."""
        try:
            while not stop.is_set():
                try:
                    await self.poll_once()
                except (RPCError, OSError) as exc:
                    self.log.warning("follower_poll_failed", error=str(exc))
                await self.wakeup.wait(stop, interval)
        finally:
            await self.wakeup.close()
