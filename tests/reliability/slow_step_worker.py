"""`python -m tests.reliability.slow_step_worker ADDRESS QUEUE`: a worker process for
``SlowStepWorkflow`` whose activity is wrapped like ours (``heartbeating``) and whose worker
has our liveness options. The first attempt blocks a thread (as a store call would) until
the process is killed; a later attempt returns at once, naming its attempt and process."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from activities.deps import in_domain
from activities.heartbeat import LIVENESS_OPTIONS, heartbeating
from tests.reliability.slow_step_workflow import SLOW_STEP, SlowStepWorkflow


@activity.defn(name=SLOW_STEP)
@heartbeating
async def slow_step(marker_dir: str) -> str:
    attempt = activity.info().attempt
    marker = Path(marker_dir, f"attempt-{attempt}-pid-{os.getpid()}")
    await in_domain(marker.touch)
    if attempt == 1:
        await in_domain(lambda: time.sleep(3600))  # the worker dies in here
    return f"attempt {attempt} in {os.getpid()}"


async def main(address: str, queue: str) -> None:
    client = await Client.connect(address)
    async with Worker(client, task_queue=queue, workflows=[SlowStepWorkflow],
                      activities=[slow_step], **LIVENESS_OPTIONS):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
