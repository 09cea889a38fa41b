"""Who may change a report and when: each guard raises before any state changes, naming
the rule, the role and the unit as users know them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from domain.base import Actor
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from domain.report_flow import EDITABLE_STATUSES, STATUS_LABELS
from domain.report_items import check_item_kind
from domain.roles import CHEF_ROLE_BY_KIND, role_label


class GuardedReport(Protocol):
    @property
    def owner_role(self) -> str: ...
    @property
    def attester_role(self) -> str | None: ...
    unit_id: str
    parent_unit_id: str | None
    status: str


def check_new_report(unit_kind: str, items: Sequence[Mapping[str, Any]]) -> None:
    """A report is opened for a unit that has a chef, with each item once, of a known kind."""
    if unit_kind not in CHEF_ROLE_BY_KIND:
        raise InvalidInputError(f"Rapporter finns inte för enhetstyp {unit_kind!r}",
                                rule="report_unit_kind")
    seen: set[str] = set()
    for item in items:
        check_item_kind(item["kind"])
        if item["item_id"] in seen:
            raise InvalidInputError(f"Punkten {item['item_id']!r} förekommer två gånger",
                                    rule="duplicate_item")
        seen.add(item["item_id"])


def check_owner(report: GuardedReport, actor: Actor,
                unit_names: Mapping[str, str] | None = None) -> None:
    """Only the unit's chef (or their ersättare) changes and klarmarkerar the report."""
    if actor.role != report.owner_role or actor.unit_id != report.unit_id:
        names = unit_names or {}
        raise NotAuthorisedError(
            f"Endast {_definite(report.owner_role)} för "
            f"{names.get(report.unit_id, report.unit_id)} (eller dennes ersättare) får ändra "
            f"och klarmarkera rapporten; {_acting_as(actor, names)}",
            rule="only_unit_chef_reports",
        )


def check_attester(report: GuardedReport, actor: Actor,
                   unit_names: Mapping[str, str] | None = None) -> None:
    """Only the chef of the unit above (or their ersättare) attesterar or återsänder."""
    if (report.attester_role is not None and actor.role == report.attester_role
            and actor.unit_id == report.parent_unit_id):
        return
    names = unit_names or {}
    unit = names.get(report.unit_id, report.unit_id)
    if report.attester_role is None or report.parent_unit_id is None:
        raise NotAuthorisedError(
            f"Rapporten för {unit} attesteras inte i förvaltningen; den lämnas till "
            "kommunledningskontoret", rule="only_parent_chef_attests")
    raise NotAuthorisedError(
        f"Endast {_definite(report.attester_role)} för "
        f"{names.get(report.parent_unit_id, report.parent_unit_id)} (eller dennes ersättare) "
        f"får attestera eller återsända rapporten för {unit}; {_acting_as(actor, names)}",
        rule="only_parent_chef_attests",
    )


def check_editable(report: GuardedReport) -> None:
    """A klarmarkerad or godkänd report is opened again, with a reason, before it changes."""
    if report.status not in EDITABLE_STATUSES:
        raise RuleViolationError(
            f"Rapporten är {STATUS_LABELS[report.status].lower()}: öppna den igen med en "
            f"motivering innan du ändrar",
            rule="reopen_before_edit",
        )


def require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidInputError("En motivering krävs", rule="reason_required")


def _definite(role: str) -> str:
    """The role as its holder is named in a sentence: enhetschef → enhetschefen."""
    label = role_label(role)
    return f"{label}en" if label.endswith("chef") else label


def _acting_as(actor: Actor, unit_names: Mapping[str, str]) -> str:
    where = f" för {unit_names.get(actor.unit_id, actor.unit_id)}" if actor.unit_id else ""
    return f"du agerar som {role_label(actor.role)}{where}"
