"""Who holds which role on which date, including ersättare."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.base import Actor, Cause
from domain.errors import InvalidInputError, NotFoundError
from domain.organisation import Organisation, RoleAssignment

CAUSE = Cause(Actor.system("import"), datetime(2022, 1, 1, tzinfo=UTC))


@pytest.fixture
def org() -> Organisation:
    o = Organisation.register("VON", "Vård- och omsorgsnämnden", CAUSE)
    o.add_unit("von", "VON", "namnd", None, CAUSE)
    o.add_unit("von-forv", "Förvaltningen", "forvaltning", "von", CAUSE)
    for person in ("fredrik", "stina"):
        o.register_person(person, person.capitalize(), None, CAUSE)
    o.assign_role(RoleAssignment("a1", "fredrik", "forvaltningschef", "von-forv",
                                 date(2022, 1, 1), None), CAUSE)
    o.assign_role(RoleAssignment("a2", "stina", "forvaltningschef", "von-forv",
                                 date(2022, 8, 1), date(2022, 8, 7), substitute_for="fredrik",
                                 reason="semester"), CAUSE)
    return o


def test_the_substitute_is_chef_during_the_period_and_the_holder_otherwise(
        org: Organisation) -> None:
    assert org.chef_of("von-forv", date(2022, 7, 31)) == "fredrik"
    assert org.chef_of("von-forv", date(2022, 8, 3)) == "stina"
    assert org.chef_of("von-forv", date(2022, 8, 8)) == "fredrik"


def test_the_substitute_acts_on_behalf_of_the_holder(org: Organisation) -> None:
    actor = org.acting_capacity("stina", "forvaltningschef", "von-forv", date(2022, 8, 3))
    assert actor == Actor("stina", "forvaltningschef", "von-forv", on_behalf_of="fredrik")
    assert org.acting_capacity("stina", "forvaltningschef", "von-forv", date(2022, 8, 8)) is None


def test_an_ended_role_is_not_held_after_its_last_day(org: Organisation) -> None:
    org.end_role("a1", date(2022, 12, 31), CAUSE)
    assert org.acting_capacity("fredrik", "forvaltningschef", "von-forv", date(2022, 12, 31))
    assert org.acting_capacity("fredrik", "forvaltningschef", "von-forv",
                               date(2023, 1, 1)) is None


def test_a_unit_needs_an_existing_parent_and_a_known_kind(org: Organisation) -> None:
    with pytest.raises(NotFoundError):
        org.add_unit("avd-x", "X", "avdelning", "nowhere", CAUSE)
    with pytest.raises(InvalidInputError):
        org.add_unit("avd-x", "X", "kontor", "von-forv", CAUSE)


def test_assignments_need_a_known_person_role_and_sane_dates(org: Organisation) -> None:
    with pytest.raises(NotFoundError):
        org.assign_role(RoleAssignment("a3", "okand", "enhetschef", "von-forv",
                                       date(2022, 1, 1), None), CAUSE)
    with pytest.raises(InvalidInputError):
        org.assign_role(RoleAssignment("a3", "fredrik", "kung", "von-forv",
                                       date(2022, 1, 1), None), CAUSE)
    with pytest.raises(InvalidInputError):
        org.assign_role(RoleAssignment("a3", "fredrik", "controller", "von-forv",
                                       date(2022, 2, 1), date(2022, 1, 1)), CAUSE)
