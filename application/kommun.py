"""Kommunledningskontoret records the kommun's own steps of the nämnder's årsplaner."""

from __future__ import annotations

from application.bus import Handler, Session
from domain.arsplan import Arsplan, Milestone
from domain.authority import acting_in_any
from domain.ids import kommun_steg_id
from domain.kommun import KOMMUN_CODE, KommunSteg, already_done, kommun_steps, step_named
from domain.kommun_commands import RecordKommunSteg
from domain.roles import KOMMUN_FOLLOWUP_ROLES


def stored_milestones(s: Session) -> list[Milestone]:
    """Every milestone of every stored årsplan, in the order the plans were adopted."""
    return [m for plan_id in s.store.arsplan_ids()
            for m in s.load(plan_id, Arsplan).milestones.values()]


def record_kommun_steg(cmd: RecordKommunSteg, s: Session) -> None:
    milestones = stored_milestones(s)
    step = step_named(kommun_steps(milestones), milestones, cmd.milestone_id)
    existing = s.target_if_exists(kommun_steg_id(step.year, step.milestone_id), KommunSteg)
    org = s.organisation(KOMMUN_CODE)
    cause = s.act_as(acting_in_any(org, s.issuer.person_id, KOMMUN_FOLLOWUP_ROLES, s.when))
    already_done(existing)
    s.created(KommunSteg.record(step, cmd.done_on, cmd.reference, cause))


def handlers() -> dict[type, Handler]:
    return {RecordKommunSteg: record_kommun_steg}
