"""A worker process that SIGKILLs itself right after handling its N-th event (before the ack).

Usage: python -m tests.feed.killable_consumer URL TOKEN CONSUMER OUTPUT KILL_AFTER
Handling = appending "position event_id" to OUTPUT, skipping positions already there.
Prints the first position it was given, so a test can see what was redelivered.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from feed.client import subscribe


def last_written(output: Path) -> int:
    lines = output.read_text().splitlines() if output.exists() else []
    return int(lines[-1].split()[0]) if lines else 0


async def run(url: str, token: str, consumer: str, output: Path, kill_after: int) -> None:
    handled = 0
    async for event in subscribe(url, token, consumer, page_size=5, stop_when_caught_up=True):
        if handled == 0:
            print(event.position, flush=True)
        if event.position > last_written(output):
            with output.open("a") as out:
                out.write(f"{event.position} {event.event_id}\n")
                out.flush()
                os.fsync(out.fileno())
        handled += 1
        if handled == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    base, bearer, name, path, kill = sys.argv[1:6]
    asyncio.run(run(base, bearer, name, Path(path), int(kill)))
