"""The bridge from the event store to Temporal: read the log in order, signal workflows.

Delivery is at-least-once: the position is saved after each delivered event, so a
crash redelivers at most that event, and workflows dedupe by aggregate version.
A "start" delivery starts a workflow (id from workflows/ids.py) or finds it running,
so every opened cycle is driven however it was opened (API, CLI, ÅrsplanWorkflow).
Other engineers add routes for their events with ``register_route``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from eventsourcing.utils import get_topic
from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.application import Arsplaner
from domain.arsplan import Arsplan
from domain.cycle import Cycle
from domain.unit_report import UnitReport
from infrastructure.logging import get_logger
from infrastructure.positions import PositionStore
from infrastructure.timeline import REAL_TIME, Timeline
from workflows.arsplan_payloads import PlanChange
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id, unit_report_workflow_id
from workflows.payloads import (
    BeslutNotice,
    CycleInput,
    DeadlineChange,
    ReportEvent,
    ReportEventKind,
)

DEFAULT_TASK_QUEUE = "arsplan"


@dataclass(frozen=True)
class Delivery:
    """A signal or update named ``name``, or (kind "start") a start of workflow type ``name``."""

    workflow_id: str
    name: str
    arg: BaseModel
    kind: Literal["signal", "update", "start"] = "signal"


Route = Callable[[Any, Timeline], list[Delivery]]
SIGNAL_ROUTES: dict[str, Route] = {}


def register_route(event_class: type, route: Route) -> None:
    SIGNAL_ROUTES[get_topic(event_class)] = route


def _report_event(kind: ReportEventKind) -> Route:
    def route(event: Any, timeline: Timeline) -> list[Delivery]:
        new_deadline = getattr(event, "new_deadline", None)
        signal = ReportEvent(
            event_id=str(event.event_id), version=event.originator_version, kind=kind,
            new_deadline=timeline.to_workflow(new_deadline) if new_deadline else None)
        return [Delivery(unit_report_workflow_id(event.originator_id), "report_event", signal)]
    return route


def _deadline_moved(event: Any, timeline: Timeline) -> list[Delivery]:
    change = DeadlineChange(event_id=str(event.event_id), version=event.originator_version,
                            deadline_kind=event.deadline_kind,
                            new_deadline=timeline.to_workflow(event.new))
    return [Delivery(unit_report_workflow_id(event.originator_id), "move_deadline", change,
                     kind="update")]


def _beslut_recorded(event: Any, timeline: Timeline) -> list[Delivery]:
    notice = BeslutNotice(event_id=str(event.event_id), version=event.originator_version,
                          beslut=event.beslut, meeting_id=event.meeting_id,
                          paragraph=event.paragraph)
    return [Delivery(cycle_workflow_id(event.originator_id), "beslut_recorded", notice)]


def _cycle_opened(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(cycle_workflow_id(event.originator_id), CycleWorkflow.__name__,
                     CycleInput(cycle_id=str(event.originator_id)), kind="start")]


def _milestone_moved(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(arsplan_workflow_id(event.namnd_code, event.label), "plan_changed",
                     PlanChange(event_id=str(event.event_id)))]


register_route(Cycle.Opened, _cycle_opened)
register_route(Arsplan.MilestoneMoved, _milestone_moved)
register_route(UnitReport.Klarmarkerad, _report_event("klarmarkerad"))
register_route(UnitReport.Godkand, _report_event("godkand"))
register_route(UnitReport.Atersand, _report_event("atersand"))
register_route(UnitReport.Reopened, _report_event("reopened"))
register_route(UnitReport.DeadlineMoved, _deadline_moved)
register_route(Cycle.BeslutRecorded, _beslut_recorded)


class Follower:
    """Forwards routed events from the notification log to their workflows, in order."""

    def __init__(self, app: Arsplaner, client: Client, positions: PositionStore, *,
                 name: str = "workflow-signals", timeline: Timeline = REAL_TIME,
                 batch_size: int = 200, routes: dict[str, Route] | None = None,
                 task_queue: str = DEFAULT_TASK_QUEUE) -> None:
        self.app = app
        self.task_queue = task_queue
        self.client = client
        self.positions = positions
        self.name = name
        self.timeline = timeline
        self.batch_size = batch_size
        self.routes = SIGNAL_ROUTES if routes is None else routes
        self.log = get_logger(follower=name)

    async def poll_once(self) -> int:
        """Delivers everything new; returns how many notifications it handled."""
        handled = 0
        while True:
            start = self.positions.get(self.name) + 1
            batch = await asyncio.to_thread(
                self.app.recorder.select_notifications, start, self.batch_size,
                topics=list(self.routes))
            for notification in batch:
                event = self.app.mapper.to_domain_event(notification)
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
        """Polls until ``stop`` is set; a failed poll is retried from the saved position."""
        while not stop.is_set():
            try:
                await self.poll_once()
            except (RPCError, OSError) as exc:
                self.log.warning("follower_poll_failed", error=str(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
