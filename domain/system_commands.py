"""System commands: the facts workflows establish, run through the same bus as people's commands.

Each carries the workflow's idempotency key as ``command_id`` (workflow id + what + which
deadline …) and the instant it happened as ``occurred_at``: an activity retried after its
fact was recorded records nothing new. Only the system issues them
(``CommandBus.execute_system``); a person's request for one is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from domain.command_identity import key_of
from domain.commands import Command, Instant

Key = Annotated[str, StringConstraints(min_length=1, max_length=300)]
TaskName = Literal["klarmarkera", "attestera"]


class SystemCommand(Command):
    command_id: Key
    occurred_at: Instant


# A unit's report (UnitReportWorkflow)

class RecordReminderSent(SystemCommand):
    """A reminder about the task is due; the handler finds who holds the task that day."""

    report_id: UUID
    task: TaskName
    deadline: Instant
    overdue: bool = False


class RecordRemindersSkipped(SystemCommand):
    """Reminders whose moment had passed when the task's deadline moved were not sent."""

    report_id: UUID
    task: TaskName
    deadline: Instant
    skipped: Annotated[list[Instant], Field(min_length=1, max_length=100)]


class RecordDeadlinePassed(SystemCommand):
    """The task's deadline passed: recorded with the escalation to the chef above."""

    report_id: UUID
    task: TaskName
    deadline: Instant


class RequestAttestation(SystemCommand):
    """The report was klarmarkerad: the parent chef's Attestera task opens, with its deadline."""

    report_id: UUID


# A cycle (CycleWorkflow) and the årsplan (ArsplanWorkflow)

class RecordUnderlagSent(SystemCommand):
    cycle_id: UUID
    destination: str
    reference: str
    document_sha256: str


class RecordBeslutExported(SystemCommand):
    cycle_id: UUID
    destination: str
    reference: str


class OpenPlannedCycle(SystemCommand):
    """Opens a cycle of the stored årsplan on the dates its (possibly moved) milestones give."""

    namnd_code: str
    label: str
    process: str
    year: int


# A sammanträde (MeetingWorkflow) and a beslut's överklagandetid (OverklagandeWorkflow)

class CompileAnmalningslista(SystemCommand):
    meeting_id: UUID


class RemindJustering(SystemCommand):
    meeting_id: UUID


class AnslaProtokoll(SystemCommand):
    """Posts the justerat protokoll; its överklagbara delegationsbeslut are anslagna with it."""

    meeting_id: UUID
    anslag_date: date


class ExpedieraProtokoll(SystemCommand):
    meeting_id: UUID


class RecordLagaKraft(SystemCommand):
    """The överklagandetid ran out: the beslut has vunnit laga kraft unless it was överklagat."""

    beslut_id: UUID


PROTOKOLL_ANSLAG_PREFIX = "anslag:"


def open_planned_cycle_key(namnd_code: str, process: str, year: int) -> str:
    return f"open-cycle:{namnd_code}:{process}:{year}"


def protokoll_anslag_key(meeting_id: UUID) -> str:
    """The key of a protokoll's anslag; the beslut anslagna with it carry it too, so their
    överklagande timers belong to the meeting's workflow."""
    return f"{PROTOKOLL_ANSLAG_PREFIX}{meeting_id}"


def is_protokoll_anslag(recorded_command_id: str | None) -> bool:
    key = key_of(recorded_command_id)
    return key is not None and key.startswith(PROTOKOLL_ANSLAG_PREFIX)


def meeting_step_key(what: str, meeting_id: UUID, at: str | None = None) -> str:
    """Keys of the meeting's steps: one anmälningslista, expediering; a reminder per instant."""
    return f"{what}:{meeting_id}" + (f":{at}" if at else "")


def laga_kraft_key(beslut_id: UUID) -> str:
    return f"laga-kraft:{beslut_id}"
