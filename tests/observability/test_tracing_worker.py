"""The real worker (bootstrap.build_worker) traced: a unit report's workflow and its activities."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client

from bootstrap import build_activity_deps, build_worker
from domain.calendar import STOCKHOLM
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.settings import Settings
from infrastructure.timeline import Timeline
from infrastructure.tracing import build_tracer_provider, tracing_interceptors
from simulation.harness import start_env
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.stores import sqlite_env
from workflows.payloads import UnitReportInput
from workflows.unit_report import UnitReportWorkflow

START = datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)
FIRST_REMINDER = datetime(2022, 8, 18, 9, 0, tzinfo=STOCKHOLM)


async def wait_for_span(exporter: InMemorySpanExporter, name: str) -> None:
    for _ in range(500):
        if any(s.name == name for s in exporter.get_finished_spans()):
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no span {name}")


async def test_a_unit_report_workflow_and_its_reminder_activity_are_one_trace(
        tmp_path: Path, exporter: InMemorySpanExporter,
        logs: list[MutableMapping[str, Any]]) -> None:
    settings = Settings(otel_enabled=True, event_store="memory", drop_dir=tmp_path / "drop",
                        var_dir=tmp_path / "var")
    store_env = sqlite_env(tmp_path / "events.sqlite")
    app = TestEngine(env=store_env, clock=ManualClock(START), settings=settings)
    build_organisation(app)
    open_delar_2022(app)
    env = await start_env()
    try:
        config = env.client.config()
        config["interceptors"] = [*config["interceptors"], *tracing_interceptors(
            settings, build_tracer_provider(settings, exporter))]
        client = Client(**config)
        timeline = Timeline.starting(START, await env.get_current_time())
        deps = build_activity_deps(app, timeline,  # type: ignore[arg-type]
                                   outbox=sidecar_for(store_env, "outbox"))
        queue = f"traced-{uuid.uuid4()}"
        async with build_worker(client, deps, queue):
            await client.start_workflow(
                UnitReportWorkflow.run, UnitReportInput(report_id=str(report("enh-ekhagen"))),
                id=f"unit-report-{uuid.uuid4()}", task_queue=queue)
            await wait_for_span(exporter, "RunActivity:load_report")
            await env.sleep(timeline.to_workflow(FIRST_REMINDER) - await env.get_current_time())
            await wait_for_span(exporter, "RunActivity:send_reminder")
    finally:
        await env.shutdown()
        app.close()

    spans = exporter.get_finished_spans()
    names = {s.name for s in spans}
    assert {"StartWorkflow:UnitReportWorkflow", "RunWorkflow:UnitReportWorkflow",
            "RunActivity:load_report", "RunActivity:plan_reminders",
            "RunActivity:send_reminder"} <= names
    [trace_id] = {s.context.trace_id for s in spans if s.context is not None}
    [line] = [e for e in logs if e["event"] == "reminder_sent"]
    assert (line["to"], line["trace_id"]) == ("anna", format(trace_id, "032x"))
