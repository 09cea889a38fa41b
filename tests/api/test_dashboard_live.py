"""The dashboard's live updates (api/dashboard_live.py) over a real HTTP server: a stream says
``changed`` when the page's events are recorded and not for others', resumes after the
position the page was rendered at, ends at its time limit, stops when the person no longer
signs in, is capped per person; the page's own route answers htmx with the region only."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from domain import commands as c
from feed.settings import FeedSettings
from tests.feed.server import serving
from tests.support.read_world import (
    CECILIAS_UNIT,
    MEETING_DAY,
    READERS,
    ReadWorld,
    auth,
    read_world,
)
from tests.unit.von_meetings import schedule

CONTROLLER, CECILIA = READERS["controller"], READERS["enhetschef annan avdelning"]


def fast(max_seconds: float, per_person: int = 4) -> FeedSettings:
    return FeedSettings(poll_seconds=0.05, stream_reauthorise_seconds=0.2,
                        stream_max_seconds=max_seconds, stream_max_per_client=per_person)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ReadWorld]:
    with read_world(tmp_path) as built:
        # Long enough for a command to land while the stream is open, under any load.
        built.api.state.feed_settings = fast(15)
        yield built


@pytest.fixture
def base_url(world: ReadWorld) -> Iterator[str]:
    with serving(world.api) as url:
        yield url


async def lines_until(response: httpx.Response, *last: str) -> list[str]:
    """The stream's lines up to and with the first of ``last`` (and the line after it)."""
    seen: list[str] = []
    lines = response.aiter_lines()
    async with asyncio.timeout(20):
        async for line in lines:
            seen.append(line)
            if line in last:
                seen.append(await anext(lines))
                return seen
    raise AssertionError(f"the stream closed without any of {last}: {seen}")


def klarmarkera_cecilias(world: ReadWorld) -> None:
    world.app.execute(c.Klarmarkera(report_id=world.report_id(CECILIAS_UNIT)), CECILIA)


def klarmarkerade(html: str) -> int:
    found = re.search(r'data-live-summary="klarmarkerade (\d+) av', html)
    assert found is not None, html
    return int(found.group(1))


async def test_a_report_of_the_cycle_changes_its_page(world: ReadWorld, base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CONTROLLER)) as http:
        page = (await http.get(f"/cykler/{world.cycle_id}")).text
        src = re.search(r'data-live-src="([^"]+)"', page)
        assert src is not None and 'aria-live="polite"' in page
        before = klarmarkerade(page)
        async with http.stream("GET", src.group(1)) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            await asyncio.to_thread(klarmarkera_cecilias, world)
            seen = await lines_until(stream, "event: changed", "event: end")
        region = await http.get(f"/cykler/{world.cycle_id}", headers={"HX-Request": "true"})
    assert "event: changed" in seen, seen
    assert seen[seen.index("event: changed") - 1].startswith("id: ")
    # htmx gets the region alone: no page around it, one more klarmarkerad.
    assert "<html" not in region.text and "<h1>" not in region.text
    assert klarmarkerade(region.text) == before + 1
    assert 'data-series="klarmarkerade"' in region.text


async def test_others_events_do_not_change_the_cycle_page(world: ReadWorld,
                                                          base_url: str) -> None:
    world.api.state.feed_settings = fast(1.5)  # the stream's end shows nothing came
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CONTROLLER)) as http, \
            http.stream("GET", f"/cykler/{world.cycle_id}/live") as stream:
        # A sammanträde is planned: an event, but not the cycle's.
        await asyncio.to_thread(schedule, world.app, MEETING_DAY.replace(day=22))
        seen = await lines_until(stream, "event: changed", "event: end")
    assert seen[-2] == "event: end", seen
    assert seen[-3].startswith("id: ")  # the browser resumes from there


async def test_a_stream_resumes_after_the_position_the_page_was_rendered_at(
        world: ReadWorld, base_url: str) -> None:
    world.api.state.feed_settings = fast(1.5)
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CONTROLLER)) as http:
        page = (await http.get(f"/cykler/{world.cycle_id}")).text
        src = re.search(r'data-live-src="([^"]+)"', page)
        assert src is not None
        await asyncio.to_thread(klarmarkera_cecilias, world)  # before the stream opens
        async with http.stream("GET", src.group(1)) as stream:
            seen = await lines_until(stream, "event: changed", "event: end")
        # Last-Event-ID (the browser's reconnect) wins over the page's position.
        head = world.app.recorder.max_notification_id()
        async with http.stream("GET", src.group(1),
                               headers={"Last-Event-ID": str(head)}) as stream:
            again = await lines_until(stream, "event: changed", "event: end")
    assert "event: changed" in seen
    assert "event: changed" not in again


async def test_the_att_gora_list_changes_with_the_persons_reports(world: ReadWorld,
                                                                  base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CECILIA)) as http:
        page = (await http.get("/att-gora")).text
        src = re.search(r'data-live-src="([^"]+)"', page)
        assert src is not None and "Bjärkegården" in page
        async with http.stream("GET", src.group(1)) as stream:
            await asyncio.to_thread(klarmarkera_cecilias, world)
            seen = await lines_until(stream, "event: changed", "event: end")
        region = (await http.get("/att-gora", headers={"HX-Request": "true"})).text
    assert "event: changed" in seen
    assert "<h1>" not in region and "Bjärkegården" not in region


async def test_a_person_no_longer_signed_in_is_told_to_stop(world: ReadWorld,
                                                            base_url: str) -> None:
    world.api.state.feed_settings = fast(30)
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CONTROLLER)) as http, \
            http.stream("GET", f"/cykler/{world.cycle_id}/live") as stream:
        assert stream.status_code == 200
        world.api.state.tokens = {}  # the token is withdrawn
        seen = await lines_until(stream, "event: stop", "event: end")
    assert seen[-2:] == ["event: stop", "data: inte längre behörig"]


async def test_a_person_holds_a_bounded_number_of_streams(world: ReadWorld,
                                                          base_url: str) -> None:
    world.api.state.feed_settings = fast(30, per_person=1)
    url = f"/cykler/{world.cycle_id}/live"
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CONTROLLER)) as http, \
            http.stream("GET", url) as first:
        second = await http.get(url)
        assert first.status_code == 200
    # Another person is not counted against this one.
    async with httpx.AsyncClient(base_url=base_url, headers=auth(CECILIA)) as other, \
            other.stream("GET", "/att-gora/live") as own:
        assert own.status_code == 200
    assert second.status_code == 429 and second.headers["retry-after"] == "30"


async def test_a_reader_without_the_cycle_gets_no_stream(world: ReadWorld,
                                                         base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        refused = await http.get(f"/cykler/{world.cycle_id}/live",
                                 headers=auth(READERS["nämndsekreterare"]))
        unknown = await http.get(f"/cykler/{uuid4()}/live", headers=auth(CONTROLLER))
        # The revisor reads the sammanträde, which is no cycle.
        meeting = await http.get(f"/cykler/{world.meeting_id}/live",
                                 headers=auth(READERS["revisor"]))
    assert refused.status_code == 403
    assert (unknown.status_code, meeting.status_code) == (404, 404)
