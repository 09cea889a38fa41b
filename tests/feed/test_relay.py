"""The relay publishes each event exactly once to JetStream, even when SIGKILLed mid-batch."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import nats
import pytest
from nats.js import JetStreamContext

from feed.envelope import EventEnvelope
from feed.relay import ensure_stream
from tests.feed.scenario import populate
from tests.feed.test_consumer_positions import all_event_ids
from tests.support.engine import TestEngine
from tests.support.stores import skip_or_fail, sqlite_env


def nats_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _nats() -> None:
    """Skipped without NATS; with ARSPLAN_REQUIRE_NATS=1 (`make test`, CI) failed instead."""
    if not nats_available():
        skip_or_fail("NATS JetStream is not answering on 127.0.0.1:4222", "ARSPLAN_REQUIRE_NATS")


@pytest.fixture
async def stream() -> AsyncIterator[tuple[JetStreamContext, str, str]]:
    """A uniquely named stream on its own subjects, deleted afterwards."""
    suffix = uuid.uuid4().hex[:10]
    name, prefix = f"FEEDTEST_{suffix}", f"arsplan_t{suffix}"
    connection = await nats.connect("nats://127.0.0.1:4222")
    js = connection.jetstream()
    await ensure_stream(js, name, prefix)
    try:
        yield js, name, prefix
    finally:
        await js.delete_stream(name)
        await connection.close()


def run_relay(env: dict[str, str], name: str, prefix: str, batch: int,
              kill_after: int) -> int:
    process = subprocess.run(
        [sys.executable, "-m", "tests.feed.crashing_relay", json.dumps(env), name, prefix,
         str(batch), str(kill_after)], timeout=60, capture_output=True, text=True)
    if process.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(process.stderr)
    return process.returncode


async def stored(js: JetStreamContext, name: str) -> list[tuple[str, EventEnvelope]]:
    """Consumes the whole stream with a pull consumer, as a subscribing system would."""
    total = (await js.stream_info(name)).state.messages
    consumer = await js.pull_subscribe("", stream=name)
    received: list[tuple[str, EventEnvelope]] = []
    try:
        while len(received) < total:
            for message in await consumer.fetch(total - len(received), timeout=5):
                received.append((message.subject,
                                 EventEnvelope.model_validate_json(message.data)))
                await message.ack()
        with contextlib.suppress(nats.errors.TimeoutError):
            extra = await consumer.fetch(1, timeout=0.5)
            raise AssertionError(f"more messages than the stream reported: {extra}")
    finally:
        await consumer.unsubscribe()
    return received


async def test_relay_killed_between_publish_and_save_leaves_one_message_per_event(
        populated: TestEngine, durable_env: dict[str, str],
        stream: tuple[JetStreamContext, str, str]) -> None:
    js, name, prefix = stream
    # Batch 8: the first batch is saved, then it dies after publishing 4 of the second.
    assert run_relay(durable_env, name, prefix, batch=8, kill_after=12) == -signal.SIGKILL
    assert (await js.stream_info(name)).state.messages == 12
    assert run_relay(durable_env, name, prefix, batch=8, kill_after=0) == 0
    messages = await stored(js, name)
    assert [m.event_id for _, m in messages] == all_event_ids(populated)
    assert [m.position for _, m in messages] == list(range(1, len(messages) + 1))


async def test_subjects_name_namnd_aggregate_and_event(
        populated: TestEngine, durable_env: dict[str, str],
        stream: tuple[JetStreamContext, str, str]) -> None:
    js, name, prefix = stream
    run_relay(durable_env, name, prefix, batch=50, kill_after=0)
    subjects = {m.type: subject for subject, m in await stored(js, name)}
    assert subjects["UnitReport.Klarmarkerad"] == f"{prefix}.VON.UnitReport.Klarmarkerad"
    assert subjects["Organisation.Registered"].startswith(f"{prefix}.")
    # The broker's copy is pseudonymised unless the relay is told otherwise.
    klar = next(m for _, m in await stored(js, name) if m.type == "UnitReport.Klarmarkerad")
    assert klar.actor.person_id.startswith("pseudonym-")


async def test_arsplan_relay_relays_the_configured_store_and_stops_on_sigterm(
        tmp_path: Path, stream: tuple[JetStreamContext, str, str]) -> None:
    js, name, prefix = stream
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"))
    populate(app)
    head = app.recorder.max_notification_id()
    app.close()
    env = {**os.environ, "ARSPLAN_EVENT_STORE": "sqlite",
           "ARSPLAN_SQLITE_PATH": str(tmp_path / "events.sqlite"),
           "ARSPLAN_FEED_STREAM": name, "ARSPLAN_FEED_SUBJECT_PREFIX": prefix,
           "ARSPLAN_FEED_POLL_SECONDS": "0.1"}
    relay = await asyncio.create_subprocess_exec(str(Path(sys.executable).parent / "arsplan"),
                                                 "relay", env=env,
                                                 stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(200):
            if (await js.stream_info(name)).state.messages == head:
                break
            await asyncio.sleep(0.1)
    finally:
        relay.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(relay.communicate(), timeout=20)
    errors = stderr.decode()
    assert relay.returncode == 0, errors
    assert (await js.stream_info(name)).state.messages == head
    assert '"event": "relayed"' in errors
