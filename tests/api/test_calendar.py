"""Deadline calendars over HTTP: parse the feed, move a deadline, parse again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from api.app import create_app
from api.routes_calendar import feed_token
from domain.calendar import STOCKHOLM
from infrastructure.ical import event_uid
from tests.api.conftest import TOKENS, ApiWorld, auth, report_id
from tests.support.org import CYCLE

EKHAGEN = report_id("enh-ekhagen")
BJORKLIDEN = report_id("enh-bjorkliden")
SECRET = "test-calendar-secret"


async def feed(world: ApiWorld, path: str, as_person: str = "anna") -> Calendar:
    response = await world.get(path, as_person)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, Any]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def end_of(event: Any) -> datetime:
    end: datetime = event.decoded("DTEND")
    return end


class TestPersonFeed:
    async def test_the_enhetschef_sees_her_klarmarkering_in_stockholm_time(
            self, world: ApiWorld) -> None:
        calendar = await feed(world, "/calendar/person/anna.ics")
        events = events_by_uid(calendar)
        assert list(events) == [event_uid(EKHAGEN, "klarmarkera")]
        event = events[event_uid(EKHAGEN, "klarmarkera")]
        assert str(event["SUMMARY"]) == "Klarmarkera: Delårsbokslut 2022 – Ekhagens äldreboende"
        assert end_of(event) == datetime(2022, 8, 23, 23, 59, tzinfo=STOCKHOLM)
        assert event["DTEND"].params["TZID"] == "Europe/Stockholm"
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]

    async def test_the_avdelningschef_sees_one_attestation_per_enhet(
            self, world: ApiWorld) -> None:
        events = events_by_uid(await feed(world, "/calendar/person/david.ics", "david"))
        summaries = sorted(str(e["SUMMARY"]) for e in events.values())
        assert summaries == [
            "Attestera: Delårsbokslut 2022 – Björklidens äldreboende",
            "Attestera: Delårsbokslut 2022 – Ekhagens äldreboende",
            "Klarmarkera: Delårsbokslut 2022 – Äldreboende",
        ]

    async def test_a_moved_report_deadline_updates_the_same_event(
            self, world: ApiWorld) -> None:
        before = events_by_uid(await feed(world, "/calendar/person/anna.ics"))
        uid = event_uid(EKHAGEN, "klarmarkera")
        moved = await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                                 new_deadline="2022-08-26T16:00:00+02:00", reason="Sjukdom")
        assert moved.status_code == 200, moved.text
        after = events_by_uid(await feed(world, "/calendar/person/anna.ics"))
        assert list(after) == [uid]
        assert end_of(after[uid]) == datetime(2022, 8, 26, 16, 0, tzinfo=STOCKHOLM)
        assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]

    async def test_a_moved_cycle_deadline_moves_reports_not_moved_on_their_own(
            self, world: ApiWorld) -> None:
        await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                         new_deadline="2022-08-26T16:00:00+02:00", reason="Sjukdom")
        before = {**events_by_uid(await feed(world, "/calendar/person/anna.ics")),
                  **events_by_uid(await feed(world, "/calendar/person/bertil.ics", "bertil"))}
        moved = await world.post("move-cycle-deadline", "gun", cycle_id=str(CYCLE),
                                 level="enhet", new_deadline="2022-08-25T23:59:00+02:00",
                                 reason="Systemavbrott")
        assert moved.status_code == 200, moved.text
        after = {**events_by_uid(await feed(world, "/calendar/person/anna.ics")),
                 **events_by_uid(await feed(world, "/calendar/person/bertil.ics", "bertil"))}
        bjorkliden, ekhagen = (event_uid(BJORKLIDEN, "klarmarkera"),
                               event_uid(EKHAGEN, "klarmarkera"))
        assert end_of(after[bjorkliden]) == datetime(2022, 8, 25, 23, 59, tzinfo=STOCKHOLM)
        assert after[bjorkliden]["SEQUENCE"] > before[bjorkliden]["SEQUENCE"]
        assert end_of(after[ekhagen]) == datetime(2022, 8, 26, 16, 0, tzinfo=STOCKHOLM)


class TestUnitFeed:
    async def test_the_unit_feed_names_who_is_responsible(self, world: ApiWorld) -> None:
        events = events_by_uid(await feed(world, "/calendar/unit/enh-ekhagen.ics", "david"))
        event = events[event_uid(EKHAGEN, "klarmarkera")]
        assert "Ansvarig: Anna" in str(event["DESCRIPTION"])
        assert list(events) == [event_uid(EKHAGEN, "klarmarkera")]

    async def test_an_unknown_unit_is_not_found(self, world: ApiWorld) -> None:
        response = await world.get("/calendar/unit/enh-finns-inte.ics", "eva")
        assert response.status_code == 404


@pytest.fixture
async def signed(world: ApiWorld) -> AsyncIterator[httpx.AsyncClient]:
    """The same application behind an API with calendar links switched on."""
    api = create_app(world.app, world.app.bus, TOKENS)
    api.state.calendar_secret = SECRET
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        yield http


class TestFeedAccess:
    async def test_a_person_feed_is_only_for_that_person(self, world: ApiWorld) -> None:
        response = await world.get("/calendar/person/anna.ics", "bertil")
        assert response.status_code == 403

    async def test_a_feed_without_any_token_is_refused(self, world: ApiWorld) -> None:
        response = await world.http.get("/calendar/person/anna.ics")
        assert response.status_code == 401

    async def test_a_signed_link_opens_its_own_feed_without_a_bearer_token(
            self, signed: httpx.AsyncClient) -> None:
        answer = await signed.get("/api/calendar/links", headers=auth("anna"))
        by_subject = {link["subject"]: link["url"] for link in answer.json()["links"]}
        assert set(by_subject) == {"person:anna", "unit:enh-ekhagen"}
        response = await signed.get(by_subject["person:anna"])
        assert response.status_code == 200
        assert event_uid(EKHAGEN, "klarmarkera") in response.text

    async def test_a_link_token_does_not_open_another_feed(
            self, signed: httpx.AsyncClient) -> None:
        annas = feed_token(SECRET, "person:anna")
        response = await signed.get("/calendar/person/bertil.ics", params={"token": annas})
        assert response.status_code == 403

    async def test_a_link_token_with_any_characters_is_refused_not_a_crash(
            self, signed: httpx.AsyncClient) -> None:
        response = await signed.get("/calendar/person/anna.ics", params={"token": "Å"})
        assert response.status_code == 403

    async def test_links_without_a_secret_are_a_problem_naming_the_setting(
            self, world: ApiWorld) -> None:
        response = await world.get("/api/calendar/links", "anna")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert (problem["rule"], problem["setting"]) == ("calendar_secret_not_set",
                                                         "ARSPLAN_CALENDAR_SECRET")
        assert "ARSPLAN_CALENDAR_SECRET" in problem["detail"]
