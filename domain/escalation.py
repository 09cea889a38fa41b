"""Who gets a reminder and who an escalation: asked of the Organisation on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.organisation import Organisation
from domain.roles import CHEF_ROLE_BY_KIND, NAMND_CHAIR_ROLES


@dataclass(frozen=True)
class Recipient:
    person_id: str | None
    role: str
    unit_id: str


def chef(org: Organisation, unit_id: str, on: date) -> Recipient:
    """The unit's chef (an ersättare first); the nämnd's ordförande for the nämnd itself."""
    unit = org.unit(unit_id)
    if unit.kind in CHEF_ROLE_BY_KIND:
        return Recipient(org.chef_of(unit_id, on), CHEF_ROLE_BY_KIND[unit.kind], unit_id)
    for role in NAMND_CHAIR_ROLES:
        holders = org.holders(role, unit_id, on)
        if holders:
            holders.sort(key=lambda a: a.substitute_for is None)
            return Recipient(holders[0].person_id, role, unit_id)
    return Recipient(None, NAMND_CHAIR_ROLES[0], unit_id)


def task_owner(org: Organisation, unit_id: str, task: str, on: date) -> Recipient:
    """Klarmarkera is the unit chef's task; attestera is the parent chef's."""
    if task == "klarmarkera":
        return chef(org, unit_id, on)
    return chef(org, _parent(org, unit_id), on)


def escalation_target(org: Organisation, unit_id: str, task: str, on: date) -> Recipient:
    """The chef above the one who owns the task."""
    owner_unit = unit_id if task == "klarmarkera" else _parent(org, unit_id)
    return chef(org, _parent(org, owner_unit), on)


def _parent(org: Organisation, unit_id: str) -> str:
    parent = org.unit(unit_id).parent_id
    return parent if parent is not None else unit_id
