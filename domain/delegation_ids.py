"""Deterministic ids for delegation and meeting aggregates (see domain/ids.py)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from domain.ids import NAMESPACE


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
