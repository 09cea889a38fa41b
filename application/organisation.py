"""The organisation: established from the kommun's data file, re-imported idempotently."""

from __future__ import annotations

from typing import Any

from application.bus import CommandResult, setup_cause
from application.person_directory import PersonDirectory, PersonProfile, new_profile
from application.ports import AbstractEventStore
from domain.base import Actor
from domain.ids import organisation_id
from domain.organisation import Organisation, RoleAssignment


def ensure_organisation(store: AbstractEventStore, code: str, name: str,
                        units: list[dict[str, Any]], people: list[dict[str, Any]],
                        assignments: list[RoleAssignment], actor: Actor,
                        directory: PersonDirectory) -> CommandResult:
    """Creates the organisation or adds what is missing; re-running changes nothing.

    A new person's name and e-mail go to the directory, their digest into the chain."""
    oid = organisation_id(code)
    cause = setup_cause(store, actor)
    org = (store.get(oid, Organisation) if store.exists(oid)
           else Organisation.register(code, name, cause))
    for u in units:
        if u["unit_id"] not in org.units:
            org.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), cause)
    profiles: list[PersonProfile] = []
    for p in people:
        if p["person_id"] not in org.people:
            profile = new_profile(p["person_id"], p["name"], p.get("email"), cause.occurred_at)
            org.register_person(p["person_id"], profile.digest, cause)
            profiles.append(profile)
    for a in assignments:
        if a.assignment_id not in org.assignments:
            org.assign_role(a, cause)
    # The rows before the events: a profile without its event is harmless (re-run
    # registers the person with a new salt), an event without its profile is not.
    for profile in profiles:
        directory.put(profile)
    store.save_changes(org)
    return CommandResult(org.id, org.version)
