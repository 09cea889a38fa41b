"""UnitReport: one enhet's (or avdelning's, or förvaltning's) report in one cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self
from uuid import UUID

from domain.base import Actor, AuditedAggregate, Cause
from domain.content.ekonomi import check_table, table_from_dict, table_to_dict
from domain.content.goals import check_goal_kind, decide_bedomning, indicators_of
from domain.content.indicators import indicator_from_dict, indicator_to_dict
from domain.delegation_rows import role_label
from domain.errors import InvalidInputError, NotAuthorisedError, NotFoundError, RuleViolationError
from domain.ids import unit_report_id
from domain.organisation import CHEF_ROLE_BY_KIND
from domain.report_items import ASSESSMENT_FIELDS, check_field_value, check_item_kind

EJ_PABORJAD = "ej_paborjad"
PAGAR = "pagar"
KLARMARKERAD = "klarmarkerad"
GODKAND = "godkand"
STATUS_LABELS = {EJ_PABORJAD: "Ej påbörjad", PAGAR: "Pågår", KLARMARKERAD: "Klarmarkerad",
                 GODKAND: "Godkänd"}


@dataclass
class Item:
    item_id: str
    kind: str
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    ref: dict[str, Any] = field(default_factory=dict)  # e.g. KF-mål, indicator ids


class UnitReport(AuditedAggregate):
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

    class Klarmarkerad(AuditedAggregate.Event):
        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = KLARMARKERAD
            aggregate.klarmarkerad_at = self.occurred_at

    class Godkand(AuditedAggregate.Event):
        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = GODKAND
            aggregate.godkand_at = self.occurred_at

    class Atersand(AuditedAggregate.Event):
        reason: str
        new_deadline: datetime | None

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = PAGAR
            aggregate.klarmarkerad_at = None
            aggregate.godkand_at = None
            if self.new_deadline is not None:
                aggregate.deadline = self.new_deadline

    class Reopened(AuditedAggregate.Event):
        reason: str

        def apply(self, aggregate: UnitReport) -> None:
            aggregate.status = PAGAR
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
        if unit_kind not in CHEF_ROLE_BY_KIND:
            raise InvalidInputError(f"Rapporter finns inte för enhetstyp {unit_kind!r}")
        seen: set[str] = set()
        for item in items:
            check_item_kind(item["kind"])
            if item["item_id"] in seen:
                raise InvalidInputError(f"Punkten {item['item_id']!r} förekommer två gånger")
            seen.add(item["item_id"])
        return cls._create_audited(
            cls.Opened, id=unit_report_id(cycle_id, unit_id), cause=cause, cycle_id=cycle_id,
            namnd_code=namnd_code, unit_id=unit_id, unit_kind=unit_kind,
            parent_unit_id=parent_unit_id, deadline=deadline, items=items,
        )

    @property
    def owner_role(self) -> str:
        return CHEF_ROLE_BY_KIND[self.unit_kind]

    @property
    def attester_role(self) -> str | None:
        """The parent chef attests enhet and avdelning reports; the förvaltning's goes to KLK."""
        return {"enhet": "avdelningschef", "avdelning": "forvaltningschef"}.get(self.unit_kind)

    # Guards: each raises before any state changes, naming the rule.

    def _check_owner(self, actor: Actor, unit_names: Mapping[str, str] | None = None) -> None:
        if actor.role != self.owner_role or actor.unit_id != self.unit_id:
            names = unit_names or {}
            raise NotAuthorisedError(
                f"Endast {_definite(self.owner_role)} för {names.get(self.unit_id, self.unit_id)}"
                f" (eller dennes ersättare) får ändra och klarmarkera rapporten; "
                f"{_acting_as(actor, names)}",
                rule="only_unit_chef_reports",
            )

    def _check_attester(self, actor: Actor, unit_names: Mapping[str, str] | None = None) -> None:
        if (self.attester_role is not None and actor.role == self.attester_role
                and actor.unit_id == self.parent_unit_id):
            return
        names = unit_names or {}
        unit = names.get(self.unit_id, self.unit_id)
        if self.attester_role is None or self.parent_unit_id is None:
            raise NotAuthorisedError(
                f"Rapporten för {unit} attesteras inte i förvaltningen; den lämnas till "
                "kommunledningskontoret", rule="only_parent_chef_attests")
        raise NotAuthorisedError(
            f"Endast {_definite(self.attester_role)} för "
            f"{names.get(self.parent_unit_id, self.parent_unit_id)} (eller dennes ersättare) "
            f"får attestera eller återsända rapporten för {unit}; {_acting_as(actor, names)}",
            rule="only_parent_chef_attests",
        )

    def _check_editable(self) -> None:
        if self.status in (KLARMARKERAD, GODKAND):
            raise RuleViolationError(
                f"Rapporten är {STATUS_LABELS[self.status].lower()}: öppna den igen med en "
                f"motivering innan du ändrar",
                rule="reopen_before_edit",
            )

    def change_item(self, item_id: str, field_name: str, value: Any, cause: Cause) -> bool:
        """Records one changed field; returns False when the value is unchanged."""
        self._check_owner(cause.actor)
        self._check_editable()
        item = self.items.get(item_id)
        if item is None:
            raise NotFoundError(f"Punkten {item_id!r} finns inte i rapporten")
        check_field_value(item.kind, field_name, value)
        if field_name in ASSESSMENT_FIELDS.get(item.kind, ()):
            raise RuleViolationError(
                "Bedömningen sätts med förslaget från nyckeltalen och, vid avvikelse, en "
                "motivering", rule="bedomning_via_assessment")
        old = item.values.get(field_name)
        if old == value:
            return False
        self._record(self.ItemChanged, cause, item_id=item_id, field=field_name, old=old,
                     new=value)
        return True

    # Content: indicators, bedömning and ekonomi (rules in domain/content/).

    def _goal_item(self, item_id: str) -> Item:
        item = self.items.get(item_id)
        if item is None:
            raise NotFoundError(f"Punkten {item_id!r} finns inte i rapporten")
        check_goal_kind(item_id, item.kind)
        return item

    def record_indicator(self, item_id: str, data: dict[str, Any], cause: Cause) -> bool:
        """Records a nyckeltal's målvärde and utfall on a goal; False when unchanged."""
        self._check_owner(cause.actor)
        self._check_editable()
        self._goal_item(item_id)
        normalised = indicator_to_dict(indicator_from_dict(data))
        if self.indicators.get(item_id, {}).get(normalised["indicator_id"]) == normalised:
            return False
        self._record(self.IndicatorRecorded, cause, item_id=item_id, indicator=normalised)
        return True

    def set_bedomning(self, item_id: str, bedomning: str, motivering: str | None,
                      cause: Cause) -> None:
        self._check_owner(cause.actor)
        self._check_editable()
        self._goal_item(item_id)
        chosen, suggested, overridden = decide_bedomning(
            bedomning, motivering, indicators_of(self.indicators.get(item_id, {})))
        self._record(self.BedomningSet, cause, item_id=item_id, suggestion=suggested.value,
                     bedomning=chosen.value, overridden=overridden,
                     motivering=motivering.strip() if motivering else None)

    def record_ekonomi(self, data: dict[str, Any], cause: Cause) -> None:
        """Saves the table even when its sums are off: the flags show on the report."""
        self._check_owner(cause.actor)
        self._check_editable()
        table = table_from_dict(data)
        flags = [{"row": f.row, "column": f.column, "stated": str(f.stated),
                  "expected": str(f.expected), "rule": f.rule, "rounding": f.is_rounding,
                  "message": f.message()} for f in check_table(table)]
        self._record(self.EkonomiRecorded, cause, table=table_to_dict(table), flags=flags)

    @property
    def arithmetic_slips(self) -> list[dict[str, Any]]:
        """Discrepancies beyond rounding in the ekonomi tables, for the board and dashboard."""
        return [f for kind in sorted(self.ekonomi_flags) for f in self.ekonomi_flags[kind]
                if not f["rounding"]]

    def klarmarkera(self, cause: Cause, child_statuses: Mapping[str, str],
                    unit_names: Mapping[str, str] | None = None) -> None:
        """``child_statuses``: the status of every sub-unit's report in this cycle;
        ``unit_names`` lets refusals name the units as users know them."""
        self._check_owner(cause.actor, unit_names)
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

    def godkann(self, cause: Cause, unit_names: Mapping[str, str] | None = None) -> None:
        self._check_attester(cause.actor, unit_names)
        if self.status != KLARMARKERAD:
            raise RuleViolationError(
                f"Rapporten kan inte godkännas: den är {STATUS_LABELS[self.status].lower()}, "
                "inte klarmarkerad",
                rule="attest_requires_klarmarkering",
            )
        self._record(self.Godkand, cause)

    def atersand(self, reason: str, new_deadline: datetime | None, cause: Cause,
                 unit_names: Mapping[str, str] | None = None) -> None:
        self._check_attester(cause.actor, unit_names)
        if self.status not in (KLARMARKERAD, GODKAND):
            raise RuleViolationError("Endast klarmarkerade rapporter kan återsändas",
                                     rule="atersand_requires_klarmarkering")
        _require_reason(reason)
        self._record(self.Atersand, cause, reason=reason.strip(), new_deadline=new_deadline)

    def reopen(self, reason: str, cause: Cause) -> None:
        self._check_owner(cause.actor)
        if self.status != KLARMARKERAD:
            raise RuleViolationError(
                "Endast en klarmarkerad (ej godkänd) rapport kan öppnas igen av enheten",
                rule="reopen_requires_klarmarkering",
            )
        _require_reason(reason)
        self._record(self.Reopened, cause, reason=reason.strip())

    def move_deadline(self, deadline_kind: str, new: datetime, reason: str,
                      cause: Cause) -> None:
        if deadline_kind not in ("klarmarkering", "attest"):
            raise InvalidInputError(f"Okänd tidsgräns {deadline_kind!r}")
        _require_reason(reason)
        old = self.attest_deadline if deadline_kind == "attest" else self.deadline
        self._record(self.DeadlineMoved, cause, deadline_kind=deadline_kind, old=old, new=new,
                     reason=reason.strip())

    def request_attestation(self, deadline: datetime, cause: Cause) -> None:
        if self.attester_role is None or self.parent_unit_id is None:
            raise RuleViolationError("Förvaltningens rapport attesteras inte i kedjan",
                                     rule="no_attester")
        if self.status != KLARMARKERAD:
            raise RuleViolationError("Attest kan begäras först efter klarmarkering",
                                     rule="attest_requires_klarmarkering")
        self._record(self.AttestationRequested, cause, attester_unit_id=self.parent_unit_id,
                     deadline=deadline)

    def record_reminder(self, recipient_person_id: str, task: str, deadline: datetime,
                        overdue: bool, cause: Cause) -> None:
        self._record(self.ReminderSent, cause, recipient_person_id=recipient_person_id,
                     task=task, deadline=deadline, overdue=overdue)

    def record_deadline_passed(self, task: str, deadline: datetime, cause: Cause) -> None:
        self._record(self.DeadlinePassed, cause, task=task, deadline=deadline)

    def record_escalation(self, task: str, to_person_id: str | None, to_role: str,
                          to_unit_id: str, cause: Cause) -> None:
        self._record(self.Escalated, cause, task=task, to_person_id=to_person_id,
                     to_role=to_role, to_unit_id=to_unit_id)


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidInputError("En motivering krävs", rule="reason_required")


def _definite(role: str) -> str:
    """The role as its holder is named in a sentence: enhetschef → enhetschefen."""
    label = role_label(role)
    return f"{label}en" if label.endswith("chef") else label


def _acting_as(actor: Actor, unit_names: Mapping[str, str]) -> str:
    where = f" för {unit_names.get(actor.unit_id, actor.unit_id)}" if actor.unit_id else ""
    return f"du agerar som {role_label(actor.role)}{where}"
