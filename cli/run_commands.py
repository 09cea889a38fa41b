"""Long-running processes for a deployment: `arsplan worker` (scale out), `arsplan follow`
(one per event store: signals workflows and keeps the read models) and `arsplan relay`
(one per event store: publishes every event to NATS JetStream)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading

from cli.production_check import refuse_unless_ready
from infrastructure.logging import get_logger
from infrastructure.settings import get_settings
from projections.read_models import ReadModels
from projections.runner import start_in_thread


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def _run_worker() -> None:
    from bootstrap import build_engine, connect, worker_for

    settings = get_settings()
    engine = build_engine(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    client = await connect(settings)
    log = get_logger(task_queue=settings.task_queue, process="worker")
    async with worker_for(engine, client):
        log.info("worker_started")
        await stop.wait()
    log.info("worker_stopped")
    engine.close()


async def _run_follower() -> None:
    from bootstrap import build_engine, build_follower, connect

    settings = get_settings()
    engine = build_engine(settings)
    app = engine.store
    read_models = ReadModels.for_app(app)
    projections_stop = threading.Event()
    projections = start_in_thread(app, read_models, projections_stop)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    log = get_logger(process="follower")
    try:
        client = await connect(settings)
        log.info("follower_started")
        await build_follower(engine, client).run(stop, interval=settings.follower_poll_seconds)
    finally:
        projections_stop.set()
        projections.join(timeout=10)
        read_models.close()
        app.close()
        log.info("follower_stopped")


async def _run_relay() -> None:
    import nats

    from bootstrap import open_store
    from feed.positions import ConsumerPositions
    from feed.relay import NatsRelay, ensure_stream
    from feed.service import EventFeed
    from feed.settings import FeedSettings

    settings, feed_settings = get_settings(), FeedSettings()
    store = open_store(settings)
    feed = EventFeed(store, ConsumerPositions.from_env(dict(store.env)),
                     feed_settings.pseudonym_secret.encode())
    connection = await nats.connect(feed_settings.nats_url)
    js = connection.jetstream()
    await ensure_stream(js, feed_settings.stream, feed_settings.subject_prefix)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    relay = NatsRelay(feed, js, stream=feed_settings.stream, prefix=feed_settings.subject_prefix,
                      name=feed_settings.relay_name, batch=feed_settings.relay_batch,
                      personal_data=feed_settings.relay_personal_data)
    try:
        await relay.run(stop, feed_settings.poll_seconds)
    finally:
        await connection.drain()
        store.close()


def exit_cleanly() -> None:
    # temporalio's runtime threads can abort a normal interpreter exit (sdk-python issue 300).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def worker_command() -> None:
    """Run a Temporal worker on the task queue (start as many as you like)."""
    refuse_unless_ready(get_settings(), signs_people_in=False)
    asyncio.run(_run_worker())
    exit_cleanly()


def relay_command() -> None:
    """Publish every årsplan event, in order, to NATS JetStream (ARSPLAN_FEED_* settings)."""
    refuse_unless_ready(get_settings(), signs_people_in=False)
    asyncio.run(_run_relay())
    exit_cleanly()


def follow_command() -> None:
    """Run the follower (events → workflow signals) and the read-model projections."""
    refuse_unless_ready(get_settings(), signs_people_in=False)
    asyncio.run(_run_follower())
    exit_cleanly()
