"""The Python client workers import: ``async for event in subscribe(...)``.

An event counts as handled when the loop asks for the next one: only then is its
position acknowledged. A worker that dies while handling an event gets that event
again on restart and never one it had finished (at-least-once for the event in
hand, which handlers make idempotent by ``event_id``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any
from uuid import UUID

import httpx

from feed import position_token
from feed.envelope import EventEnvelope


class FeedClient:
    """Thin calls against the feed's HTTP API for one consumer."""

    def __init__(self, http: httpx.AsyncClient, consumer: str) -> None:
        self.http = http
        self.consumer = consumer

    async def read(self, params: Mapping[str, Any]) -> dict[str, Any]:
        response = await self.http.get("/feed/events", params=params)
        response.raise_for_status()
        page: dict[str, Any] = response.json()
        return page

    async def acknowledge(self, position: str) -> None:
        response = await self.http.post(f"/feed/consumers/{self.consumer}/ack",
                                        json={"position": position})
        response.raise_for_status()


def _filter_params(types: Iterable[str], namnd: Iterable[str], cycle_ids: Iterable[UUID],
                   unit_ids: Iterable[str], versions: Mapping[str, int]) -> dict[str, Any]:
    return {"type": list(types), "namnd": list(namnd), "cycle_id": [str(c) for c in cycle_ids],
            "unit_id": list(unit_ids), "version": [f"{t}:{v}" for t, v in versions.items()]}


async def subscribe(base_url: str, token: str, consumer: str, *,
                    types: Iterable[str] = (), namnd: Iterable[str] = (),
                    cycle_ids: Iterable[UUID] = (), unit_ids: Iterable[str] = (),
                    versions: Mapping[str, int] | None = None, page_size: int = 100,
                    poll_seconds: float = 1.0, stop_when_caught_up: bool = False,
                    http: httpx.AsyncClient | None = None) -> AsyncIterator[EventEnvelope]:
    """Yields the consumer's events in order, from its acknowledged position, forever
    (or until caught up, with ``stop_when_caught_up``)."""
    owned = http is None
    http = http or httpx.AsyncClient(base_url=base_url, timeout=30.0)
    http.headers["Authorization"] = f"Bearer {token}"
    client = FeedClient(http, consumer)
    params = _filter_params(types, namnd, cycle_ids, unit_ids, versions or {})
    start: dict[str, Any] = {"consumer": consumer}  # first read: the durable position
    try:
        while True:
            page = await client.read({**params, **start, "limit": page_size})
            for raw in page["events"]:
                envelope = EventEnvelope.model_validate(raw)
                yield envelope
                # The caller asked for the next event: this one is handled.
                await client.acknowledge(position_token.encode(envelope.position))
            if page["events"] or page["next"] != start.get("after"):
                await client.acknowledge(page["next"])  # filtered-out positions too
            start = {"after": page["next"]}
            if page["caught_up"]:
                if stop_when_caught_up:
                    return
                await asyncio.sleep(poll_seconds)
    finally:
        if owned:
            await http.aclose()

