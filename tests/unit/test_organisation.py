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
        o.register_person(person, "0" * 64, CAUSE)
    o.assign_role(RoleAssignment("a1", "fredrik", "forvaltningschef", "von-forv",
                                 date(2022, 1, 1), None), CAUSE)
    o.assign_role(RoleAssignment("a2", "stina", "forvaltningschef", "von-forv",
                                 date(2022, 8, 1), date(2022, 8, 7), substitute_for="fredrik",
                                 reason="frånvaro"), CAUSE)
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


def test_holders_are_found_by_role_and_unit_in_the_order_they_were_assigned(
        org: Organisation) -> None:
    org.add_unit("enh-a", "Enhet A", "enhet", "von-forv", CAUSE)
    org.assign_role(RoleAssignment("a3", "stina", "enhetschef", "enh-a", date(2022, 1, 1),
                                   None), CAUSE)
    on = date(2022, 8, 3)
    assert [a.assignment_id for a in org.holders("forvaltningschef", "von-forv", on)] == [
        "a1", "a2"]
    assert [a.assignment_id for a in org.holders("enhetschef", "enh-a", on)] == ["a3"]
    assert org.holders("enhetschef", "von-forv", on) == []


def test_an_organisation_restored_without_the_holder_index_rebuilds_it(
        org: Organisation) -> None:
    del org.__dict__["_holders"]  # as restored from a snapshot taken before the index
    org.assign_role(RoleAssignment("a3", "stina", "forvaltningschef", "von-forv",
                                   date(2022, 9, 1), None), CAUSE)
    on = date(2022, 9, 2)
    assert [a.person_id for a in org.holders("forvaltningschef", "von-forv", on)] == [
        "fredrik", "stina"]
    org.assign_role(RoleAssignment("a4", "fredrik", "controller", "von-forv",
                                   date(2022, 9, 1), None), CAUSE)
    assert [a.assignment_id for a in org.holders("controller", "von-forv", on)] == ["a4"]
