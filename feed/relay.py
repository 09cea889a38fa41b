"""The relay: publishes every event, in order, to NATS JetStream.

Each message's ``Nats-Msg-Id`` is the event id, so JetStream drops a second copy
within the stream's duplicate window. The relay saves its position only after the
broker acknowledged the messages: a crash in between re-publishes (harmless) and
never skips. Run it with ``arsplan relay``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable

from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

from feed.authority import FeedGrant
from feed.service import EventFeed, PublishedEvent
from infrastructure.logging import get_logger

DUPLICATE_WINDOW_SECONDS = 24 * 3600.0  # a relay restarted within a day never duplicates
RELAY_CLIENT = "relay"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def subject_for(prefix: str, event: PublishedEvent) -> str:
    """``<prefix>.<nämnd>.<aggregate type>.<event>``: arsplan.VON.UnitReport.Klarmarkerad."""
    namnd = _UNSAFE.sub("_", event.namnd_code or "_")
    name = event.type.rsplit(".", 1)[-1]
    return f"{prefix}.{namnd}.{_UNSAFE.sub('_', event.aggregate_type)}.{_UNSAFE.sub('_', name)}"


async def ensure_stream(js: JetStreamContext, stream: str, prefix: str) -> None:
    try:
        await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(StreamConfig(name=stream, subjects=[f"{prefix}.>"],
                                         duplicate_window=DUPLICATE_WINDOW_SECONDS))


class NatsRelay:
    """Moves events from the feed to one JetStream stream, batch by batch."""

    def __init__(self, feed: EventFeed, js: JetStreamContext, *, stream: str, prefix: str,
                 name: str, personal_data: bool = False, batch: int = 200,
                 on_published: Callable[[PublishedEvent], None] = lambda event: None) -> None:
        self.feed = feed
        self.js = js
        self.stream = stream
        self.prefix = prefix
        self.name = name
        self.batch = batch
        self.grant = FeedGrant(RELAY_CLIENT, None, personal_data=personal_data)
        self.on_published = on_published  # a hook for fault injection in tests
        self.log = get_logger(relay=name, stream=stream)

    @property
    def position(self) -> int:
        return self.feed.position(self.grant, self.name)

    async def relay_once(self) -> int:
        """Publishes the next batch and then saves the position; returns how many."""
        page = await asyncio.to_thread(self.feed.read_published, self.grant, self.position,
                                       None, self.batch)
        for event in page.events:
            await self.js.publish(
                subject_for(self.prefix, event), event.json, stream=self.stream,
                headers={"Nats-Msg-Id": event.event_id,
                         "Arsplan-Position": str(event.position),
                         "Arsplan-Type": event.type,
                         "Arsplan-Version": str(event.version)})
            self.on_published(event)
        if page.next_position > self.position:
            await asyncio.to_thread(self.feed.positions.advance, RELAY_CLIENT, self.name,
                                    page.next_position)
        if page.events:
            self.log.info("relayed", count=len(page.events), position=page.next_position,
                          first_event_id=page.events[0].event_id,
                          last_event_id=page.events[-1].event_id)
        return len(page.events)

    async def run(self, stop: asyncio.Event, poll_seconds: float = 0.5) -> None:
        while not stop.is_set():
            if await self.relay_once() == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
