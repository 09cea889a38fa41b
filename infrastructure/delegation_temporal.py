"""Starting the meeting and överklagande workflows from entry points (API, CLI, import).

Workflow ids derive from domain ids and a second start finds the running workflow, so
calling these again after a crash is harmless.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from domain.application import Arsplaner
from domain.errors import RuleViolationError
from infrastructure.timeline import REAL_TIME, Timeline
from workflows.delegation_payloads import (
    MeetingInput,
    OverklagandeInput,
    meeting_workflow_id,
    overklagande_workflow_id,
)
from workflows.meeting import MeetingWorkflow
from workflows.overklagande import OverklagandeWorkflow


async def start_meeting_workflow(client: Client, meeting_id: UUID,
                                 task_queue: str) -> WorkflowHandle[Any, Any]:
    """Call after ``Arsplaner.schedule_meeting``: drives the sammanträde to expediering."""
    return await client.start_workflow(
        MeetingWorkflow.run, MeetingInput(meeting_id=str(meeting_id)),
        id=meeting_workflow_id(str(meeting_id)), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)


async def start_overklagande_timer(client: Client, app: Arsplaner, beslut_id: UUID,
                                   task_queue: str,
                                   timeline: Timeline = REAL_TIME) -> WorkflowHandle[Any, Any]:
    """Call after ``Arsplaner.anslaa_delegationsbeslut`` (a beslut anslaget on its own)."""
    beslut = app.delegationsbeslut(beslut_id)
    if beslut.laga_kraft_at is None:
        raise RuleViolationError("Beslutet är inte anslaget", rule="ej_anslaget")
    return await client.start_workflow(
        OverklagandeWorkflow.run,
        OverklagandeInput(beslut_id=str(beslut_id),
                          laga_kraft_at=timeline.to_workflow(beslut.laga_kraft_at)),
        id=overklagande_workflow_id(str(beslut_id)), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
