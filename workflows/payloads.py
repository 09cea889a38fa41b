"""Pydantic payloads between follower, workflows and activities.

Instants here are workflow time (see infrastructure.timeline): activities and the
follower convert at the bridge, so workflows only compare absolute instants.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

ReportEventKind = Literal["klarmarkerad", "godkand", "atersand", "reopened"]
Task = Literal["klarmarkera", "attestera"]
DeadlineKind = Literal["klarmarkering", "attest"]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReportEvent(Payload):
    """A person's decision on a report, forwarded by the follower (deduped by version).

    ``status``, ``open_task`` and ``done`` are the domain's answers after the event
    (domain/report_flow.py); None in signals recorded before the follower passed them.
    """

    event_id: str
    version: int
    kind: ReportEventKind
    new_deadline: AwareDatetime | None = None
    status: str | None = None
    open_task: Task | None = None
    done: bool | None = None


class DeadlineChange(Payload):
    event_id: str
    version: int
    deadline_kind: DeadlineKind
    new_deadline: AwareDatetime


class ReportSnapshot(Payload):
    report_id: str
    unit_id: str
    unit_kind: str
    status: str
    version: int
    deadline: AwareDatetime
    attest_deadline: AwareDatetime | None
    has_attester: bool
    # The domain's answers (report_flow); None in results recorded before they were passed.
    open_task: Task | None = None
    done: bool | None = None


class UnitReportInput(Payload):
    """``shared_clock``: started by an AvdelningWorkflow that keeps the level's timers
    (workflows/shared_clock.py); False for reports started before that and for reports
    the cycle starts itself, which keep a timer per instant of their own."""

    report_id: str
    shared_clock: bool = False


class ClockRequest(Payload):
    """Report → its avdelning: tick me at each of these instants (one plan's moments)."""

    workflow_id: str
    instants: list[AwareDatetime]


class ClockTick(Payload):
    """Avdelning → report: every instant up to ``at`` it asked for has come."""

    at: AwareDatetime


class ReminderPlanRequest(Payload):
    deadline: AwareDatetime


class ReminderPlan(Payload):
    before: list[AwareDatetime]
    overdue: list[AwareDatetime]


class ReportFact(Payload):
    """A fact a unit report workflow records; ``key`` makes a retried activity harmless."""

    report_id: str
    key: str
    task: Task
    deadline: AwareDatetime
    occurred_at: AwareDatetime
    overdue: bool = False


class RemindersSkipped(Payload):
    """Reminders a moved deadline's plan did not send: their moments had passed."""

    report_id: str
    key: str
    task: Task
    deadline: AwareDatetime
    skipped: list[AwareDatetime]
    occurred_at: AwareDatetime


class UnitReportStatus(Payload):
    report_id: str
    unit_id: str
    phase: str
    status: str
    version: int
    deadline: AwareDatetime | None
    attest_deadline: AwareDatetime | None
    seen_event_ids: list[str]
    ignored_duplicates: int
    busy: bool


class ReportProgress(Payload):
    """Child → cycle: the report's status changed; ``done`` for the level above (None in
    signals recorded before the domain's answer was passed along)."""

    unit_id: str
    status: str
    done: bool | None = None


class UnitRef(Payload):
    unit_id: str
    kind: str
    parent_unit_id: str | None
    report_id: str
    status: str
    done: bool | None = None  # None in plans recorded before the domain's answer was passed


class AvdelningShareRef(Payload):
    """An avdelning whose enheter its own workflow loads (``AvdelningShare``), with the
    avdelning's own report if the cycle covers it."""

    avdelning_id: str
    avdelning: UnitRef | None


class CyclePlan(Payload):
    """A cycle's plan. ``shares`` None: every unit is in ``units`` (``load_cycle``). An
    outline (``load_cycle_outline``) lists the avdelningar whose enheter their own
    workflows load in ``shares`` and leaves those enheter out of ``units``, so its size
    follows the number of avdelningar, not of enheter."""

    cycle_id: str
    namnd_code: str
    title: str
    status: str
    underlag_at: AwareDatetime
    beslut_date: date
    units: list[UnitRef]
    shares: list[AvdelningShareRef] | None = None


class AvdelningShareRequest(Payload):
    cycle_id: str
    avdelning_id: str


class AvdelningShare(Payload):
    """An avdelning's enheter in a cycle (``load_avdelning_share``)."""

    enheter: list[UnitRef]


class BeslutNotice(Payload):
    event_id: str
    version: int
    beslut: str
    meeting_id: str | None = None
    paragraph: str | None = None


class CycleState(BaseModel):
    """Everything a cycle run carries over a continue-as-new.

    ``by_avdelning`` is None for runs begun before the avdelning fan-out (they
    start every report themselves); ``avdelningar`` are the avdelning workflows
    started and ``relayed`` the last relay sequence seen from each.
    """

    plan: CyclePlan
    unit_status: dict[str, str]
    started: list[str] = []
    underlag_sent: bool = False
    children_closed: bool = False
    beslut: BeslutNotice | None = None
    exported: bool = False
    by_avdelning: bool | None = None
    avdelningar: list[str] = []
    relayed: dict[str, int] = {}
    unit_done: dict[str, bool] = {}
    # Per avdelning of an outline's shares: whether all its reports are done (relayed).
    shares_complete: dict[str, bool] = {}


class AvdelningState(BaseModel):
    """What an avdelning run carries over a continue-as-new."""

    unit_status: dict[str, str]
    started: list[str] = []
    relayed_status: dict[str, str] = {}
    relayed_started: int = 0
    sequence: int = 0
    closing: bool = False
    unit_done: dict[str, bool] = {}
    # Instant → report workflows waiting for it (shared clock; empty in older runs).
    wakes: dict[AwareDatetime, list[str]] = {}
    # Whether every report is done, as last relayed (a share loaded by the avdelning).
    relayed_complete: bool | None = None


class AvdelningInput(Payload):
    """One avdelning's share of a cycle: its enheter and its own report (if in scope)."""

    cycle_id: str
    avdelning_id: str
    avdelning: UnitRef | None
    enheter: list[UnitRef]
    state: AvdelningState | None = None
    # The workflow loads its enheter itself (``load_avdelning_share``); ``enheter`` is
    # then empty until it has, and relays whether all its reports are done.
    load_share: bool = False
    share_loaded: bool = False


class AvdelningProgress(Payload):
    """Avdelning → cycle: statuses changed and reports started since the last relay.

    ``sequence`` grows by one per relay, so the cycle ignores a relay it has seen.
    """

    avdelning_id: str
    sequence: int
    unit_status: dict[str, str]
    started: list[str]
    unit_done: dict[str, bool] = {}
    complete: bool | None = None  # every report done (a loaded share); None otherwise


class AvdelningStatus(Payload):
    avdelning_id: str
    phase: str
    unit_status: dict[str, str]
    started: list[str]
    busy: bool


class CycleInput(Payload):
    cycle_id: str
    state: CycleState | None = None


class CycleFact(Payload):
    cycle_id: str
    key: str
    occurred_at: AwareDatetime


class CycleStatus(Payload):
    cycle_id: str
    phase: str
    unit_status: dict[str, str]
    started: list[str]
    underlag_sent: bool
    beslut_event_id: str | None
    exported: bool
    busy: bool
    # Avdelning workflows started (fan-out by avdelning): a driver waiting for quiet
    # (infrastructure.simulation.settle) can query them too.
    avdelningar: list[str] = []


class ArsplanInput(Payload):
    namnd_code: str
    label: str
    started: list[str] = []


class CycleOpening(Payload):
    cycle_id: str
    process: str
    year: int
    title: str
    opens_at: AwareDatetime
    # End of the nämnd's beslut day; None in results recorded before it was added.
    closes_at: AwareDatetime | None = None

    def closed_before(self, instant: datetime) -> bool:
        return self.closes_at is not None and self.closes_at < instant


class OpenCycleRequest(Payload):
    namnd_code: str
    label: str
    process: str
    year: int
    occurred_at: AwareDatetime


class ArsplanStatus(Payload):
    namnd_code: str
    label: str
    started: list[str]
    waiting_for: str | None
    opens_at: datetime | None


class PlanChange(Payload):
    """The follower's word that the stored årsplan changed (e.g. a milestone moved).

    ``event_id`` is the domain event's id: a redelivered event changes nothing.
    """

    event_id: str
