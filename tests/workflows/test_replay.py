"""Recorded histories replay against the current workflow code: non-determinism fails CI.

Histories without ``by_avdelning`` in their name were recorded before the cycle fanned
out by avdelning and are kept unchanged: they prove cycles begun then still replay
(``workflow.patched``); so do those named ``sequential_starts``, recorded before children
were started in one workflow task, and those named ``own_timers``, recorded before an
avdelning's reports shared its clock (workflows/shared_clock.py), and
``whole_plan``, recorded before the cycle loaded only its outline. Record the current path with
``ARSPLAN_RECORD_HISTORIES=1 pytest tests/workflows/test_delarsbokslut_cycle.py``; the
``delegation_2022`` histories (MeetingWorkflow, OverklagandeWorkflow) with
``ARSPLAN_RECORD_HISTORIES=1 pytest tests/workflows/test_delegation_year.py``.
Every workflow type the worker runs has at least one recorded history.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from bootstrap import WORKFLOWS

HISTORY_DIR = Path(__file__).parent / "histories"
HISTORIES = sorted(HISTORY_DIR.glob("*.json"))


def test_histories_are_checked_in() -> None:
    assert {p.stem for p in HISTORIES} >= {
        "delarsbokslut_2022_cycle", "delarsbokslut_2022_unit_report_late_enhet",
        "delarsbokslut_2022_unit_report_atersand", "delarsbokslut_2022_unit_report_forvaltning",
        "delarsbokslut_2022_by_avdelning_cycle",
        "delarsbokslut_2022_by_avdelning_avdelning_aldreboende",
        "delarsbokslut_2022_by_avdelning_unit_report_late_enhet",
        "delarsbokslut_2022_by_avdelning_unit_report_forvaltning",
        "delarsbokslut_2022_by_avdelning_sequential_starts_cycle",
        "delarsbokslut_2022_by_avdelning_sequential_starts_avdelning_aldreboende",
        "delarsbokslut_2022_by_avdelning_own_timers_avdelning_aldreboende",
        "delarsbokslut_2022_by_avdelning_own_timers_unit_report_late_enhet",
        "delarsbokslut_2022_by_avdelning_whole_plan_cycle",
        "delegation_2022_meeting_november", "delegation_2022_overklagande_laga_kraft",
        "delegation_2022_overklagande_overklagat"}


def test_every_workflow_type_has_a_recorded_history() -> None:
    recorded = {WorkflowHistory.from_json(p.stem, p.read_text()).events[0]
                .workflow_execution_started_event_attributes.workflow_type.name
                for p in HISTORIES}
    # Each is registered under its class name (@workflow.defn without a name).
    assert recorded >= {w.__name__ for w in WORKFLOWS}


def started_workflow_types(name: str) -> tuple[bool, set[str]]:
    """Whether the history carries the fan-out patch marker, and the types it started."""
    history = WorkflowHistory.from_json(name, (HISTORY_DIR / f"{name}.json").read_text())
    marked = any(e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED for e in history.events)
    types = {e.start_child_workflow_execution_initiated_event_attributes.workflow_type.name
             for e in history.events
             if e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED}
    return marked, types


def test_both_cycle_paths_are_covered_by_a_recorded_history() -> None:
    assert started_workflow_types("delarsbokslut_2022_cycle") == (False, {"UnitReportWorkflow"})
    assert started_workflow_types("delarsbokslut_2022_by_avdelning_cycle") == (
        True, {"AvdelningWorkflow", "UnitReportWorkflow"})


def children_started_per_workflow_task(name: str) -> list[int]:
    """How many child starts each workflow task that started any issued, in order."""
    history = WorkflowHistory.from_json(name, (HISTORY_DIR / f"{name}.json").read_text())
    counts, current = [], 0
    for e in history.events:
        if e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            current += 1
        elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and current:
            counts.append(current)
            current = 0
    return counts + ([current] if current else [])


@pytest.mark.parametrize("workflow", ["cycle", "avdelning_aldreboende"])
def test_children_start_in_one_workflow_task_since_the_patch(workflow: str) -> None:
    # Starts one after another cost a server round trip each (11 minutes for 10,000).
    current = children_started_per_workflow_task(f"delarsbokslut_2022_by_avdelning_{workflow}")
    assert current[0] > 1
    before = children_started_per_workflow_task(
        f"delarsbokslut_2022_by_avdelning_sequential_starts_{workflow}")
    assert before[0] == 1 and len(before) > len(current)


@pytest.fixture
def history(request: pytest.FixtureRequest) -> WorkflowHistory:
    path: Path = request.param
    return WorkflowHistory.from_json(path.stem, path.read_text())


@pytest.mark.parametrize("history", HISTORIES, ids=lambda p: p.stem, indirect=True)
async def test_recorded_history_replays_deterministically(history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
