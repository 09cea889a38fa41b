"""`python worker.py`: a Temporal worker and the follower on the configured store.

Everything is built by the composition root (bootstrap.py); this only runs it.
"""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from bootstrap import (
    Engine,
    build_engine,
    build_follower,
    connect,
    worker_for,
)
from infrastructure.logging import configure_logging, get_logger
from infrastructure.settings import get_settings
from infrastructure.tracing import configure_tracing


async def run_worker_and_follower(engine: Engine, client: Client, stop: asyncio.Event) -> None:
    """Runs the worker and the follower until ``stop`` is set, then shuts both down."""
    settings = engine.settings
    worker = worker_for(engine, client)
    follower = build_follower(engine, client)
    log = get_logger(task_queue=settings.task_queue)
    async with worker:
        log.info("worker_started")
        await follower.run(stop, interval=settings.follower_poll_seconds)
    log.info("worker_stopped")


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    configure_tracing(settings)
    engine = build_engine(settings)
    client = await connect(settings)
    await run_worker_and_follower(engine, client, asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main())
