"""The read policy as a pure decision: scopes from the organisation, refusals, personal data.

The organisation is tests/support/org.py's (built on the aggregate, no store): Anna
enhetschef of Ekhagen with Ida as her vikarie 11–24 July, David avdelningschef above
them, Eva of Kvarboende, Fredrik förvaltningschef, Stina his ställföreträdande, Gun
controller, Hans ordförande, the revisor.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.base import Actor, Cause
from domain.organisation import Organisation
from domain.personal_data import redact_payload
from domain.read_policy import (
    EVENT_FEED,
    PERSON_CALENDAR,
    UNDERLAG,
    UNIT_CALENDAR,
    ReadScope,
    ReadSubject,
    may_read,
    read_scope,
    refusal,
    subject_from_creation,
)
from tests.support.org import ASSIGNMENTS, PEOPLE, UNITS

SYSTEM = Cause(Actor.system("import"), datetime(2022, 1, 1, tzinfo=UTC))
AUGUST, JULY = date(2022, 8, 15), date(2022, 7, 15)
CYCLE_UNITS = frozenset(u["unit_id"] for u in UNITS if u["kind"] != "namnd")
ALDREBOENDE = {"avd-aldreboende", "enh-ekhagen", "enh-bjorkliden"}


@pytest.fixture(scope="module")
def org() -> Organisation:
    o = Organisation.register("VON", "Vård- och omsorgsnämnden", SYSTEM)
    for u in UNITS:
        o.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), SYSTEM)
    for p in PEOPLE:
        o.register_person(p, "0" * 64, SYSTEM)
    for a in ASSIGNMENTS:
        o.assign_role(a, SYSTEM)
    return o


def subject(kind: str, units: set[str] | None = None, people: set[str] | None = None
            ) -> ReadSubject:
    return ReadSubject(kind, "VON", frozenset(units or ()), frozenset(people or ()))


class TestScopes:
    def test_an_enhetschef_reads_her_unit(self, org: Organisation) -> None:
        scope = read_scope(org, "anna", AUGUST)
        assert scope.units == {"enh-ekhagen"} and scope.member
        assert not (scope.everything or scope.namnd_record or scope.personal_data
                    or scope.whole_record)

    def test_an_avdelningschef_reads_her_subtree(self, org: Organisation) -> None:
        assert read_scope(org, "david", AUGUST).units == ALDREBOENDE

    @pytest.mark.parametrize("person", ["fredrik", "stina", "gun"])
    def test_the_forvaltning_is_read_by_its_chefs_and_controller(
            self, org: Organisation, person: str) -> None:
        assert read_scope(org, person, AUGUST).units == CYCLE_UNITS

    def test_the_forvaltningschef_reads_the_record_and_personal_data(
            self, org: Organisation) -> None:
        scope = read_scope(org, "fredrik", AUGUST)
        assert scope.namnd_record and scope.personal_data and scope.whole_record
        controller = read_scope(org, "gun", AUGUST)
        assert not (controller.namnd_record or controller.personal_data
                    or controller.whole_record)

    def test_the_ordforande_reads_the_record_and_no_unit(self, org: Organisation) -> None:
        scope = read_scope(org, "hans", AUGUST)
        assert scope.namnd_record and scope.units == frozenset()

    def test_the_revisor_reads_everything(self, org: Organisation) -> None:
        scope = read_scope(org, "revisor", AUGUST)
        assert scope.everything and scope.whole_record and scope.reads_unit("von")

    def test_an_ersattare_reads_the_unit_on_her_dates_only(self, org: Organisation) -> None:
        assert read_scope(org, "ida", JULY).units == {"enh-ekhagen"}
        assert not read_scope(org, "ida", AUGUST).member

    def test_without_an_organisation_nothing(self) -> None:
        assert read_scope(None, "anna", AUGUST, "SN") == ReadScope("anna", "SN")


class TestRefusals:
    @pytest.mark.parametrize(("person", "read", "rule"), [
        ("anna", subject("UnitReport", {"enh-ekhagen"}), None),
        ("anna", subject("UnitReport", {"enh-bjorkliden"}), "unit_outside_read_scope"),
        ("eva", subject(UNIT_CALENDAR, {"enh-ekhagen"}), "unit_outside_read_scope"),
        ("hans", subject("UnitReport", {"enh-ekhagen"}), "unit_outside_read_scope"),
        ("revisor", subject("UnitReport", {"enh-ekhagen"}), None),
        ("anna", subject("UnitReport"), "unit_outside_read_scope"),
        ("anna", subject("Cycle", CYCLE_UNITS), None),
        ("hans", subject("Cycle", CYCLE_UNITS), "cycle_outside_read_scope"),
        ("david", subject(UNDERLAG, CYCLE_UNITS), "underlag_needs_whole_forvaltning"),
        ("gun", subject(UNDERLAG, CYCLE_UNITS), None),
        ("anna", subject(UNDERLAG), "underlag_needs_whole_forvaltning"),
        ("anna", subject("Organisation"), None),
        ("nobody", subject("Organisation"), "not_in_namnd"),
        ("hans", subject("Meeting"), None),
        ("fredrik", subject("DelegationLedger"), None),
        ("gun", subject("ParagraphRegister"), "namnd_record_only"),
        ("anna", subject("Delegationsbeslut", people={"anna"}), None),
        ("bertil", subject("Delegationsbeslut", people={"anna"}), "namnd_record_only"),
        ("anna", subject(PERSON_CALENDAR, people={"anna"}), None),
        ("david", subject(PERSON_CALENDAR, people={"anna"}), "own_calendar_only"),
        ("fredrik", subject(EVENT_FEED), None),
        ("gun", subject(EVENT_FEED), "whole_record_only"),
        ("fredrik", subject("SomethingNew"), "no_read_policy"),
        ("revisor", subject("SomethingNew"), None),
    ])
    def test_the_decision_names_its_rule(self, org: Organisation, person: str,
                                         read: ReadSubject, rule: str | None) -> None:
        refused = refusal(org, read_scope(org, person, AUGUST), read)
        assert (refused.rule if refused else None) == rule
        assert may_read(org, read_scope(org, person, AUGUST), read) is (rule is None)

    def test_a_refusal_names_the_person_and_the_unit(self, org: Organisation) -> None:
        refused = refusal(org, read_scope(org, "anna", AUGUST),
                          subject("UnitReport", {"enh-bjorkliden"}))
        assert refused is not None
        # By id: the domain holds no names; the API puts the name in (api.problems).
        assert "anna" in refused.message and "Björklidens äldreboende" in refused.message


class TestSubjects:
    def test_a_report_cycle_and_beslut_from_their_first_events(self) -> None:
        assert subject_from_creation("UnitReport", {"namnd_code": "VON", "unit_id": "u"}) == \
            subject("UnitReport", {"u"})
        assert subject_from_creation("Cycle", {"namnd_code": "VON", "unit_ids": ["a", "b"]}) \
            == subject("Cycle", {"a", "b"})
        assert subject_from_creation("Organisation", {"code": "VON"}) == subject("Organisation")
        beslut = {"facts": {"namnd_code": "VON", "decider": "anna", "on_behalf_of": None}}
        assert subject_from_creation("Delegationsbeslut", beslut) == subject(
            "Delegationsbeslut", people={"anna"})


class TestPersonalData:
    EMAIL = {"person_id": "bertil", "name": "Bertil", "email": "bertil@example.se"}
    ABSENCE = {"assignment_id": "a11", "person_id": "ida", "role": "enhetschef",
               "unit_id": "enh-ekhagen", "substitute_for": "anna", "reason": "frånvaro"}

    @pytest.mark.parametrize(("reader", "email"), [
        ("bertil", "bertil@example.se"), ("fredrik", "bertil@example.se"),
        ("revisor", "bertil@example.se"), ("anna", None), ("gun", None)])
    def test_an_email_is_for_its_person_and_the_administrators(
            self, org: Organisation, reader: str, email: str | None) -> None:
        shown = redact_payload(read_scope(org, reader, AUGUST),
                               "Organisation.PersonRegistered", self.EMAIL)
        assert shown["email"] == email and shown["name"] == "Bertil"

    @pytest.mark.parametrize(("reader", "substitute_for", "reason"), [
        ("anna", "anna", "frånvaro"), ("stina", "anna", "frånvaro"),
        ("revisor", "anna", "frånvaro"), ("ida", "anna", None), ("david", None, None)])
    def test_an_absence_is_for_the_absent_the_administrators_and_the_ersattare(
            self, org: Organisation, reader: str, substitute_for: str | None,
            reason: str | None) -> None:
        shown = redact_payload(read_scope(org, reader, JULY),
                               "Organisation.RoleAssigned", self.ABSENCE)
        assert (shown["substitute_for"], shown["reason"]) == (substitute_for, reason)
        assert shown["person_id"] == "ida"

    def test_other_events_are_shown_as_recorded(self, org: Organisation) -> None:
        payload = {"reason": "Sjukdom", "new": "2022-08-26"}
        scope = read_scope(org, "anna", AUGUST)
        assert redact_payload(scope, "UnitReport.DeadlineMoved", payload) is payload
