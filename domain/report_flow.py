"""How a report moves: its statuses, the task open in each, and when the level above may go on.

ej påbörjad → pågår → klarmarkerad → godkänd; återsänd and öppnad igen lead back to
pågår. Klarmarkera is the unit chef's task while the report is open; attestera is the
parent chef's once it is klarmarkerad (the förvaltning's report has no attester: it goes
to kommunledningskontoret). Workflows are handed these answers by the follower and the
activities; they keep no table of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from domain.roles import CHEF_ROLE_BY_KIND

EJ_PABORJAD = "ej_paborjad"
PAGAR = "pagar"
KLARMARKERAD = "klarmarkerad"
GODKAND = "godkand"
STATUS_LABELS = {EJ_PABORJAD: "Ej påbörjad", PAGAR: "Pågår", KLARMARKERAD: "Klarmarkerad",
                 GODKAND: "Godkänd"}
OPEN_STATUSES = (EJ_PABORJAD, PAGAR)
EDITABLE_STATUSES = OPEN_STATUSES
ATTESTER_ROLE_BY_KIND = {"enhet": "avdelningschef", "avdelning": "forvaltningschef"}

Task = Literal["klarmarkera", "attestera"]
KLARMARKERA: Task = "klarmarkera"
ATTESTERA: Task = "attestera"
TASKS: tuple[Task, ...] = (KLARMARKERA, ATTESTERA)


def owner_role(unit_kind: str) -> str:
    return CHEF_ROLE_BY_KIND[unit_kind]


def attester_role(unit_kind: str) -> str | None:
    """The parent chef attests enhet and avdelning reports; the förvaltning's goes to KLK."""
    return ATTESTER_ROLE_BY_KIND.get(unit_kind)


def open_task(unit_kind: str, status: str) -> Task | None:
    """The task waiting on the report: klarmarkera, attestera, or none (done for now)."""
    if status in OPEN_STATUSES:
        return KLARMARKERA
    if status == KLARMARKERAD and attester_role(unit_kind) is not None:
        return ATTESTERA
    return None


def is_done(unit_kind: str, status: str | None) -> bool:
    """Done for the level above: godkänd, or klarmarkerad for the förvaltning (no attester)."""
    return status == GODKAND or (attester_role(unit_kind) is None and status == KLARMARKERAD)


def attest_due(attest_deadline: datetime | None, level_deadlines: Mapping[str, datetime],
               parent_kind: str) -> datetime | None:
    """When the attester must act: the attest deadline once attestation is requested; before
    that, when the attester's own report is due (the parent cannot klarmarkera before
    every report below is godkänd)."""
    return attest_deadline or level_deadlines.get(parent_kind)
