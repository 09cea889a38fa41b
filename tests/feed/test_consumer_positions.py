"""Consumers read in order from their own durable position and resume after a crash."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from domain.errors import InvalidInputError, RuleViolationError
from feed.authority import FeedGrant
from feed.service import EventFeed
from tests.feed.conftest import make_feed
from tests.feed.scenario import add_more
from tests.support.engine import TestEngine

AUDITOR = FeedGrant("revision", None, personal_data=True)


class ConsumerCrashed(Exception):
    pass


def all_event_ids(app: TestEngine) -> list[UUID]:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [app.mapper.to_domain_event(n).event_id for n in notifications]


def consume(feed: EventFeed, consumer: str, handled: list[UUID], crash_after: int | None = None,
            page_size: int = 4) -> None:
    """Handles events one by one, acknowledging each once handled, as a worker does."""
    while True:
        page = feed.read(AUDITOR, feed.position(AUDITOR, consumer), limit=page_size)
        if not page.events:
            return
        for envelope in page.events:
            if crash_after is not None and len(handled) == crash_after:
                raise ConsumerCrashed  # dies holding an event it has not handled
            handled.append(envelope.event_id)
            feed.acknowledge(AUDITOR, consumer, envelope.position)


class TestResumeAfterCrash:
    def test_consumer_killed_mid_page_resumes_with_no_gaps_and_no_duplicates(
            self, populated: TestEngine, open_app: Callable[[], TestEngine],
            durable_env: dict[str, str]) -> None:
        handled: list[UUID] = []
        with pytest.raises(ConsumerCrashed):
            consume(make_feed(populated, durable_env), "bi-loader", handled, crash_after=7)
        assert len(handled) == 7
        # A new process: new application and feed objects on the same store.
        add_more(populated, 3)
        consume(make_feed(open_app(), durable_env), "bi-loader", handled)
        assert handled == all_event_ids(populated)

    def test_two_consumers_progress_independently(
            self, populated: TestEngine, durable_env: dict[str, str]) -> None:
        feed = make_feed(populated, durable_env)
        fast: list[UUID] = []
        slow: list[UUID] = []
        consume(feed, "diarium", fast)
        with pytest.raises(ConsumerCrashed):
            consume(feed, "teams", slow, crash_after=2)
        assert feed.position(AUDITOR, "diarium") == feed.head()
        assert feed.position(AUDITOR, "teams") == 2
        consume(feed, "teams", slow)
        assert slow == fast == all_event_ids(populated)

    def test_positions_belong_to_the_client_that_acknowledged(
            self, populated: TestEngine, durable_env: dict[str, str]) -> None:
        feed = make_feed(populated, durable_env)
        von = FeedGrant("von-integration", frozenset({"VON"}))
        feed.acknowledge(AUDITOR, "loader", 5)
        assert feed.position(von, "loader") == 0


class TestAcknowledge:
    def test_acknowledging_an_earlier_position_never_moves_back(
            self, populated: TestEngine, durable_env: dict[str, str]) -> None:
        feed = make_feed(populated, durable_env)
        assert feed.acknowledge(AUDITOR, "loader", 6) == 6
        assert feed.acknowledge(AUDITOR, "loader", 3) == 6
        assert feed.acknowledge(AUDITOR, "loader", 6) == 6

    def test_acknowledging_past_the_newest_event_is_refused(
            self, populated: TestEngine, durable_env: dict[str, str]) -> None:
        feed = make_feed(populated, durable_env)
        with pytest.raises(RuleViolationError) as refused:
            feed.acknowledge(AUDITOR, "loader", feed.head() + 1)
        assert refused.value.rule == "ack_beyond_head"
        assert feed.position(AUDITOR, "loader") == 0

    def test_consumer_names_are_checked(
            self, populated: TestEngine, durable_env: dict[str, str]) -> None:
        feed = make_feed(populated, durable_env)
        with pytest.raises(InvalidInputError):
            feed.acknowledge(AUDITOR, "bad name:with:colons", 1)
