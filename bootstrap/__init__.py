"""The composition root: every entry point (worker, follower, API, CLI, simulation) builds
the engine's parts here, from settings, and nothing is wired by importing a module.

    store    the event store (SQLite, PostgreSQL or memory, per settings)
    bus      the command bus with every handler
    the activities' dependencies, the worker, the follower with its routes
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.arsplan import ArsplanActivities
from activities.cycles import CycleActivities
from activities.delegation import DelegationActivities
from activities.deps import ActivityDeps
from activities.heartbeat import LIVENESS_OPTIONS
from activities.reports import ReportActivities
from application.bus import CommandBus, CommandResult
from application.handlers import all_handlers
from audit.seals import LiveTreeHeads, SealKey
from domain.commands import Command
from domain.system_commands import SystemCommand
from domain.working_days import ReminderSchedule
from follower.follower import DEFAULT_NAME, Follower
from follower.routes import workflow_routes
from infrastructure.adapters import destination
from infrastructure.eventstore import ArsplanStore, Clock, utc_now
from infrastructure.eventstore.notify import wakeup_for
from infrastructure.eventstore.positions import PositionStore
from infrastructure.eventstore.sidecar import SidecarDB, sidecar_for
from infrastructure.notifier import Notifier, Outbox, SmtpConfig
from infrastructure.settings import Settings, get_settings
from infrastructure.timeline import REAL_TIME, Timeline
from infrastructure.tracing import tracing_interceptors
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection
from workflows.arsplan import ArsplanWorkflow
from workflows.avdelning import AvdelningWorkflow
from workflows.cycle import CycleWorkflow
from workflows.meeting import MeetingWorkflow
from workflows.overklagande import OverklagandeWorkflow
from workflows.unit_report import UnitReportWorkflow

WORKFLOWS: list[type] = [ArsplanWorkflow, CycleWorkflow, UnitReportWorkflow, MeetingWorkflow,
                         OverklagandeWorkflow, AvdelningWorkflow]


@dataclass
class Engine:
    """The store to read and the bus to change it: what every entry point works with.
    ``tree_heads`` signs the log's head (None without ``ARSPLAN_SEAL_KEY_FILE``)."""

    store: ArsplanStore
    bus: CommandBus
    settings: Settings
    tree_heads: LiveTreeHeads | None = None
    _log_views: ReadModels | None = None

    def execute(self, command: Command, person_id: str) -> CommandResult:
        """A person's command, as the API and the CLI send it."""
        return self.bus.execute(command, person_id)

    def execute_system(self, command: SystemCommand) -> CommandResult:
        return self.bus.execute_system(command)

    def close(self) -> None:
        if self._log_views is not None:
            self._log_views.close()
        self.store.close()


def build_engine(settings: Settings | None = None, *, env: Mapping[str, str] | None = None,
                 clock: Clock = utc_now) -> Engine:
    """The engine on the configured store, or on ``env`` (an eventsourcing environment:
    tests and benchmarks pass their own)."""
    settings = settings or get_settings()
    store = ArsplanStore(env=dict(env) if env is not None else settings.eventsourcing_env(),
                         clock=clock)
    views, tree_heads = None, None
    if settings.seal_key_file is not None:
        views = ReadModels.for_app(store, [TransparencyLogProjection])
        tree_heads = LiveTreeHeads(SealKey.load(settings.seal_key_file), store,
                                   views.view(TransparencyLogProjection))
    bus = CommandBus(store, all_handlers(settings.attest_working_days, tree_heads))
    return Engine(store, bus, settings, tree_heads, views)


def build_activity_deps(engine: Engine, timeline: Timeline = REAL_TIME,
                        outbox: SidecarDB | None = None) -> ActivityDeps:
    settings = engine.settings
    db = outbox or sidecar_for(engine.store.env, "outbox")
    smtp = (SmtpConfig(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
            if settings.smtp_host else None)
    return ActivityDeps(
        bus=engine.bus, store=engine.store, notifier=Notifier(Outbox(db), smtp),
        klk=destination(settings.klk_transport, settings.klk_url, settings.drop_dir / "klk",
                        "kommunledningskontoret"),
        platina=destination(settings.platina_transport, settings.platina_url,
                            settings.drop_dir / "platina", "platina"),
        schedule=ReminderSchedule(tuple(settings.reminder_working_days_before),
                                  settings.reminder_hour, settings.overdue_reminder_days),
        timeline=timeline, tree_heads=engine.tree_heads)


def build_activities(deps: ActivityDeps) -> list[Callable[..., Any]]:
    reports, cycles = ReportActivities(deps), CycleActivities(deps)
    arsplan, delegation = ArsplanActivities(deps), DelegationActivities(deps)
    return [
        reports.load_report, reports.plan_reminders, reports.send_reminder,
        reports.deadline_passed, reports.request_attestation, reports.record_reminders_skipped,
        cycles.load_cycle, cycles.send_underlag, cycles.export_beslut,
        cycles.load_cycle_outline, cycles.load_avdelning_share,
        arsplan.arsplan_openings, arsplan.open_cycle, *delegation.all(),
    ]


def build_worker(client: Client, deps: ActivityDeps, task_queue: str,
                 **options: Any) -> Worker:
    """``options`` go to temporalio's Worker (e.g. max_cached_workflows), over the
    liveness defaults (activities/heartbeat.py: heartbeats and sticky queue timeout)."""
    return Worker(client, task_queue=task_queue, workflows=WORKFLOWS,
                  activities=build_activities(deps), **{**LIVENESS_OPTIONS, **options})


def worker_for(engine: Engine, client: Client) -> Worker:
    """The worker of a running engine, its cache sized by the settings (docs/scaling.md)."""
    settings = engine.settings
    return build_worker(client, build_activity_deps(engine), settings.task_queue,
                        max_cached_workflows=settings.worker_max_cached_workflows)


def build_follower(engine: Engine, client: Client, timeline: Timeline = REAL_TIME, *,
                   task_queue: str | None = None,
                   positions: SidecarDB | None = None) -> Follower:
    db = positions or sidecar_for(engine.store.env, "follower")
    # PostgreSQL: LISTEN for the store's NOTIFY, so the poll interval is only the backstop.
    wakeup = wakeup_for(engine.store.env, engine.store.recorder,
                        listen=engine.settings.follower_listen, follower=DEFAULT_NAME)
    return Follower(engine.store, client, PositionStore(db), workflow_routes(engine.store),
                    timeline=timeline, task_queue=task_queue or engine.settings.task_queue,
                    wakeup=wakeup)


async def connect(settings: Settings) -> Client:
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter,
                                interceptors=tracing_interceptors(settings))


def open_store(settings: Settings | None = None, clock: Clock = utc_now) -> ArsplanStore:
    """The configured event store alone, for the auditor's and reader's tools."""
    settings = settings or get_settings()
    return ArsplanStore(env=settings.eventsourcing_env(), clock=clock)
