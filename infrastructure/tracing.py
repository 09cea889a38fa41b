"""OpenTelemetry tracing for the API, workflows and activities; off unless ARSPLAN_OTEL_ENABLED.

One trace follows a request or a workflow start through Temporal: the client
interceptor puts the span context into Temporal headers, so the workflow's and
its activities' spans join the caller's trace. Log lines written while a span is
active carry its trace_id and span_id, so logs and traces can be joined.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from infrastructure.settings import Settings

TRACER_NAME = "arsplan"


def build_tracer_provider(settings: Settings,
                          exporter: SpanExporter | None = None) -> TracerProvider:
    """A provider exporting to ``exporter`` (tests), the OTLP endpoint, or stderr."""
    provider = TracerProvider(resource=Resource.create(
        {"service.name": settings.otel_service_name}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif settings.otel_endpoint:
        provider.add_span_processor(BatchSpanProcessor(
            OTLPSpanExporter(endpoint=settings.otel_endpoint)))
    else:
        # stderr: stdout belongs to the CLI's own output.
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))
    return provider


_configured: TracerProvider | None = None


def configure_tracing(settings: Settings) -> TracerProvider | None:
    """Sets the global provider at process start (once; OpenTelemetry refuses a second)."""
    global _configured
    if not settings.otel_enabled:
        return None
    if _configured is None:
        _configured = build_tracer_provider(settings)
        trace.set_tracer_provider(_configured)
    return _configured


def tracing_interceptors(settings: Settings,
                         provider: TracerProvider | None = None) -> list[Interceptor]:
    """Interceptors for ``Client.connect(..., interceptors=...)``; workers inherit them."""
    if not settings.otel_enabled:
        return []
    source = provider or trace.get_tracer_provider()
    return [TracingInterceptor(source.get_tracer(TRACER_NAME))]


def instrument_api(api: FastAPI, settings: Settings,
                   provider: TracerProvider | None = None) -> None:
    """One server span per request; call before the app serves its first request."""
    if settings.otel_enabled:
        FastAPIInstrumentor.instrument_app(
            api, tracer_provider=provider or trace.get_tracer_provider())


def add_trace_context(_logger: Any, _method: str,
                      event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the active span's ids, in the W3C hex form backends show."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict
