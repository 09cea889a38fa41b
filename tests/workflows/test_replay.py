"""Recorded histories replay against the current workflow code: non-determinism fails CI.

Re-record after an intended, versioned change with
``ARSPLAN_RECORD_HISTORIES=1 pytest tests/workflows/test_delarsbokslut_cycle.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from worker import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_checked_in() -> None:
    assert {p.stem for p in HISTORIES} >= {
        "delarsbokslut_2022_cycle", "delarsbokslut_2022_unit_report_late_enhet",
        "delarsbokslut_2022_unit_report_atersand", "delarsbokslut_2022_unit_report_forvaltning"}


@pytest.fixture
def history(request: pytest.FixtureRequest) -> WorkflowHistory:
    path: Path = request.param
    return WorkflowHistory.from_json(path.stem, path.read_text())


@pytest.mark.parametrize("history", HISTORIES, ids=lambda p: p.stem, indirect=True)
async def test_recorded_history_replays_deterministically(history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
