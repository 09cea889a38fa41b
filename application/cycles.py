"""Handlers for cycles: opening one with every unit's report, moving a level's deadline,
and the facts its workflow establishes (underlag sent to KLK, beslut exported)."""

from __future__ import annotations

from typing import Any

from application.bus import CommandResult, Handler, Session, setup_cause
from application.ports import AbstractEventStore
from domain import commands as c
from domain import system_commands as sc
from domain.authority import acting_in_any
from domain.base import Actor, Cause
from domain.calendar import end_of_day
from domain.cycle import Cycle
from domain.errors import ConcurrencyConflictError
from domain.ids import cycle_id, report_template_id, unit_report_id
from domain.organisation import Organisation
from domain.process_kinds import process_kind
from domain.report_template import ReportTemplate
from domain.roles import CHEF_ROLE_BY_KIND, CYCLE_ADMIN_ROLES
from domain.unit_report import UnitReport


def open_cycle(cmd: c.OpenCycle, s: Session) -> None:
    existing = s.target_if_exists(cycle_id(cmd.namnd_code, cmd.process, cmd.year), Cycle)
    org = s.organisation(cmd.namnd_code)
    cause = s.act_as(acting_in_any(org, s.issuer.person_id, CYCLE_ADMIN_ROLES, s.when))
    if existing is not None:
        raise ConcurrencyConflictError(f"Cykeln {existing.title} är redan öppnad")
    open_with_reports(s, org, cmd, cause)


def open_with_reports(s: Session, org: Organisation, spec: c.OpenCycle, cause: Cause) -> None:
    """Opens the cycle and every unit's report in one atomic save."""
    kind = process_kind(spec.process)
    template = report_template(s, spec.namnd_code, spec.process if kind.own_template else None)
    scope = spec.unit_ids or [u.unit_id for u in org.units.values()
                              if u.kind in CHEF_ROLE_BY_KIND and kind.reports(u.kind)]
    units = [org.unit(u) for u in scope]
    deadlines = {"enhet": end_of_day(spec.enhet_deadline),
                 "avdelning": end_of_day(spec.avdelning_deadline),
                 "forvaltning": end_of_day(spec.forvaltning_deadline)}
    cycle = s.created(Cycle.open(
        spec.namnd_code, spec.process, spec.year, spec.title, deadlines, spec.underlag_date,
        spec.beslut_date, scope, template, cause))
    s.also(*(UnitReport.open(cycle.id, spec.namnd_code, u.unit_id, u.kind, u.parent_id,
                             deadlines[u.kind], items_for(u.kind, template), cause)
             for u in units))


def report_template(s: Session, namnd_code: str,
                    process: str | None = None) -> list[dict[str, Any]]:
    """The nämnd's default template, or ``process``'s own (no items until it is imported)."""
    template = s.load_if_exists(report_template_id(namnd_code, process), ReportTemplate)
    return template.items if template is not None else []


def items_for(kind: str, template: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The template's items for the unit's level; avdelning and förvaltning summarise too."""
    items = [dict(i) for i in template if kind in i.get("levels", ("enhet", "avdelning"))]
    if kind != "enhet":
        items.append({"item_id": "sammanfattning", "kind": "sammanfattning",
                      "title": "Sammanfattning", "levels": [kind]})
    return items


def move_cycle_deadline(cmd: c.MoveCycleDeadline, s: Session) -> None:
    cycle = s.target(cmd.cycle_id, Cycle)
    org = s.organisation(cycle.namnd_code)
    cause = s.act_as(acting_in_any(org, s.issuer.person_id, CYCLE_ADMIN_ROLES, s.when))
    old = cycle.deadlines[cmd.level]
    cycle.move_deadline(cmd.level, cmd.new_deadline, cmd.reason, cause)
    # Reports of that level follow, except those whose deadline was moved on its own.
    reports = [s.load(unit_report_id(cycle.id, u), UnitReport) for u in cycle.unit_ids]
    following = [r for r in reports if r.unit_kind == cmd.level and r.deadline == old]
    for report in following:
        report.move_deadline("klarmarkering", cmd.new_deadline, cmd.reason, cause)
    s.also(*following)


def record_underlag_sent(cmd: sc.RecordUnderlagSent, s: Session) -> None:
    cycle = s.target(cmd.cycle_id, Cycle)
    cycle.record_underlag_sent(cmd.destination, cmd.reference, cmd.document_sha256,
                               s.act_as(Actor.system()))


def record_beslut_exported(cmd: sc.RecordBeslutExported, s: Session) -> None:
    cycle = s.target(cmd.cycle_id, Cycle)
    cycle.record_export(cmd.destination, cmd.reference, s.act_as(Actor.system()))


def handlers() -> dict[type, Handler]:
    return {
        c.OpenCycle: open_cycle,
        c.MoveCycleDeadline: move_cycle_deadline,
        sc.RecordUnderlagSent: record_underlag_sent,
        sc.RecordBeslutExported: record_beslut_exported,
    }


def ensure_report_template(store: AbstractEventStore, namnd_code: str,
                           items: list[dict[str, Any]], actor: Actor,
                           process: str | None = None) -> CommandResult:
    """Adopts the nämnd's report template (or ``process``'s own), or revises it when the
    items changed."""
    template_id = report_template_id(namnd_code, process)
    cause = setup_cause(store, actor)
    if not store.exists(template_id):
        template = ReportTemplate.adopt(namnd_code, items, cause, process)
    else:
        template = store.get(template_id, ReportTemplate)
        template.revise(items, cause)
    store.save_changes(template)
    return CommandResult(template.id, template.version)
