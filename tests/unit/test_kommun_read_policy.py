"""Kommunledningskontoret's read scope (domain/read_policy.py): in every nämnd the kinds a
kommun follow-up needs, nothing else of the nämnder; decided from kommunstyrelsen's
organisation on the day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from domain.base import Actor, Cause
from domain.calendar import end_of_day
from domain.organisation import Organisation, RoleAssignment
from domain.read_policy import (
    EVENT_FEED,
    KOMMUN_STEP,
    PERSON_CALENDAR,
    UNDERLAG,
    UNIT_CALENDAR,
    ReadSubject,
    read_scope,
    refusal,
)

DATA = Path(__file__).resolve().parents[2] / "data"
ON = date(2022, 9, 28)
KLK, KOMMUNDIREKTOR, VON_CONTROLLER = "p-b83f10", "p-4e21a7", "p-355f78"


def organisation(folder: str) -> Organisation:
    spec = yaml.safe_load((DATA / folder / "organisation.yaml").read_text(encoding="utf-8"))
    cause = Cause(Actor.system("import"), end_of_day(date(2022, 1, 1)))
    org = Organisation.register(spec["code"], spec["name"], cause)
    for u in spec["units"]:
        org.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), cause)
    for p in spec["people"]:
        org.register_person(p["person_id"], "digest", cause)
    for a in spec["assignments"]:
        org.assign_role(RoleAssignment(a["assignment_id"], a["person_id"], a["role"],
                                       a["unit_id"], a["valid_from"], a.get("valid_to")), cause)
    return org


VON, KS = organisation("von"), organisation("kommun")
UNITS = frozenset({"von-forv", "avd-planering", "enh-schema-och-resursenheten"})


def rule(person: str, subject: ReadSubject, on: date = ON) -> str | None:
    org = {"VON": VON, "KS": KS}[subject.namnd_code]
    found = refusal(org, read_scope(org, person, on, subject.namnd_code, kommun=KS), subject)
    return found.rule if found else None


@pytest.mark.parametrize("subject", [
    ReadSubject("Arsplan", "VON"), ReadSubject("Cycle", "VON", UNITS),
    ReadSubject(UNDERLAG, "VON", UNITS), ReadSubject(KOMMUN_STEP, "KS"),
], ids=lambda s: s.kind)
def test_klk_reads_what_a_kommun_follow_up_needs(subject: ReadSubject) -> None:
    assert rule(KLK, subject) is None


@pytest.mark.parametrize(("subject", "expected"), [
    (ReadSubject("UnitReport", "VON", frozenset({"enh-schema-och-resursenheten"})),
     "unit_outside_read_scope"),
    (ReadSubject(UNIT_CALENDAR, "VON", frozenset({"von-forv"})), "unit_outside_read_scope"),
    (ReadSubject("Organisation", "VON"), "not_in_namnd"),
    (ReadSubject("ReportTemplate", "VON"), "not_in_namnd"),
    (ReadSubject("Meeting", "VON"), "namnd_record_only"),
    (ReadSubject("Delegationsbeslut", "VON", people=frozenset({"p-c0eeec"})),
     "namnd_record_only"),
    (ReadSubject(PERSON_CALENDAR, "VON", people=frozenset({"p-c0eeec"})), "own_calendar_only"),
    (ReadSubject(EVENT_FEED, "VON"), "whole_record_only"),
    (ReadSubject("SomethingNew", "VON"), "no_read_policy"),
], ids=lambda v: v.kind if isinstance(v, ReadSubject) else v)
def test_klk_reads_nothing_else_of_the_namnd(subject: ReadSubject, expected: str) -> None:
    assert rule(KLK, subject) == expected


def test_the_scope_comes_from_the_role_not_from_kommunstyrelsen() -> None:
    # KLK's förvaltningschef holds no klk_controller role: the nämnd's cycles are closed.
    assert rule(KOMMUNDIREKTOR, ReadSubject("Cycle", "VON", UNITS)) == "cycle_outside_read_scope"
    assert rule(KOMMUNDIREKTOR, ReadSubject(KOMMUN_STEP, "KS")) is None  # a member of KS
    # Before the role began, nothing.
    assert rule(KLK, ReadSubject("Arsplan", "VON"), date(2021, 12, 31)) == "not_in_namnd"


def test_a_namnds_own_controller_does_not_read_the_kommun_steps() -> None:
    assert rule(VON_CONTROLLER, ReadSubject(KOMMUN_STEP, "KS")) == "kommun_followup_only"
    assert rule(VON_CONTROLLER, ReadSubject(UNDERLAG, "VON", UNITS)) is None


def test_without_kommunstyrelsens_organisation_klk_reads_nothing() -> None:
    scope = read_scope(VON, KLK, ON, "VON", kommun=None)
    assert not scope.kommun_followup
    assert refusal(VON, scope, ReadSubject("Arsplan", "VON")) is not None
