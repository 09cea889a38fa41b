"""Activities for the tracing tests: one writes a structlog line, as real activities do."""

from __future__ import annotations

from temporalio import activity

from infrastructure.logging import get_logger


@activity.defn
async def stamp_report(unit_id: str) -> str:
    # The log line under test: structlog inside an activity, bound with the workflow id.
    get_logger(workflow_id=activity.info().workflow_id, unit_id=unit_id).info("report_stamped")
    return f"stamped:{unit_id}"


@activity.defn
async def notify_chef(stamp: str) -> str:
    return f"notified:{stamp}"
