"""The feed publishes by an explicit allow-list per event type: person ids pseudonymised,
other personal data (absence reasons, jäv grounds, names, e-mail) withheld without a
personal-data grant, and a field nobody has listed withheld from everyone."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from domain.base import Actor, Cause
from domain.delegation_ledger import DelegationLedger
from domain.delegationsbeslut import BeslutFacts
from domain.meeting import HELD, Meeting
from feed import allow_list
from feed.allow_list import BESLUT_FACTS, FIELDS, published
from feed.catalogue import event_classes, payload_fields
from feed.scope import EventScope
from feed.service import EventFeed
from tests.feed.conftest import make_feed
from tests.feed.server import feed_api, serving
from tests.support.engine import TestEngine

CAUSE = Cause(Actor("hans", "ordforande", "von"), datetime(2022, 9, 1, 10, tzinfo=UTC))


def pseudonym(value: str | None) -> str | None:
    return None if value is None else f"pseudonym-{value}"


class TestTheListIsComplete:
    @pytest.mark.parametrize("event_type", sorted(event_classes()))
    def test_every_recorded_field_is_listed_and_nothing_else(self, event_type: str) -> None:
        assert set(FIELDS[event_type]) == set(payload_fields(event_type))

    def test_the_facts_of_a_delegationsbeslut_are_listed_field_by_field(self) -> None:
        assert set(BESLUT_FACTS) == {f.name for f in dataclasses.fields(BeslutFacts)}


class TestPublished:
    def test_a_field_nobody_listed_is_withheld_from_everyone(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(FIELDS, "Cycle.BeslutExported", {"destination": allow_list.PUBLIC})
        payload = {"destination": "platina", "reference": "P-1"}
        for grant in (None, pseudonym):
            assert published("Cycle.BeslutExported", payload, grant) == (
                {"destination": "platina"}, ["reference"])

    def test_lists_of_person_ids_are_pseudonymised_one_by_one(self) -> None:
        out, withheld = published("Meeting.JusteringReminderSent", {"to": ["hans", "ida"]},
                                  pseudonym)
        assert out == {"to": ["pseudonym-hans", "pseudonym-ida"]} and withheld == []

    def test_personal_data_goes_out_in_clear_only_with_the_grant(self) -> None:
        payload = {"arende_ref": "VON 2022/17", "person_id": "anna", "on": "2022-09-01",
                   "grounds": "make till sökanden"}
        assert published("DelegationLedger.JavDeclared", payload, None) == (payload, [])
        out, withheld = published("DelegationLedger.JavDeclared", payload, pseudonym)
        assert out == {"arende_ref": "VON 2022/17", "person_id": "pseudonym-anna",
                       "on": "2022-09-01"}
        assert withheld == ["grounds"]


def _meeting_events() -> list[Any]:
    meeting = Meeting.schedule("VON", date(2022, 9, 20), datetime(2022, 9, 20, 13, tzinfo=UTC),
                               date(2022, 9, 6), "2022.228 VON", CAUSE)
    meeting.status = HELD  # the justering reminder's precondition; how it got there is elsewhere
    meeting.remind_justering(["hans", "ida"], CAUSE)
    return meeting.collect_events()


def test_the_justering_reminders_recipients_are_pseudonymised(
        populated: TestEngine, durable_env: dict[str, str]) -> None:
    feed: EventFeed = make_feed(populated, durable_env)
    reminder = _meeting_events()[-1]
    envelope = feed.envelope(1, reminder, "Meeting.JusteringReminderSent",
                             EventScope(namnd_code="VON"), 1, clear=False)
    assert all(p.startswith("pseudonym-") for p in envelope.payload["to"])
    assert "hans" not in envelope.model_dump_json()


@pytest.fixture
def base_url(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[str]:
    ledger = DelegationLedger.open("VON", CAUSE)
    ledger.declare_jav("VON 2022/17", "anna", date(2022, 9, 1), "make till sökanden", CAUSE)
    populated.save(ledger)
    with serving(feed_api(populated, make_feed(populated, durable_env))) as url:
        yield url


def _events(base_url: str, token: str, event_type: str) -> list[dict[str, Any]]:
    page = httpx.get(f"{base_url}/feed/events", params={"type": event_type, "limit": 100},
                     headers={"Authorization": f"Bearer {token}"})
    return list(page.raise_for_status().json()["events"])


class TestOverHttp:
    def test_an_absence_reason_is_withheld_and_the_substitute_pseudonymised(
            self, base_url: str) -> None:
        [ida] = [e for e in _events(base_url, "tok-von-bi", "Organisation.RoleAssigned")
                 if e["payload"]["assignment_id"] == "a11"]
        assert "reason" not in ida["payload"] and ida["withheld"] == ["reason"]
        assert ida["payload"]["substitute_for"].startswith("pseudonym-")
        [clear] = [e for e in _events(base_url, "tok-revision", "Organisation.RoleAssigned")
                   if e["payload"]["assignment_id"] == "a11"]
        assert clear["payload"]["reason"] == "frånvaro" and clear["withheld"] == []

    def test_no_name_or_e_mail_goes_out_only_the_profile_digest(self, base_url: str) -> None:
        for token in ("tok-von-bi", "tok-revision"):  # not even with the personal-data grant
            events = _events(base_url, token, "Organisation.PersonRegistered")
            assert events
            for event in events:
                assert set(event["payload"]) == {"person_id", "profile_digest"}
                assert len(event["payload"]["profile_digest"]) == 64
                assert event["withheld"] == []

    def test_jav_grounds_are_withheld(self, base_url: str) -> None:
        [jav] = _events(base_url, "tok-von-bi", "DelegationLedger.JavDeclared")
        assert "grounds" not in jav["payload"]
        assert "make till" not in str(jav)
        [clear] = _events(base_url, "tok-revision", "DelegationLedger.JavDeclared")
        assert clear["payload"]["grounds"] == "make till sökanden"
