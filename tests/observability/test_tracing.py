"""Tracing through Temporal and the API, and trace ids in the JSON log lines."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from infrastructure.settings import Settings
from infrastructure.tracing import build_tracer_provider, instrument_api, tracing_interceptors
from tests.observability.traced_activities import notify_chef, stamp_report
from tests.observability.traced_workflow import TracedReportWorkflow
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.stores import MEMORY_ENV

TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"
ROOT = Path(__file__).resolve().parents[2]
TRACING_ON = Settings(otel_enabled=True, otel_service_name="arsplan-test")


@pytest.fixture
async def temporal() -> AsyncIterator[WorkflowEnvironment]:
    if not TEST_SERVER.exists():
        pytest.skip(f"temporal-test-server not installed at {TEST_SERVER}")
    async with await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(TEST_SERVER)) as env:
        yield env


async def run_traced_workflow(env: WorkflowEnvironment, interceptors: list[Any]) -> str:
    config = env.client.config()
    # Keep the environment's own interceptor: it is what skips time while we wait.
    config["interceptors"] = [*config["interceptors"], *interceptors]
    client = Client(**config)
    queue = f"traced-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[TracedReportWorkflow],
                      activities=[stamp_report, notify_chef]):
        result: str = await asyncio.wait_for(client.execute_workflow(
            TracedReportWorkflow.run, "enh-ekhagen", id=f"wf-{uuid.uuid4()}", task_queue=queue),
            timeout=60)
    return result


def names(spans: tuple[ReadableSpan, ...]) -> set[str]:
    return {span.name for span in spans}


def trace_ids(spans: tuple[ReadableSpan, ...]) -> set[int]:
    return {span.context.trace_id for span in spans if span.context is not None}


class TestWorkflowTracing:
    async def test_workflow_and_activities_share_one_trace(
            self, temporal: WorkflowEnvironment, exporter: InMemorySpanExporter,
            logs: list[MutableMapping[str, Any]]) -> None:
        provider = build_tracer_provider(TRACING_ON, exporter)
        result = await run_traced_workflow(temporal, tracing_interceptors(TRACING_ON, provider))
        assert result == "notified:stamped:enh-ekhagen"
        spans = exporter.get_finished_spans()
        assert {"StartWorkflow:TracedReportWorkflow", "RunWorkflow:TracedReportWorkflow",
                "StartActivity:stamp_report", "RunActivity:stamp_report",
                "StartActivity:notify_chef", "RunActivity:notify_chef"} <= names(spans)
        [trace_id] = trace_ids(spans)
        [line] = [e for e in logs if e["event"] == "report_stamped"]
        assert line["trace_id"] == format(trace_id, "032x")
        run_activity = next(s for s in spans if s.name == "RunActivity:stamp_report")
        assert run_activity.context is not None
        assert line["span_id"] == format(run_activity.context.span_id, "016x")

    async def test_tracing_off_adds_no_interceptor_and_no_trace_ids(
            self, temporal: WorkflowEnvironment, logs: list[MutableMapping[str, Any]]) -> None:
        off = Settings(otel_enabled=False)
        assert tracing_interceptors(off) == []
        await run_traced_workflow(temporal, tracing_interceptors(off))
        [line] = [e for e in logs if e["event"] == "report_stamped"]
        assert "trace_id" not in line

    def test_tracing_is_off_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("ARSPLAN_OTEL_ENABLED", raising=False)
        assert Settings(_env_file=None).otel_enabled is False  # type: ignore[call-arg]


class TestApiTracing:
    async def test_a_command_request_is_one_span_and_its_log_line_carries_the_trace(
            self, exporter: InMemorySpanExporter, logs: list[MutableMapping[str, Any]]) -> None:
        app = TestEngine(env=dict(MEMORY_ENV),
                         clock=ManualClock(datetime(2022, 8, 12, 8, 0, tzinfo=UTC)))
        build_organisation(app)
        open_delar_2022(app)
        api = create_app(app.store, app.bus, {"t-anna": "anna"})
        instrument_api(api, TRACING_ON, build_tracer_provider(TRACING_ON, exporter))
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
            response = await http.post("/api/commands/klarmarkera",
                                       json={"report_id": str(report("enh-ekhagen"))},
                                       headers={"Authorization": "Bearer t-anna"})
        assert response.status_code == 200, response.text
        server = [s for s in exporter.get_finished_spans()
                  if s.name == "POST /api/commands/klarmarkera"]
        assert len(server) == 1 and server[0].context is not None
        [line] = [e for e in logs if e["event"] == "command_executed"]
        assert line["trace_id"] == format(server[0].context.trace_id, "032x")
        app.close()


PROBE = """
from opentelemetry import trace
from infrastructure.settings import get_settings
from infrastructure.tracing import configure_tracing
first, again = configure_tracing(get_settings()), configure_tracing(get_settings())
assert first is again
with trace.get_tracer("probe").start_as_current_span("probe-span"):
    pass
"""


def run_probe(enabled: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARSPLAN_OTEL_ENABLED": enabled, "PYTHONPATH": str(ROOT)}
    env.pop("ARSPLAN_OTEL_ENDPOINT", None)
    return subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=True)


class TestProcessSetup:
    def test_without_an_endpoint_spans_go_to_stderr_as_json(self) -> None:
        result = run_probe("true")
        assert '"name": "probe-span"' in result.stderr
        assert '"service.name": "arsplan"' in result.stderr
        assert result.stdout == ""

    def test_switched_off_nothing_is_exported(self) -> None:
        assert "probe-span" not in run_probe("false").stderr
