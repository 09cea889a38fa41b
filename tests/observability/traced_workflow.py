"""A two-activity workflow for tracing tests (the sandbox needs an importable module)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tests.observability.traced_activities import notify_chef, stamp_report


@workflow.defn
class TracedReportWorkflow:
    """Calls two activities in turn, with a day's durable timer between them."""

    @workflow.run
    async def run(self, unit_id: str) -> str:
        stamp = await workflow.execute_activity(
            stamp_report, unit_id, start_to_close_timeout=timedelta(seconds=30))
        await workflow.sleep(timedelta(days=1))
        return await workflow.execute_activity(
            notify_chef, stamp, start_to_close_timeout=timedelta(seconds=30))
