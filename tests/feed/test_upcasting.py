"""A payload that changed shape (ReminderSent v1 → v2) is still read by a v1 consumer."""

from __future__ import annotations

import pytest

from feed.authority import FeedGrant
from feed.service import EventFeed, FeedFilter
from feed.upcasting import UPCASTERS, current_version, upcast, upcaster
from tests.feed.conftest import make_feed
from tests.support.engine import TestEngine

AUDITOR = FeedGrant("revision", None, personal_data=True)
REMINDERS = frozenset({"UnitReport.ReminderSent"})


@pytest.fixture
def feed(populated: TestEngine, durable_env: dict[str, str]) -> EventFeed:
    return make_feed(populated, durable_env)


def test_reminder_sent_is_published_in_version_2(feed: EventFeed) -> None:
    [event] = feed.read(AUDITOR, 0, FeedFilter(types=REMINDERS)).events
    assert current_version("UnitReport.ReminderSent") == 2
    assert event.version == 2
    assert event.payload == {"recipient": {"person_id": "cecilia"}, "task": "klarmarkera",
                             "deadline": "2022-08-23T23:59:00+02:00",
                             "deadline_date": "2022-08-23", "overdue": False}


def test_a_consumer_pinned_to_version_1_gets_the_old_shape(feed: EventFeed) -> None:
    pinned = FeedFilter(types=REMINDERS, versions={"UnitReport.ReminderSent": 1})
    [event] = feed.read(AUDITOR, 0, pinned).events
    assert event.version == 1
    assert event.payload == {"recipient_person_id": "cecilia", "task": "klarmarkera",
                             "deadline": "2022-08-23T23:59:00+02:00", "overdue": False}


def test_a_version_1_envelope_from_before_the_change_upcasts_to_what_the_feed_sends_now(
        feed: EventFeed) -> None:
    pinned = FeedFilter(types=REMINDERS, versions={"UnitReport.ReminderSent": 1})
    [old] = feed.read(AUDITOR, 0, pinned).events
    [new] = feed.read(AUDITOR, 0, FeedFilter(types=REMINDERS)).events
    assert upcast(old.type, old.version, old.payload) == new.payload


def test_unchanged_types_stay_at_version_1(feed: EventFeed) -> None:
    events = feed.read(AUDITOR, 0, FeedFilter(types=frozenset({"UnitReport.Klarmarkerad"})))
    assert {e.version for e in events.events} == {1}


def test_an_upcaster_cannot_be_registered_twice_for_one_version() -> None:
    with pytest.raises(ValueError, match="already exists"):
        upcaster("UnitReport.ReminderSent", 1)(lambda p: p)
    assert ("UnitReport.ReminderSent", 1) in UPCASTERS


def test_asking_for_a_version_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError):
        upcast("UnitReport.ReminderSent", 1, {}, to=3)
