"""What a consumer acknowledges agrees with what the events carry; the live stream says that
it leaves the consumer's position to acknowledgements; instants are Stockholm time."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from feed import position_token
from tests.api.test_local_times import instants
from tests.feed.conftest import make_feed
from tests.feed.server import feed_api, serving
from tests.support.engine import TestEngine


@pytest.fixture
def base_url(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[str]:
    with serving(feed_api(populated, make_feed(populated, durable_env))) as url:
        yield url


def client(base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, headers={"Authorization": "Bearer tok-revision"})


async def test_an_event_is_acknowledged_by_the_position_it_carries(base_url: str) -> None:
    async with client(base_url) as http:
        page = (await http.get("/feed/events", params={"consumer": "diarium", "limit": 3})).json()
        third = page["events"][-1]["position"]
        ack = await http.post("/feed/consumers/diarium/ack", json={"position": third})
        again = (await http.get("/feed/events", params={"consumer": "diarium", "limit": 1})).json()
    assert ack.status_code == 200, ack.text
    assert position_token.decode(ack.json()["position"]) == third == 3
    assert [e["position"] for e in again["events"]] == [4]


async def test_a_negative_position_or_a_forged_token_is_still_refused(base_url: str) -> None:
    async with client(base_url) as http:
        negative = await http.post("/feed/consumers/diarium/ack", json={"position": -1})
        forged = await http.post("/feed/consumers/diarium/ack", json={"position": "7"})
    assert negative.status_code == 422
    assert (forged.status_code, forged.json()["rule"]) == (422, "position_token")


async def test_a_consumers_stream_says_that_only_acknowledgements_move_its_position(
        base_url: str) -> None:
    async with client(base_url) as http:
        async with http.stream("GET", "/feed/stream", params={"consumer": "diarium"}) as response:
            header = response.headers["feed-acknowledgement"]
            lines = response.aiter_lines()
            preamble = [await anext(lines) for _ in range(4)]
            first_event = [await anext(lines) for _ in range(3)]
        position = (await http.get("/feed/consumers/diarium")).json()["position"]
    assert header == "explicit; POST /feed/consumers/diarium/ack"
    assert preamble[2].startswith(": strömmen flyttar inte diariums position")
    assert first_event[0].startswith("id: ")
    assert position_token.decode(position) == 0  # delivered is not handled


async def test_a_stream_with_a_bad_consumer_name_is_refused(base_url: str) -> None:
    async with client(base_url) as http:
        response = await http.get("/feed/stream", params={"consumer": "a\r\nX-Evil: 1",
                                                          "after": position_token.encode(0)})
    assert response.status_code == 422


async def test_feed_instants_are_stockholm_time(base_url: str) -> None:
    async with client(base_url) as http:
        page = (await http.get("/feed/events", params={"limit": 1000})).json()
    seen = list(instants(page["events"]))
    assert len(seen) > 10
    assert all(s.endswith(("+01:00", "+02:00")) for s in seen), seen[:5]
