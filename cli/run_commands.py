"""Long-running processes for a deployment: `arsplan worker` (scale out) and
`arsplan follow` (one per event store: signals workflows and keeps the read models)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading

from infrastructure.logging import get_logger
from infrastructure.settings import get_settings
from infrastructure.store import build_application
from projections.read_models import ReadModels
from projections.runner import start_in_thread


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def _run_worker() -> None:
    from worker import build_worker, connect

    settings = get_settings()
    app = build_application(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    client = await connect(settings)
    log = get_logger(task_queue=settings.task_queue, process="worker")
    async with await build_worker(client, app, settings):
        log.info("worker_started")
        await stop.wait()
    log.info("worker_stopped")
    app.close()


async def _run_follower() -> None:
    from worker import build_follower, connect

    settings = get_settings()
    app = build_application(settings)
    read_models = ReadModels.for_app(app)
    projections_stop = threading.Event()
    projections = start_in_thread(app, read_models, projections_stop)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    log = get_logger(process="follower")
    try:
        client = await connect(settings)
        log.info("follower_started")
        await build_follower(app, client, settings).run(stop,
                                                        interval=settings.follower_poll_seconds)
    finally:
        projections_stop.set()
        projections.join(timeout=10)
        read_models.close()
        app.close()
        log.info("follower_stopped")


def exit_cleanly() -> None:
    # temporalio's runtime threads can abort a normal interpreter exit (sdk-python issue 300).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def worker_command() -> None:
    """Run a Temporal worker on the task queue (start as many as you like)."""
    asyncio.run(_run_worker())
    exit_cleanly()


def follow_command() -> None:
    """Run the follower (events → workflow signals) and the read-model projections."""
    asyncio.run(_run_follower())
    exit_cleanly()
