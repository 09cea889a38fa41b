"""Every read shows what the read policy lets the caller see (docs/read-policy.md).

Each test is a leak found before the policy: a signed-in enhetschef could read every
person's e-mail and absences, colleagues' reports, reminders and audit trails, the
underlag, the nämnd's record and other units' calendars.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.support.read_world import (
    CALENDAR_SECRET,
    CECILIAS_UNIT,
    READERS,
    SARAS_UNIT,
    ReadWorld,
    auth,
    read_world,
)

SARA, HELENA, BIRGITTA = READERS["enhetschef"], READERS["avdelningschef"], \
    READERS["förvaltningschef"]
JOHAN, SOFIA, ANNA = READERS["controller"], READERS["nämndsekreterare"], READERS["ordförande"]
INGRID, CECILIA, OLLE = READERS["revisor"], READERS["enhetschef annan avdelning"], \
    READERS["annan nämnd"]
LENA = "p-4ab708"  # avdelningschef, Äldreboende (Cecilia's)
PLANERING = {SARAS_UNIT, "avd-planering", "enh-administrativa-enheten"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadWorld]:
    with read_world(Path(tmp_path_factory.mktemp("read-policy"))) as built:
        yield built


@pytest.fixture(scope="module")
def http(world: ReadWorld) -> Iterator[TestClient]:
    with TestClient(world.api) as client:
        yield client


def get(http: TestClient, path: str, person: str, **params: Any) -> httpx.Response:
    return http.get(path, params=params, headers=auth(person))


def ok(http: TestClient, path: str, person: str, **params: Any) -> Any:
    response = get(http, path, person, **params)
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, rule: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["rule"] == rule


class TestPersonalData:
    def history(self, http: TestClient, world: ReadWorld, person: str) -> list[Any]:
        entries: list[Any] = ok(http, f"/api/history/{world.organisation_id}", person)
        return entries

    @staticmethod
    def registered(entries: list[Any]) -> list[dict[str, Any]]:
        return [e["payload"] for e in entries
                if e["event_type"] == "Organisation.PersonRegistered"]

    @staticmethod
    def absences(entries: list[Any]) -> list[tuple[str | None, str | None]]:
        return [(e["payload"]["substitute_for"], e["payload"]["reason"]) for e in entries
                if e["event_type"] == "Organisation.RoleAssigned"
                and e["payload"]["assignment_id"].endswith(("-2022-07", "-2022-08"))]

    def test_an_enhetschef_reads_the_organisation_without_others_email_or_absences(
            self, http: TestClient, world: ReadWorld) -> None:
        entries = self.history(http, world, SARA)
        # Names and e-mail live in the person directory: the record holds a digest.
        assert {tuple(p) for p in self.registered(entries)} == {("person_id", "profile_digest")}
        assert self.absences(entries) == [(None, None), (None, None)]
        assert "frånvaro" not in str(entries) and "@example.se" not in str(
            [e for e in entries if e["payload"].get("person_id") != SARA])

    @pytest.mark.parametrize("person", [BIRGITTA, INGRID])
    def test_the_administrators_and_the_revisor_read_everyones(
            self, http: TestClient, world: ReadWorld, person: str) -> None:
        entries = self.history(http, world, person)
        assert "@example.se" not in str(self.registered(entries))
        assert self.absences(entries) == [("p-114b1f", "frånvaro"),
                                          ("p-f9c1f1", "frånvaro")]

    def test_the_ersattare_sees_whom_she_stands_in_for_not_why(
            self, http: TestClient, world: ReadWorld) -> None:
        assert self.absences(self.history(http, world, CECILIA)) == [
            ("p-114b1f", None), (None, None)]

    def test_the_absent_person_sees_her_own_absence(
            self, http: TestClient, world: ReadWorld) -> None:
        assert ("p-114b1f", "frånvaro") in self.absences(
            self.history(http, world, "p-114b1f"))

    def test_the_revision_page_shows_no_absence_reason(
            self, http: TestClient, world: ReadWorld) -> None:
        page = get(http, "/revision", SARA).text
        assert "frånvaro" not in page
        assert "frånvaro" in get(http, "/revision", INGRID).text

    def test_another_namnds_person_may_not_read_the_organisation(
            self, http: TestClient, world: ReadWorld) -> None:
        refused(get(http, f"/api/history/{world.organisation_id}", OLLE), "not_in_namnd")


class TestAuditTrail:
    def test_a_colleagues_acts_are_not_shown_by_actor(
            self, http: TestClient, world: ReadWorld) -> None:
        assert ok(http, "/api/audit-trail", SARA, actor=CECILIA) == []
        assert ok(http, "/api/audit-trail", HELENA, actor=CECILIA) == []
        for person in (LENA, INGRID):
            seen = ok(http, "/api/audit-trail", person, actor=CECILIA)
            assert [e["event_type"] for e in seen] == ["UnitReport.ItemChanged"]

    def test_the_unfiltered_trail_holds_only_what_the_enhetschef_reads(
            self, http: TestClient, world: ReadWorld) -> None:
        types = {e["aggregate_type"] for e in ok(http, "/api/audit-trail", SARA)}
        reports = {e["aggregate_id"] for e in ok(http, "/api/audit-trail", SARA)
                   if e["aggregate_type"] == "UnitReport"}
        assert reports == {str(world.report_id(SARAS_UNIT))}
        assert types == {"Organisation", "Arsplan", "ReportTemplate", "Delegationsordning",
                         "Cycle", "UnitReport"}
        everything = {e["aggregate_type"] for e in ok(http, "/api/audit-trail", INGRID)}
        assert {"Delegationsbeslut", "Meeting"} <= everything

    def test_another_units_history_is_refused(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/api/history/{world.report_id(CECILIAS_UNIT)}"
        refused(get(http, path, SARA), "unit_outside_read_scope")
        assert ok(http, path, LENA)

    def test_the_revision_page_shows_an_enhetschef_only_her_units_events(
            self, http: TestClient, world: ReadWorld) -> None:
        page = get(http, "/revision", SARA).text
        assert "Cecilia Demoqvist" not in page and "Sara Demodal</td>" in page
        assert "Cecilia Demoqvist" in get(http, "/revision", INGRID).text


class TestReports:
    def test_another_units_report_is_refused_by_name(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/api/reports/{world.report_id(CECILIAS_UNIT)}"
        response = get(http, path, SARA)
        refused(response, "unit_outside_read_scope")
        assert "Bjärkegården" in response.json()["detail"]
        refused(get(http, path, HELENA), "unit_outside_read_scope")
        for person in (CECILIA, LENA, BIRGITTA, JOHAN, INGRID):
            assert ok(http, path, person)["unit_id"] == CECILIAS_UNIT

    def test_the_board_shows_each_chef_their_subtree(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/api/cycles/{world.cycle_id}"
        assert [r["unit_id"] for r in ok(http, path, SARA)["rows"]] == [SARAS_UNIT]
        assert {r["unit_id"] for r in ok(http, path, HELENA)["rows"]} == PLANERING
        assert len(ok(http, path, JOHAN)["rows"]) == 23
        assert ok(http, path, SARA)["counts"]["klarmarkerad"] == 1
        refused(get(http, path, SOFIA), "cycle_outside_read_scope")

    def test_the_cycles_are_listed_for_those_with_a_unit_in_them(
            self, http: TestClient, world: ReadWorld) -> None:
        assert len(ok(http, "/api/cycles", SARA)) == 1
        assert ok(http, "/api/cycles", SOFIA) == []
        assert ok(http, "/api/cycles", OLLE) == []

    def test_reminders_to_colleagues_are_not_shown(
            self, http: TestClient, world: ReadWorld) -> None:
        assert ok(http, "/api/reminders", SARA, recipient=CECILIA) == []
        assert [r["recipient_person_id"] for r in ok(http, "/api/reminders", SARA)] == [SARA]
        assert len(ok(http, "/api/reminders", LENA, recipient=CECILIA)) == 1
        assert len(ok(http, "/api/reminders", JOHAN)) == 2

    def test_dashboard_pages_show_only_the_readers_units(
            self, http: TestClient, world: ReadWorld) -> None:
        board = get(http, f"/cykler/{world.cycle_id}", SARA).text
        assert set(re.findall(r'href="/rapporter/([0-9a-f-]+)"', board)) == {
            str(world.report_id(SARAS_UNIT))}
        assert f"/cykler/{world.cycle_id}/underlag" not in board  # the compiled underlag
        report = get(http, f"/rapporter/{world.report_id(CECILIAS_UNIT)}", SARA)
        assert report.status_code == 403 and "Bjärkegården" in report.text
        assert "Inga cykler är öppnade." in get(http, "/cykler", SOFIA).text


class TestUnderlag:
    def test_the_underlag_is_for_those_who_read_every_unit_of_the_cycle(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/api/cycles/{world.cycle_id}/underlag.docx"
        for person in (SARA, HELENA, SOFIA):
            refused(get(http, path, person), "underlag_needs_whole_forvaltning")
        assert get(http, path, JOHAN).status_code == 200
        page = get(http, f"/cykler/{world.cycle_id}/underlag", HELENA)
        assert page.status_code == 403 and "hela förvaltningens" in page.text


class TestNamndRecord:
    def test_the_register_is_the_namnds_and_a_delegats_own(
            self, http: TestClient, world: ReadWorld) -> None:
        for person in (SOFIA, ANNA, BIRGITTA, INGRID):
            assert len(ok(http, "/api/delegation/register", person)) == 3
        for person in (SARA, JOHAN, OLLE):
            assert ok(http, "/api/delegation/register", person) == []
        assert "Inga delegationsbeslut." in get(http, "/delegationer", SARA).text

    def test_the_anmalningslista_is_refused_outside_the_namnds_record(
            self, http: TestClient, world: ReadWorld) -> None:
        base = f"/api/meetings/{world.meeting_id}/anmalningslista"
        for suffix in ("", ".csv", ".html"):
            refused(get(http, base + suffix, SARA), "namnd_record_only")
            refused(get(http, base + suffix, JOHAN), "namnd_record_only")
            assert get(http, base + suffix, SOFIA).status_code == 200


class TestCalendarsAndIntegrity:
    def test_a_unit_feed_is_for_whoever_reads_the_unit(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/calendar/unit/{SARAS_UNIT}.ics"
        refused(get(http, path, CECILIA), "unit_outside_read_scope")
        refused(get(http, path, SOFIA), "unit_outside_read_scope")
        assert get(http, path, HELENA).status_code == 200

    def test_the_revisor_reads_a_persons_feed_others_do_not(
            self, http: TestClient, world: ReadWorld) -> None:
        path = f"/calendar/person/{SARA}.ics"
        assert get(http, path, INGRID).status_code == 200
        refused(get(http, path, HELENA), "own_calendar_only")

    def test_links_are_handed_out_only_for_feeds_the_person_reads(
            self, http: TestClient, world: ReadWorld) -> None:
        assert CALENDAR_SECRET
        links = ok(http, "/api/calendar/links", ANNA)["links"]
        assert [link["subject"] for link in links] == [f"person:{ANNA}"]

    def test_the_chains_status_is_for_the_namnds_people(
            self, http: TestClient, world: ReadWorld) -> None:
        refused(get(http, "/api/verify", OLLE), "not_in_namnd")
        assert ok(http, "/api/verify", SARA)["ok"]

    @pytest.mark.parametrize("person", [JOHAN, SOFIA])
    def test_the_event_feed_is_for_whole_record_readers(
            self, http: TestClient, world: ReadWorld, person: str) -> None:
        assert get(http, "/feed/events", person).status_code == 403
        assert get(http, "/feed/events", BIRGITTA).status_code == 200
