from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from feed.positions import ConsumerPositions
from feed.service import EventFeed
from tests.feed.scenario import populate
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine

SECRET = b"feed-test-secret"


@pytest.fixture
def open_app(durable_env: dict[str, str],
             clock: ManualClock) -> Iterator[Callable[[], TestEngine]]:
    """Opens a fresh application on the same store, like a new process; closes them all."""
    opened: list[TestEngine] = []

    def open_() -> TestEngine:
        opened.append(TestEngine(env=durable_env, clock=clock))
        return opened[-1]

    yield open_
    for app in opened:
        app.close()


@pytest.fixture
def populated(open_app: Callable[[], TestEngine]) -> TestEngine:
    app = open_app()
    populate(app)
    return app


def make_feed(app: TestEngine, env: dict[str, str]) -> EventFeed:
    return EventFeed(app, ConsumerPositions.from_env(env), SECRET)
