"""The feed's HTTP API on a real server: pages, tokens, grants, acknowledgements, SSE."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from feed import position_token
from tests.feed.conftest import make_feed
from tests.feed.scenario import add_more
from tests.feed.server import feed_api, serving
from tests.support.engine import TestEngine


@pytest.fixture
def base_url(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[str]:
    with serving(feed_api(populated, make_feed(populated, durable_env))) as url:
        yield url


def client(base_url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"})


async def read_all(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {**params, "limit": 4, **({"after": after} if after else {})}
        page = (await http.get("/feed/events", params=query)).raise_for_status().json()
        events += page["events"]
        after = page["next"]
        if page["caught_up"]:
            return events


class TestPagedReads:
    async def test_pages_chain_through_opaque_tokens_to_the_whole_log(
            self, base_url: str, populated: TestEngine) -> None:
        async with client(base_url, "tok-revision") as http:
            events = await read_all(http)
        head = populated.recorder.max_notification_id()
        assert [e["position"] for e in events] == list(range(1, (head or 0) + 1))

    async def test_filters_are_query_parameters(self, base_url: str) -> None:
        async with client(base_url, "tok-revision") as http:
            events = await read_all(http, type=["UnitReport.ReminderSent"],
                                    version=["UnitReport.ReminderSent:1"])
        assert [(e["type"], e["version"], e["payload"]["recipient_person_id"])
                for e in events] == [("UnitReport.ReminderSent", 1, "cecilia")]

    async def test_a_namnd_integration_sees_only_its_namnd(self, base_url: str) -> None:
        async with client(base_url, "tok-von-bi") as http:
            events = await read_all(http)
        assert {e["scope"]["namnd_code"] for e in events} == {"VON"}

    async def test_a_revisor_person_token_sees_the_namnder_they_audit(self,
                                                                      base_url: str) -> None:
        # The revisor holds the role in VON's organisation only; KFN's record stays closed.
        async with client(base_url, "dev-revisor") as http:
            events = await read_all(http)
        assert {e["scope"]["namnd_code"] for e in events} == {"VON"}

    async def test_a_person_without_a_feed_role_is_refused(self, base_url: str) -> None:
        async with client(base_url, "dev-anna") as http:
            response = await http.get("/feed/events")
        assert response.status_code == 403

    async def test_unknown_token_is_unauthenticated(self, base_url: str) -> None:
        async with client(base_url, "nope") as http:
            response = await http.get("/feed/events")
        assert response.status_code == 401

    async def test_a_forged_position_token_is_a_problem(self, base_url: str) -> None:
        async with client(base_url, "tok-revision") as http:
            response = await http.get("/feed/events", params={"after": "12"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["rule"] == "position_token"


class TestAcknowledge:
    async def test_a_consumer_resumes_after_what_it_acknowledged(self, base_url: str) -> None:
        async with client(base_url, "tok-revision") as http:
            first = (await http.get("/feed/events", params={"consumer": "diarium",
                                                           "limit": 3})).json()
            ack = await http.post("/feed/consumers/diarium/ack",
                                  json={"position": first["next"]})
            assert ack.status_code == 200
            again = (await http.get("/feed/events", params={"consumer": "diarium",
                                                           "limit": 3})).json()
            position = (await http.get("/feed/consumers/diarium")).json()["position"]
        assert [e["position"] for e in again["events"]] == [4, 5, 6]
        assert position_token.decode(position) == 3

    async def test_acknowledging_past_the_log_is_refused(self, base_url: str,
                                                         populated: TestEngine) -> None:
        beyond = position_token.encode((populated.recorder.max_notification_id() or 0) + 5)
        async with client(base_url, "tok-revision") as http:
            response = await http.post("/feed/consumers/diarium/ack", json={"position": beyond})
        assert response.status_code == 403
        assert response.json()["rule"] == "ack_beyond_head"


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    event_id = ""
    async for line in response.aiter_lines():
        if line.startswith("id: "):
            event_id = line[4:]
        elif line.startswith("data: "):
            yield event_id, json.loads(line[6:])


SSE = AsyncIterator[tuple[str, dict[str, Any]]]


async def take(events: SSE, count: int) -> list[tuple[str, dict[str, Any]]]:
    return [await anext(events) for _ in range(count)]


class TestLiveStream:
    async def test_stream_tails_new_events_and_resumes_from_last_event_id(
            self, base_url: str, populated: TestEngine) -> None:
        head = populated.recorder.max_notification_id() or 0
        types = {"type": ["UnitReport.ItemChanged"]}
        async with client(base_url, "tok-revision") as http:
            async with http.stream("GET", "/feed/stream", params=types) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                events = sse_events(response)
                history = await take(events, 3)
                # Written while the stream is open: arrives live.
                await asyncio.to_thread(add_more, populated, 2)
                live = await asyncio.wait_for(take(events, 2), timeout=10)
            last_id = live[0][0]
            async with http.stream("GET", "/feed/stream", params=types,
                                   headers={"Last-Event-ID": last_id}) as response:
                resumed = await asyncio.wait_for(take(sse_events(response), 1), timeout=10)
        assert [e["type"] for _, e in history + live] == ["UnitReport.ItemChanged"] * 5
        assert all(e["position"] > head for _, e in live)
        assert resumed[0][1]["event_id"] == live[1][1]["event_id"]
        assert [position_token.decode(i) for i, _ in live] == [e["position"] for _, e in live]

    async def test_stream_applies_the_grant(self, base_url: str, populated: TestEngine) -> None:
        async with client(base_url, "tok-revision") as auditor:
            von_count = len(await read_all(auditor, namnd=["VON"]))
        async with client(base_url, "tok-von-bi") as http, \
                http.stream("GET", "/feed/stream") as response:
            stream = sse_events(response)
            events = await asyncio.wait_for(take(stream, von_count), timeout=10)
            await asyncio.to_thread(add_more, populated, 1)  # after all of VON: VON again
            [(_, live)] = await asyncio.wait_for(take(stream, 1), timeout=10)
        assert {e["scope"]["namnd_code"] for _, e in events} == {"VON"}
        assert live["scope"]["namnd_code"] == "VON"
        assert live["actor"]["person_id"].startswith("pseudonym-")
