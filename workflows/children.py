"""Starting child workflows that outlive their parent's run (replay-safe)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ChildWorkflowHandle, ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows.ids import unit_report_workflow_id
    from workflows.payloads import UnitRef, UnitReportInput
    from workflows.unit_report import UnitReportWorkflow

# Histories begun before concurrent starts (histories/*_sequential_starts_*.json) start their
# children one after another on replay.
CONCURRENT_STARTS = "concurrent-child-starts"
T = TypeVar("T")


async def start_detached(run: Any, arg: Any, workflow_id: str
                         ) -> ChildWorkflowHandle[Any, Any] | None:
    """Starts a child that outlives a continue-as-new (its parent closes it itself).

    None when it was started before (by an earlier run, by hand or by the follower): one
    workflow per domain id, and a closed one is never run twice.
    """
    try:
        return await workflow.start_child_workflow(
            run, arg, id=workflow_id, parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        return None


async def start_all(starts: list[Awaitable[T]]) -> list[T]:
    """Issues every start in one workflow task instead of one task per start.

    Sequential starts cost a server round trip each: 10,000 enheter took 11 minutes to
    start, spreading their timers so the time-skipping server could not skip.
    """
    return list(await asyncio.gather(*starts))


async def start_unit_report(unit: UnitRef, shared_clock: bool = False
                            ) -> ChildWorkflowHandle[Any, Any] | None:
    """``shared_clock``: the parent ticks the report's instants (workflows/shared_clock.py)."""
    return await start_detached(
        UnitReportWorkflow.run,
        UnitReportInput(report_id=unit.report_id, shared_clock=shared_clock),
        unit_report_workflow_id(unit.report_id))
