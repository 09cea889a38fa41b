"""Who sees which deadline in their calendar, and the feed's shape, on an in-memory store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from domain import commands as c
from domain.calendar import STOCKHOLM
from infrastructure.ical import build_calendar, event_uid
from projections.deadlines import person_deadlines, unit_deadlines
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.stores import MEMORY_ENV

EKHAGEN = str(report("enh-ekhagen"))
IN_IDAS_WEEKS = datetime(2022, 7, 20, 16, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def von() -> Iterator[TestEngine]:
    app = TestEngine(env=dict(MEMORY_ENV),
                    clock=ManualClock(datetime(2022, 6, 1, 8, 0, tzinfo=UTC)))
    build_organisation(app)
    open_delar_2022(app)
    yield app
    app.close()


def move_ekhagen(app: TestEngine, to: datetime) -> None:
    app.execute(c.MoveReportDeadline(report_id=EKHAGEN, new_deadline=to, reason="Tidigare"),
                "gun")


class TestErsattare:
    def test_the_vikarie_sees_only_deadlines_inside_her_period(self, von: TestEngine) -> None:
        assert person_deadlines(von, "VON", "ida") == []
        move_ekhagen(von, IN_IDAS_WEEKS)
        [entry] = person_deadlines(von, "VON", "ida")
        assert (entry.uid, entry.on_behalf_of) == (event_uid(EKHAGEN, "klarmarkera"), "Anna")

    def test_the_ordinary_chef_keeps_her_deadline_during_the_vikariat(
            self, von: TestEngine) -> None:
        move_ekhagen(von, IN_IDAS_WEEKS)
        [entry] = person_deadlines(von, "VON", "anna")
        assert (entry.deadline, entry.on_behalf_of) == (IN_IDAS_WEEKS, None)

    def test_the_unit_feed_names_the_vikarie_as_responsible_inside_her_period(
            self, von: TestEngine) -> None:
        move_ekhagen(von, IN_IDAS_WEEKS)
        [entry] = unit_deadlines(von, "VON", "enh-ekhagen")
        assert entry.responsible == "Ida"


class TestAttestDeadline:
    def test_attestation_is_due_with_the_parents_report_until_requested(
            self, von: TestEngine) -> None:
        attest = {e.uid: e for e in person_deadlines(von, "VON", "david")}
        due = attest[event_uid(EKHAGEN, "attestera")].deadline
        assert due == datetime(2022, 8, 30, 23, 59, tzinfo=STOCKHOLM)

    def test_a_moved_attest_deadline_wins(self, von: TestEngine) -> None:
        new = datetime(2022, 8, 28, 12, 0, tzinfo=STOCKHOLM)
        von.execute(c.MoveReportDeadline(report_id=EKHAGEN, deadline_kind="attest",
                                         new_deadline=new, reason="Semester"), "gun")
        attest = {e.uid: e for e in person_deadlines(von, "VON", "david")}
        assert attest[event_uid(EKHAGEN, "attestera")].deadline == new


class TestFeedBytes:
    def test_the_same_history_gives_byte_identical_feeds(self, von: TestEngine) -> None:
        entries = person_deadlines(von, "VON", "david")
        first = build_calendar("person-david", "David", entries, STOCKHOLM)
        assert build_calendar("person-david", "David", list(reversed(entries)),
                              STOCKHOLM) == first

    def test_events_end_at_the_deadline_and_do_not_block_time(self, von: TestEngine) -> None:
        feed = Calendar.from_ical(build_calendar(
            "person-anna", "Anna", person_deadlines(von, "VON", "anna"), STOCKHOLM))
        [event] = feed.walk("VEVENT")
        assert event.decoded("DTSTART") < event.decoded("DTEND")
        assert event.decoded("DTEND") == datetime(2022, 8, 23, 23, 59, tzinfo=STOCKHOLM)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert "Status: Ej påbörjad" in str(event["DESCRIPTION"])
