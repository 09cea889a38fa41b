"""feed.client.subscribe against a real server: resume after a crash, follow live events."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from feed.client import subscribe
from tests.feed.conftest import make_feed
from tests.feed.scenario import add_more
from tests.feed.server import feed_api, serving
from tests.feed.test_consumer_positions import all_event_ids
from tests.support.engine import TestEngine


class WorkerDied(Exception):
    pass


@pytest.fixture
def base_url(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[str]:
    with serving(feed_api(populated, make_feed(populated, durable_env))) as url:
        yield url


async def handle(base_url: str, handled: list[UUID], die_at: int | None = None) -> None:
    async for event in subscribe(base_url, "tok-revision", "bi-loader", page_size=5,
                                 stop_when_caught_up=True):
        if len(handled) == die_at:
            raise WorkerDied
        handled.append(event.event_id)


async def test_worker_killed_mid_stream_resumes_with_no_gaps_and_no_duplicates(
        base_url: str, populated: TestEngine) -> None:
    handled: list[UUID] = []
    with pytest.raises(WorkerDied):
        await handle(base_url, handled, die_at=8)
    await asyncio.to_thread(add_more, populated, 4)
    await handle(base_url, handled)
    assert handled == all_event_ids(populated)


async def test_subscription_follows_events_written_after_it_caught_up(
        base_url: str, populated: TestEngine) -> None:
    seen: list[str] = []

    async def follow() -> None:
        async for event in subscribe(base_url, "tok-von-bi", "teams", poll_seconds=0.05,
                                     types=["UnitReport.ItemChanged"],
                                     unit_ids=["enh-bjorkliden"]):
            seen.append(event.payload["new"])
            if seen[-1] == "Version 2":
                return

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.3)  # caught up and polling
    await asyncio.to_thread(add_more, populated, 3)
    await asyncio.wait_for(follower, timeout=10)
    assert seen == ["Pågår", "Version 0", "Version 1", "Version 2"]


def run_worker(base_url: str, output: Path, kill_after: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.feed.killable_consumer", base_url, "tok-revision",
         "sigkill-worker", str(output), str(kill_after)],
        capture_output=True, text=True, timeout=60)


def test_worker_process_sigkilled_after_handling_gets_that_event_again_and_writes_it_once(
        base_url: str, populated: TestEngine, tmp_path: Path) -> None:
    output = tmp_path / "handled.txt"
    killed = run_worker(base_url, output, kill_after=7)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    add_more(populated, 3)
    finished = run_worker(base_url, output, kill_after=0)
    assert finished.returncode == 0, finished.stderr
    # Handled but not acknowledged when killed: delivered again, written once.
    assert finished.stdout.split()[0] == "7"
    lines = [line.split() for line in output.read_text().splitlines()]
    assert [UUID(event_id) for _, event_id in lines] == all_event_ids(populated)
