"""The relay in its own process, SIGKILLed by itself right after its N-th publish.

Usage: python -m tests.feed.crashing_relay ENV_JSON STREAM PREFIX BATCH KILL_AFTER
(KILL_AFTER 0: never). Exits 0 once everything is relayed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import nats

from feed.positions import ConsumerPositions
from feed.relay import NatsRelay
from feed.service import EventFeed, PublishedEvent
from tests.support.engine import TestEngine

NATS_URL = "nats://127.0.0.1:4222"


async def run(env: dict[str, str], stream: str, prefix: str, batch: int,
              kill_after: int) -> None:
    app = TestEngine(env=env)
    published = 0

    def maybe_die(event: PublishedEvent) -> None:
        nonlocal published
        published += 1
        if published == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # between publish and saving the position

    connection = await nats.connect(NATS_URL)
    feed = EventFeed(app, ConsumerPositions.from_env(env), b"relay-test")
    relay = NatsRelay(feed, connection.jetstream(), stream=stream, prefix=prefix,
                      name="relay-under-test", batch=batch, on_published=maybe_die)
    while await relay.relay_once():
        pass
    await connection.drain()
    app.close()


if __name__ == "__main__":
    env_json, stream_name, subject_prefix, batch_size, kill = sys.argv[1:6]
    asyncio.run(run(json.loads(env_json), stream_name, subject_prefix, int(batch_size),
                    int(kill)))
