"""The årsplan: adopted from its data file; moving a milestone; opening a planned cycle on
the date the stored plan gives."""

from __future__ import annotations

from application.bus import CommandResult, Handler, Session, setup_cause
from application.cycles import open_with_reports
from application.ports import AbstractEventStore
from domain import commands as c
from domain import system_commands as sc
from domain.arsplan import Arsplan, Milestone, PlannedCycle
from domain.authority import acting_in_any
from domain.base import Actor
from domain.cycle import Cycle
from domain.ids import arsplan_id, cycle_id
from domain.roles import CYCLE_ADMIN_ROLES


def move_milestone(cmd: c.MoveMilestone, s: Session) -> None:
    plan = s.target(arsplan_id(cmd.namnd_code, cmd.label), Arsplan)
    org = s.organisation(plan.namnd_code)
    cause = s.act_as(acting_in_any(org, s.issuer.person_id, CYCLE_ADMIN_ROLES, s.when))
    plan.move_milestone(
        cmd.milestone_id, cmd.start, cmd.end, cmd.reason, cause,
        is_opened=lambda cy: s.store.exists(cycle_id(plan.namnd_code, cy.process, cy.year)))


def open_planned_cycle(cmd: sc.OpenPlannedCycle, s: Session) -> None:
    """The ÅrsplanWorkflow's opening: on the stored plan's dates, moved milestones included."""
    schedule = s.load(arsplan_id(cmd.namnd_code, cmd.label), Arsplan).schedule_of(
        cmd.process, cmd.year)
    existing = s.target_if_exists(cycle_id(cmd.namnd_code, cmd.process, cmd.year), Cycle)
    cause = s.act_as(Actor.system("arsplan"))
    if existing is not None:
        return  # opened by hand before its date: the plan drives that one
    spec = c.OpenCycle(
        command_id=cmd.command_id, namnd_code=cmd.namnd_code, process=cmd.process,
        year=cmd.year, title=schedule.title, enhet_deadline=schedule.enhet_deadline,
        avdelning_deadline=schedule.avdelning_deadline,
        forvaltning_deadline=schedule.forvaltning_deadline,
        underlag_date=schedule.underlag_date, beslut_date=schedule.beslut_date)
    open_with_reports(s, s.organisation(cmd.namnd_code), spec, cause)


def handlers() -> dict[type, Handler]:
    return {c.MoveMilestone: move_milestone, sc.OpenPlannedCycle: open_planned_cycle}


def ensure_arsplan(store: AbstractEventStore, namnd_code: str, label: str,
                   milestones: list[Milestone], actor: Actor,
                   cycles: list[PlannedCycle] | None = None) -> CommandResult:
    """Adopts the plan once; ``cycles`` (re)defines which milestones date which cycle."""
    cause = setup_cause(store, actor)
    plan = Arsplan.adopt(namnd_code, label, milestones, cause)
    if store.exists(plan.id):
        plan = store.get(plan.id, Arsplan)
        plan.add_milestones(milestones, cause)
    if cycles is not None:
        plan.define_cycles(cycles, cause)
    if not plan.pending_events:
        return CommandResult(plan.id, plan.version, duplicate=True)
    store.save_changes(plan)
    return CommandResult(plan.id, plan.version)
