"""In which capacity a person may act: the roles they hold on the day, ersättare included.

Every command's authority check asks one of these of the nämnd's Organisation; a refusal
names the person, the role and the unit as users know them.
"""

from __future__ import annotations

from datetime import datetime

from domain.base import Actor
from domain.calendar import local_date
from domain.errors import NotAuthorisedError
from domain.organisation import Organisation
from domain.roles import role_label


def acting_as(org: Organisation, person_id: str, role: str, unit_id: str | None,
              on: datetime) -> Actor:
    """The person as ``role`` for the unit that day, ordinarie or as ersättare."""
    if unit_id is None:
        raise NotAuthorisedError(f"Ingen {role_label(role)} finns för denna nivå",
                                 rule="no_such_role")
    actor = org.acting_capacity(person_id, role, unit_id, local_date(on))
    if actor is None:
        unit = org.units[unit_id].name if unit_id in org.units else unit_id
        raise NotAuthorisedError(
            f"{person_name(org, person_id)} innehar inte rollen {role_label(role)} för {unit} "
            f"den {local_date(on).isoformat()} (varken ordinarie eller ersättare)",
            rule="role_not_held",
        )
    return actor


def acting_in_any(org: Organisation, person_id: str, roles: tuple[str, ...],
                  on: datetime) -> Actor:
    """The person in the first of ``roles`` they hold anywhere in the nämnd that day."""
    for a in org.roles_of(person_id, local_date(on)):
        if a.role in roles:
            return Actor(person_id, a.role, a.unit_id, a.substitute_for)
    raise NotAuthorisedError(
        f"{person_name(org, person_id)} har ingen av rollerna "
        f"{', '.join(role_label(r) for r in roles)} i {org.code} "
        f"den {local_date(on).isoformat()}",
        rule="role_not_held",
    )


def person_name(org: Organisation, person_id: str) -> str:
    return str(org.people.get(person_id, {}).get("name", person_id))


def unit_names(org: Organisation) -> dict[str, str]:
    """Unit id → name, for refusals that name units the way users know them."""
    return {u.unit_id: u.name for u in org.units.values()}
