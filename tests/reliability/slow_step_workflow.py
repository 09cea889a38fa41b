"""A workflow running one slow activity the way ours run theirs (``ActivityRunner``: the
same heartbeat timeout and retry policy), with a start-to-close timeout far longer than
any test waits. Its own module: the workflow sandbox imports it by name."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.activity_options import ActivityRunner

SLOW_STEP = "slow_step"
START_TO_CLOSE = timedelta(minutes=30)


@workflow.defn
class SlowStepWorkflow:
    @workflow.run
    async def run(self, marker_dir: str) -> str:
        result: str = await ActivityRunner(START_TO_CLOSE).run(SLOW_STEP, marker_dir, str)
        return result
