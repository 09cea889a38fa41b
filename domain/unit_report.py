"""UnitReport: one enhet's (or avdelning's, or förvaltning's) report in one cycle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError, RuleViolationError
from domain.ids import unit_report_id
from domain.report_content import ReportContent
from domain.report_facts import WorkflowFacts
from domain.report_flow import (
    EJ_PABORJAD,
    GODKAND,
    KLARMARKERAD,
    PAGAR,
    STATUS_LABELS,
    Task,
    attester_role,
    is_done,
    open_task,
    owner_role,
)
from domain.report_guards import check_attester, check_new_report, check_owner, require_reason
from domain.report_items import Item


class UnitReport(ReportContent, WorkflowFacts, AuditedAggregate):
    """The report a unit's chef fills in, klarmarkerar, and the parent chef attesterar.

    Lifecycle: ej påbörjad → pågår → klarmarkerad → godkänd; återsänd (with a
    reason) returns it to pågår. Changing a klarmarkerad report needs a reopening
    with a reason first. Workflows add reminders, passed deadlines and escalations.
    """

    class Opened(AuditedAggregate.Created):
        cycle_id: UUID
        namnd_code: str
        unit_id: str
        unit_kind: str
        parent_unit_id: str | None
        deadline: datetime
        items: list[dict[str, Any]]

    class ItemChanged(AuditedAggregate.Event):
        item_id: str
        field: str
        old: Any
        new: Any

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.items[self.item_id].values[self.field] = self.new
            if aggregate.status == EJ_PABORJAD:
                aggregate.status = PAGAR

    class StatusEvent(AuditedAggregate.Event):
        """An event that moves the report to the status ``leads_to`` (see report_flow)."""

        leads_to: ClassVar[str]

    class Klarmarkerad(StatusEvent):
        leads_to = KLARMARKERAD

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = self.leads_to
            aggregate.klarmarkerad_at = self.occurred_at

    class Godkand(StatusEvent):
        leads_to = GODKAND

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = self.leads_to
            aggregate.godkand_at = self.occurred_at

    class Atersand(StatusEvent):
        leads_to = PAGAR
        reason: str
        new_deadline: datetime | None

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = self.leads_to
            aggregate.klarmarkerad_at = None
            aggregate.godkand_at = None
            if self.new_deadline is not None:
                aggregate.deadline = self.new_deadline

    class Reopened(StatusEvent):
        leads_to = PAGAR
        reason: str

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = self.leads_to
            aggregate.klarmarkerad_at = None

    class DeadlineMoved(AuditedAggregate.Event):
        deadline_kind: str  # "klarmarkering" or "attest"
        old: datetime | None
        new: datetime
        reason: str

        def apply(self, aggregate: UnitReport) -> None:
            if self.deadline_kind == "attest":
                aggregate.attest_deadline = self.new
            else:
                aggregate.deadline = self.new

    class AttestationRequested(AuditedAggregate.Event):
        attester_unit_id: str
        deadline: datetime

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.attest_deadline = self.deadline

    class ReminderSent(AuditedAggregate.Event):
        recipient_person_id: str
        task: str  # "klarmarkera" or "attestera"
        deadline: datetime
        overdue: bool

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.reminders_sent += 1

    class DeadlinePassed(AuditedAggregate.Event):
        task: str
        deadline: datetime

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.deadlines_passed.append(self.task)

    class Escalated(AuditedAggregate.Event):
        task: str
        to_person_id: str | None
        to_role: str
        to_unit_id: str

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.escalations += 1

    class RemindersSkipped(AuditedAggregate.Event):
        """Reminders not sent: their moment had passed when a moved deadline was planned."""

        task: str
        deadline: datetime
        skipped: list[datetime]
        reason: str

    class IndicatorRecorded(AuditedAggregate.Event):
        item_id: str
        indicator: dict[str, Any]

        def apply(self, aggregate: UnitReport) -> None:
            recorded = aggregate.indicators.setdefault(self.item_id, {})
            recorded[self.indicator["indicator_id"]] = self.indicator
            if aggregate.status == EJ_PABORJAD:
                aggregate.status = PAGAR

    class BedomningSet(AuditedAggregate.Event):
        """The chef's bedömning next to the suggestion the indicators gave."""

        item_id: str
        suggestion: str
        bedomning: str
        overridden: bool
        motivering: str | None

        def apply(self, aggregate: UnitReport) -> None:
            values = aggregate.items[self.item_id].values
            values["bedomning"] = self.bedomning
            values["motivering"] = self.motivering
            aggregate.assessments[self.item_id] = {
                "suggestion": self.suggestion, "bedomning": self.bedomning,
                "overridden": self.overridden, "motivering": self.motivering}
            if aggregate.status == EJ_PABORJAD:
                aggregate.status = PAGAR

    class EkonomiRecorded(AuditedAggregate.Event):
        """A Drift or Investeringar table, with what the arithmetic check found in it."""

        table: dict[str, Any]
        flags: list[dict[str, Any]]

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.ekonomi[self.table["kind"]] = self.table
            aggregate.ekonomi_flags[self.table["kind"]] = self.flags
            if aggregate.status == EJ_PABORJAD:
                aggregate.status = PAGAR

    def __init__(self, cycle_id: UUID, namnd_code: str, unit_id: str, unit_kind: str,
                 parent_unit_id: str | None, deadline: datetime,
                 items: list[dict[str, Any]]) -> None:
        self.cycle_id = cycle_id
        self.namnd_code = namnd_code
        self.unit_id = unit_id
        self.unit_kind = unit_kind
        self.parent_unit_id = parent_unit_id
        self.deadline = deadline
        self.attest_deadline: datetime | None = None
        self.items = {i["item_id"]: Item(i["item_id"], i["kind"], i["title"],
                                         dict(i.get("values", {})), dict(i.get("ref", {})))
                      for i in items}
        self.status = EJ_PABORJAD
        self.klarmarkerad_at: datetime | None = None
        self.godkand_at: datetime | None = None
        self.reminders_sent = 0
        self.deadlines_passed: list[str] = []
        self.escalations = 0
        self.indicators: dict[str, dict[str, dict[str, Any]]] = {}  # item → indicator id → data
        self.assessments: dict[str, dict[str, Any]] = {}  # item → suggestion and bedömning
        self.ekonomi: dict[str, dict[str, Any]] = {}  # "drift"/"investeringar" → table
        self.ekonomi_flags: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    def open(cls, cycle_id: UUID, namnd_code: str, unit_id: str, unit_kind: str,
             parent_unit_id: str | None, deadline: datetime, items: list[dict[str, Any]],
             cause: Cause) -> Self:
        check_new_report(unit_kind, items)
        return cls._create_audited(
            cls.Opened, id=unit_report_id(cycle_id, unit_id), cause=cause, cycle_id=cycle_id,
            namnd_code=namnd_code, unit_id=unit_id, unit_kind=unit_kind,
            parent_unit_id=parent_unit_id, deadline=deadline, items=items,
        )

    @property
    def owner_role(self) -> str:
        return owner_role(self.unit_kind)

    @property
    def attester_role(self) -> str | None:
        return attester_role(self.unit_kind)

    @property
    def open_task(self) -> Task | None:
        return open_task(self.unit_kind, self.status)

    @property
    def done(self) -> bool:
        """Done for the level above (report_flow.is_done)."""
        return is_done(self.unit_kind, self.status)

    def klarmarkera(self, cause: Cause, child_statuses: Mapping[str, str],
                    unit_names: Mapping[str, str] | None = None) -> None:
        """``child_statuses``: the status of every sub-unit's report in this cycle;
        ``unit_names`` lets refusals name the units as users know them."""
        check_owner(self, cause.actor, unit_names)
        if self.status in (KLARMARKERAD, GODKAND):
            raise RuleViolationError("Rapporten är redan klarmarkerad", rule="already_klarmarkerad")
        names = unit_names or {}
        not_done = sorted(names.get(u, u) for u, s in child_statuses.items() if s != GODKAND)
        if not_done:
            raise RuleViolationError(
                "Kan inte klarmarkera innan alla underliggande enheter är godkända: "
                + ", ".join(not_done),
                rule="children_must_be_godkanda",
            )
        self._record(self.Klarmarkerad, cause)

    def attestera(self, cause: Cause, unit_names: Mapping[str, str] | None = None) -> None:
        check_attester(self, cause.actor, unit_names)
        if self.status != KLARMARKERAD:
            raise RuleViolationError(
                f"Rapporten kan inte godkännas: den är {STATUS_LABELS[self.status].lower()}, "
                "inte klarmarkerad",
                rule="attest_requires_klarmarkering",
            )
        self._record(self.Godkand, cause)

    def atersand(self, reason: str, new_deadline: datetime | None, cause: Cause,
                 unit_names: Mapping[str, str] | None = None) -> None:
        check_attester(self, cause.actor, unit_names)
        if self.status not in (KLARMARKERAD, GODKAND):
            raise RuleViolationError("Endast klarmarkerade rapporter kan återsändas",
                                     rule="atersand_requires_klarmarkering")
        require_reason(reason)
        self._record(self.Atersand, cause, reason=reason.strip(), new_deadline=new_deadline)

    def reopen(self, reason: str, cause: Cause) -> None:
        check_owner(self, cause.actor)
        if self.status != KLARMARKERAD:
            raise RuleViolationError(
                "Endast en klarmarkerad (ej godkänd) rapport kan öppnas igen av enheten",
                rule="reopen_requires_klarmarkering",
            )
        require_reason(reason)
        self._record(self.Reopened, cause, reason=reason.strip())

    def move_deadline(self, deadline_kind: str, new: datetime, reason: str,
                      cause: Cause) -> None:
        if deadline_kind not in ("klarmarkering", "attest"):
            raise InvalidInputError(f"Okänd tidsgräns {deadline_kind!r}",
                                    rule="unknown_deadline_kind")
        require_reason(reason)
        old = self.attest_deadline if deadline_kind == "attest" else self.deadline
        self._record(self.DeadlineMoved, cause, deadline_kind=deadline_kind, old=old, new=new,
                     reason=reason.strip())
