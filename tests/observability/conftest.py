"""Spans kept in memory, and log entries as the configured structlog chain builds them."""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
import structlog
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from infrastructure.logging import configure_logging


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def logs() -> Iterator[list[MutableMapping[str, Any]]]:
    """The configured processors minus the final JSON rendering, so entries stay dicts."""
    configure_logging("INFO")
    wrapper = structlog.get_config()["wrapper_class"]
    # Another test may have configured a higher level first; these tests read info lines.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    chain = [p for p in structlog.get_config()["processors"]
             if not isinstance(p, structlog.processors.JSONRenderer)]
    try:
        with structlog.testing.capture_logs(processors=chain) as entries:
            yield entries
    finally:
        structlog.configure(wrapper_class=wrapper)
