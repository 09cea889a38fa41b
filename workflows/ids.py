"""Workflow ids derived from domain ids: starting the same thing twice finds the running one."""

from __future__ import annotations

from uuid import UUID


def unit_report_workflow_id(report_id: UUID | str) -> str:
    return f"unit-report-{report_id}"


def cycle_workflow_id(cycle_id: UUID | str) -> str:
    return f"cycle-{cycle_id}"


def arsplan_workflow_id(namnd_code: str, label: str) -> str:
    return f"arsplan-{namnd_code.upper()}-{label.replace('/', '-')}"


def avdelning_workflow_id(cycle_id: UUID | str, avdelning_id: str) -> str:
    return f"avdelning-{cycle_id}-{avdelning_id}"


def meeting_workflow_id(meeting_id: UUID | str) -> str:
    return f"meeting-{meeting_id}"


def overklagande_workflow_id(beslut_id: UUID | str) -> str:
    return f"overklagande-{beslut_id}"
