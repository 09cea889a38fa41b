"""Composition root for the Temporal side: workflows, activities, worker and follower."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.arsplan import ArsplanActivities
from activities.cycles import CycleActivities
from activities.delegation import DelegationActivities
from activities.deps import ActivityDeps
from activities.reports import ReportActivities
from domain.application import Arsplaner
from infrastructure import delegation_routes  # noqa: F401  (registers follower routes)
from infrastructure.follower import Follower
from infrastructure.logging import configure_logging, get_logger
from infrastructure.positions import PositionStore
from infrastructure.settings import Settings, get_settings
from infrastructure.sidecar import sidecar_for
from infrastructure.store import build_application
from infrastructure.timeline import REAL_TIME, Timeline
from infrastructure.tracing import configure_tracing, tracing_interceptors
from workflows.arsplan import ArsplanWorkflow
from workflows.avdelning import AvdelningWorkflow
from workflows.cycle import CycleWorkflow
from workflows.meeting import MeetingWorkflow
from workflows.overklagande import OverklagandeWorkflow
from workflows.unit_report import UnitReportWorkflow

WORKFLOWS: list[type] = [ArsplanWorkflow, CycleWorkflow, UnitReportWorkflow, MeetingWorkflow,
                         OverklagandeWorkflow, AvdelningWorkflow]


def build_activities(app: Arsplaner, settings: Settings, timeline: Timeline = REAL_TIME,
                     deps: ActivityDeps | None = None) -> list[Callable[..., Any]]:
    deps = deps or ActivityDeps.from_settings(app, settings, timeline)
    reports, cycles = ReportActivities(deps), CycleActivities(deps)
    arsplan = ArsplanActivities(deps)
    return [
        reports.load_report, reports.plan_reminders, reports.send_reminder,
        reports.deadline_passed, reports.request_attestation,
        cycles.load_cycle, cycles.send_underlag, cycles.export_beslut,
        arsplan.arsplan_openings, arsplan.open_cycle,
        *delegation_activities(DelegationActivities(deps.app, deps.timeline)),
    ]


def delegation_activities(d: DelegationActivities) -> list[Callable[..., Any]]:
    return [d.load_meeting, d.compile_anmalningslista, d.remind_justering, d.anslaa_protokoll,
            d.expediera_protokoll, d.record_laga_kraft]


async def build_worker(client: Client, app: Arsplaner, settings: Settings, *,
                       task_queue: str | None = None, timeline: Timeline = REAL_TIME,
                       deps: ActivityDeps | None = None, **options: Any) -> Worker:
    """``options`` go to temporalio's Worker (e.g. max_cached_workflows)."""
    return Worker(client, task_queue=task_queue or settings.task_queue, workflows=WORKFLOWS,
                  activities=build_activities(app, settings, timeline, deps), **options)


def build_follower(app: Arsplaner, client: Client, settings: Settings,
                   timeline: Timeline = REAL_TIME) -> Follower:
    positions = PositionStore(sidecar_for(settings.eventsourcing_env(), "follower"))
    return Follower(app, client, positions, timeline=timeline, task_queue=settings.task_queue)


async def connect(settings: Settings) -> Client:
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter,
                                interceptors=tracing_interceptors(settings))


async def run_worker_and_follower(app: Arsplaner, client: Client, settings: Settings,
                                  stop: asyncio.Event) -> None:
    """Runs the worker and the follower until ``stop`` is set, then shuts both down."""
    worker = await build_worker(client, app, settings)
    follower = build_follower(app, client, settings)
    log = get_logger(task_queue=settings.task_queue)
    async with worker:
        log.info("worker_started")
        await follower.run(stop, interval=settings.follower_poll_seconds)
    log.info("worker_stopped")


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    configure_tracing(settings)
    app = build_application(settings)
    client = await connect(settings)
    await run_worker_and_follower(app, client, settings, asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main())
