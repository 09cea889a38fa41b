"""Deterministic ids: a retried command or activity finds the same aggregate."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

NAMESPACE = UUID("6f1c1d0e-5b3a-4c1e-9a51-7a2f0e7d2a10")


def organisation_id(namnd_code: str) -> UUID:
    return uuid5(NAMESPACE, f"organisation:{namnd_code.upper()}")


def arsplan_id(namnd_code: str, year_label: str) -> UUID:
    return uuid5(NAMESPACE, f"arsplan:{namnd_code.upper()}:{year_label}")


def cycle_id(namnd_code: str, process: str, year: int) -> UUID:
    return uuid5(NAMESPACE, f"cycle:{namnd_code.upper()}:{process}:{year}")


def unit_report_id(cycle: UUID, unit_id: str) -> UUID:
    return uuid5(NAMESPACE, f"unit-report:{cycle}:{unit_id}")


def report_template_id(namnd_code: str, process: str | None = None) -> UUID:
    """The nämnd's default template, or the one of a process that has its own."""
    suffix = f":{process}" if process else ""
    return uuid5(NAMESPACE, f"report-template:{namnd_code.upper()}{suffix}")


def delegationsordning_id(namnd_code: str) -> UUID:
    return uuid5(NAMESPACE, f"delegationsordning:{namnd_code.upper()}")


def delegation_ledger_id(namnd_code: str) -> UUID:
    return uuid5(NAMESPACE, f"delegation-ledger:{namnd_code.upper()}")


def delegationsbeslut_id(namnd_code: str, command_id: str) -> UUID:
    """Keyed by the command, so a retried command finds the beslut it already made."""
    return uuid5(NAMESPACE, f"delegationsbeslut:{namnd_code.upper()}:{command_id}")


def meeting_id(namnd_code: str, on: date) -> UUID:
    return uuid5(NAMESPACE, f"meeting:{namnd_code.upper()}:{on.isoformat()}")


def paragraph_register_id(namnd_code: str, year: int) -> UUID:
    return uuid5(NAMESPACE, f"paragraph-register:{namnd_code.upper()}:{year}")


def kommun_steg_id(year: int, milestone_id: str) -> UUID:
    """One kommun step (a KSAU dialog, a KS or KF beslut) of the year it concerns."""
    return uuid5(NAMESPACE, f"kommun-steg:{year}:{milestone_id}")
