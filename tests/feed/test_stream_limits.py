"""A live stream is bounded: streams per client, its lifetime, and a grant asked again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from feed.settings import FeedSettings
from tests.feed.conftest import make_feed
from tests.feed.server import GRANTS, feed_api, serving
from tests.support.engine import TestEngine

INTEGRATION = {"Authorization": "Bearer tok-revision"}


@pytest.fixture
def api(populated: TestEngine, durable_env: dict[str, str]) -> FastAPI:
    built = feed_api(populated, make_feed(populated, durable_env))
    built.state.feed_grants = dict(GRANTS)  # a test may revoke one
    built.state.tokens = {"dev-revisor": "revisor"}
    built.state.feed_settings = FeedSettings(poll_seconds=0.05, stream_max_per_client=2,
                                             stream_max_seconds=3600,
                                             stream_reauthorise_seconds=0.2)
    return built


@pytest.fixture
def base_url(api: FastAPI) -> Iterator[str]:
    with serving(api) as url:
        yield url


async def last_event_of(response: httpx.Response) -> list[str]:
    """The stream's lines from its closing ``event:`` line (end or error) on."""
    lines = response.aiter_lines()
    async with asyncio.timeout(20):
        async for line in lines:
            if line in ("event: end", "event: error"):
                return [line, await anext(lines)]
    raise AssertionError("the stream closed without saying why")


async def test_a_client_beyond_its_streams_is_told_to_wait(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=INTEGRATION) as http:
        async with http.stream("GET", "/feed/stream") as first, \
                http.stream("GET", "/feed/stream") as second:
            third = await http.get("/feed/stream")
            assert (first.status_code, second.status_code) == (200, 200)
        assert third.status_code == 429
        assert third.headers["retry-after"] == "30"
        assert "2 öppna strömmar" in third.json()["detail"]
        await asyncio.sleep(0.3)  # the server notices the closed streams
        async with http.stream("GET", "/feed/stream") as again:
            assert again.status_code == 200  # closed streams no longer count


async def test_a_stream_ends_at_its_time_limit(api: FastAPI, base_url: str) -> None:
    api.state.feed_settings = FeedSettings(poll_seconds=0.05, stream_max_seconds=0.5)
    async with httpx.AsyncClient(base_url=base_url, headers=INTEGRATION) as http, \
            http.stream("GET", "/feed/stream") as response:
        closing = await last_event_of(response)
    assert closing[0] == "event: end"
    assert "Last-Event-ID" in closing[1]


async def test_a_revoked_integration_token_ends_its_stream(api: FastAPI,
                                                            base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=INTEGRATION) as http, \
            http.stream("GET", "/feed/stream") as response:
        assert response.status_code == 200
        del api.state.feed_grants["tok-revision"]
        closing = await last_event_of(response)
    assert closing == ["event: error",
                       "data: Saknad eller okänd token (Authorization: Bearer …)"]


async def test_a_person_who_loses_the_grant_loses_the_stream(api: FastAPI,
                                                              base_url: str) -> None:
    headers = {"Authorization": "Bearer dev-revisor"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http, \
            http.stream("GET", "/feed/stream") as response:
        assert response.status_code == 200
        api.state.tokens = {}  # the person's token is withdrawn
        closing = await last_event_of(response)
    assert closing[0] == "event: error"
