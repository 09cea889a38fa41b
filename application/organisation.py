"""The organisation: established from the kommun's data file, re-imported idempotently."""

from __future__ import annotations

from typing import Any

from application.bus import CommandResult, setup_cause
from application.ports import AbstractEventStore
from domain.base import Actor
from domain.ids import organisation_id
from domain.organisation import Organisation, RoleAssignment


def ensure_organisation(store: AbstractEventStore, code: str, name: str,
                        units: list[dict[str, Any]], people: list[dict[str, Any]],
                        assignments: list[RoleAssignment], actor: Actor) -> CommandResult:
    """Creates the organisation or adds what is missing; re-running changes nothing."""
    oid = organisation_id(code)
    cause = setup_cause(store, actor)
    org = (store.get(oid, Organisation) if store.exists(oid)
           else Organisation.register(code, name, cause))
    for u in units:
        if u["unit_id"] not in org.units:
            org.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), cause)
    for p in people:
        if p["person_id"] not in org.people:
            org.register_person(p["person_id"], p["name"], p.get("email"), cause)
    for a in assignments:
        if a.assignment_id not in org.assignments:
            org.assign_role(a, cause)
    store.save_changes(org)
    return CommandResult(org.id, org.version)
