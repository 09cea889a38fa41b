"""The digest worker, through the real feed server: late units, resumed state, no double count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain import commands as c
from domain import system_commands as sc
from examples.late_units_digest import DigestState, write_digest
from feed.authority import FeedGrant
from feed.envelope import EventEnvelope
from tests.feed.conftest import make_feed
from tests.feed.scenario import BJORKLIDEN, EKHAGEN, HEMTJANST
from tests.feed.server import feed_api, serving
from tests.support.engine import TestEngine

ENHET_DEADLINE = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)


def deadline_passed(app: TestEngine, report_id: object, key: str) -> None:
    app.execute_system(sc.RecordDeadlinePassed(
        command_id=key, occurred_at=ENHET_DEADLINE, report_id=report_id,
        task="klarmarkera", deadline=ENHET_DEADLINE))


@pytest.fixture
def base_url(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[str]:
    with serving(feed_api(populated, make_feed(populated, durable_env))) as url:
        yield url


async def test_digest_lists_late_units_and_carries_its_state_to_the_next_day(
        base_url: str, populated: TestEngine, tmp_path: Path) -> None:
    state, out = tmp_path / "state.json", tmp_path / "digests"
    deadline_passed(populated, BJORKLIDEN, "late-bjorkliden")
    deadline_passed(populated, HEMTJANST, "late-hemtjanst")
    first = await write_digest(base_url, "tok-von-bi", state, out, date(2022, 8, 24))
    assert first.read_text(encoding="utf-8").splitlines() == [
        "Försenade rapporter 2022-08-24", "",
        "- enh-bjorkliden (VON): skulle klarmarkerats senast 2022-08-23, 1 dag sen",
        "- enh-hemtjanst-norr (VON): skulle klarmarkerats senast 2022-08-23, 1 dag sen",
    ]
    # Next day: Hemtjänst Norr klarmarkerar; only events since yesterday are read.
    populated.execute(c.Klarmarkera(report_id=HEMTJANST), "cecilia")
    second = await write_digest(base_url, "tok-von-bi", state, out, date(2022, 8, 26))
    assert second.read_text(encoding="utf-8").splitlines()[2:] == [
        "- enh-bjorkliden (VON): skulle klarmarkerats senast 2022-08-23, 3 dagar sen"]
    assert DigestState.load(state).position == populated.recorder.max_notification_id()


async def test_no_late_units_says_so(base_url: str, tmp_path: Path) -> None:
    digest = await write_digest(base_url, "tok-von-bi", tmp_path / "s.json", tmp_path,
                                date(2022, 8, 20))
    assert digest.read_text(encoding="utf-8").splitlines()[2] == "Inga försenade rapporter."


def test_an_event_delivered_again_after_a_crash_is_applied_once(populated: TestEngine,
                                                                durable_env: dict[str, str]
                                                                ) -> None:
    feed = make_feed(populated, durable_env)
    events = feed.read(FeedGrant("x", None), 0, limit=1000).events
    opened = next(e for e in events if e.type == "UnitReport.Opened"
                  and e.aggregate.id == EKHAGEN)
    klar = next(e for e in events if e.type == "UnitReport.Klarmarkerad")
    reopened = EventEnvelope.model_validate(
        {**klar.model_dump(), "type": "UnitReport.Reopened", "position": klar.position + 1000})
    state = DigestState()
    for event in (opened, klar, reopened, klar):  # klar again: a redelivery
        state.apply(event)
    assert state.reports[str(EKHAGEN)].done is False
