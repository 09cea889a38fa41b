from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from domain.application import Arsplaner
from feed.positions import ConsumerPositions
from feed.service import EventFeed
from tests.feed.scenario import populate
from tests.support.clock import ManualClock
from tests.support.stores import postgres_available, postgres_schema_env, sqlite_env

_PG = postgres_available()
SECRET = b"feed-test-secret"


@pytest.fixture(params=["sqlite", "postgres"])
def durable_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Stores that outlive the application object, as a restarted process would see them."""
    if request.param == "sqlite":
        yield sqlite_env(tmp_path / "events.sqlite")
        return
    if not _PG:
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432 (start it to run these)")
    with postgres_schema_env() as env:
        yield env


@pytest.fixture
def open_app(durable_env: dict[str, str],
             clock: ManualClock) -> Iterator[Callable[[], Arsplaner]]:
    """Opens a fresh application on the same store, like a new process; closes them all."""
    opened: list[Arsplaner] = []

    def open_() -> Arsplaner:
        opened.append(Arsplaner(env=durable_env, clock=clock))
        return opened[-1]

    yield open_
    for app in opened:
        app.close()


@pytest.fixture
def populated(open_app: Callable[[], Arsplaner]) -> Arsplaner:
    app = open_app()
    populate(app)
    return app


def make_feed(app: Arsplaner, env: dict[str, str]) -> EventFeed:
    return EventFeed(app, ConsumerPositions.from_env(env), SECRET)
