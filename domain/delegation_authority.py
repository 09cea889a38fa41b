"""Who may decide under a delegat alternative on a given day, ersättare included (1.3).

Order of precedence when the delegate is absent (sjukdom, semester, tjänstledighet,
längre tjänsteresa, jäv): the vikarie or specially appointed ersättare (a
``substitute_for`` assignment in the organisation), else the role's own line
(ordförande → vice ordförande → ledamot i AU; förvaltningschef → ställföreträdande),
else the delegate's närmaste chef.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.organisation import Organisation, RoleAssignment
from domain.roles import AU, CHEF_ROLE_BY_KIND

AU_MEMBER_ROLES = ("ordforande", "vice_ordforande", "au_ledamot")
ROLE_LINE = {
    "ordforande": ("vice_ordforande", "au_ledamot"),
    "forvaltningschef": ("stallforetradande_forvaltningschef",),
}


@dataclass(frozen=True)
class DecisionCapacity:
    """How a person decides: ``via`` is ordinarie, vikarie, ersattare or narmaste_chef."""

    person_id: str
    role: str
    unit_id: str
    via: str
    on_behalf_of: str | None = None


def _in_scope(org: Organisation, unit_id: str, within: str | None) -> bool:
    while within is not None:
        if unit_id == within:
            return True
        parent = org.units[unit_id].parent_id if unit_id in org.units else None
        if parent is None:
            return False
        unit_id = parent
    return True


def _holders(org: Organisation, role: str, on: date, within: str | None) -> list[RoleAssignment]:
    return [a for a in org.assignments.values()
            if a.role == role and a.covers(on) and _in_scope(org, a.unit_id, within)]


def unavailable_people(org: Organisation, on: date, declared: Iterable[str]) -> set[str]:
    """Declared absent or jäviga, plus everyone a vikarie stands in for that day."""
    replaced = {a.substitute_for for a in org.assignments.values()
                if a.substitute_for is not None and a.covers(on)}
    return set(declared) | {p for p in replaced if p is not None}


def decision_capacity(org: Organisation, person_id: str, role: str, on: date,
                      within: str | None, unavailable: set[str],
                      absent_delegate: str | None) -> DecisionCapacity | None:
    """The capacity in which ``person_id`` may decide as ``role``, or None."""
    if person_id in unavailable:
        return None
    if role == AU:
        for r in AU_MEMBER_ROLES:
            for a in _holders(org, r, on, None):
                if a.person_id == person_id:
                    return DecisionCapacity(person_id, AU, a.unit_id, "ordinarie")
        return None
    holders = _holders(org, role, on, within)
    for a in holders:
        if a.person_id == person_id and a.substitute_for is None:
            return DecisionCapacity(person_id, role, a.unit_id, "ordinarie")
        if a.person_id == person_id and a.substitute_for in unavailable:
            return DecisionCapacity(person_id, role, a.unit_id, "vikarie", a.substitute_for)
    if absent_delegate is None or absent_delegate not in unavailable:
        return None
    delegate = [a for a in holders if a.person_id == absent_delegate and a.substitute_for is None]
    if not delegate:
        return None
    return _stand_in(org, person_id, role, delegate[0], on, unavailable)


def _stand_in(org: Organisation, person_id: str, role: str, delegate: RoleAssignment,
              on: date, unavailable: set[str]) -> DecisionCapacity | None:
    vikarier = [a for a in _holders(org, role, on, None)
                if a.substitute_for == delegate.person_id and a.person_id not in unavailable]
    if vikarier:
        return None  # the vikarie decides; handled as "vikarie" above
    for next_role in ROLE_LINE.get(role, ()):
        present = [a for a in _holders(org, next_role, on, None)
                   if a.person_id not in unavailable]
        if present:
            if any(a.person_id == person_id for a in present):
                return DecisionCapacity(person_id, next_role, delegate.unit_id, "ersattare",
                                        delegate.person_id)
            return None
    if role in ROLE_LINE:
        return None
    chef = nearest_chef(org, delegate.unit_id, on, unavailable)
    if chef == person_id:
        return DecisionCapacity(person_id, role, delegate.unit_id, "narmaste_chef",
                                delegate.person_id)
    return None


def nearest_chef(org: Organisation, unit_id: str, on: date, unavailable: set[str]) -> str | None:
    """The chef of the nearest unit above that has a present chef."""
    parent = org.units[unit_id].parent_id
    while parent is not None:
        unit = org.units[parent]
        role = CHEF_ROLE_BY_KIND.get(unit.kind)
        if role is not None:
            present = [a for a in org.holders(role, unit.unit_id, on)
                       if a.person_id not in unavailable]
            present.sort(key=lambda a: a.substitute_for is not None)
            if present:
                return present[0].person_id
        parent = unit.parent_id
    return None
