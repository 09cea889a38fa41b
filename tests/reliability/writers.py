"""Writers that race on one report, run as threads or as separate processes.

Functions here are module-level so a spawned process can import them.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from application.bus import CommandResult
from bootstrap import build_engine
from domain import commands as c
from domain.errors import ConcurrencyConflictError
from domain.ids import unit_report_id
from tests.support.engine import test_settings
from tests.support.org import CYCLE

EKHAGEN: UUID = unit_report_id(CYCLE, "enh-ekhagen")
OWNER = "anna"
WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
BARRIER_TIMEOUT = 60.0
RECORDED, DUPLICATE, CONFLICT = "recorded", "duplicate", "conflict"


class Barrier(Protocol):
    def wait(self, timeout: float | None = None) -> int: ...


class Executor(Protocol):
    """What a writer sends its commands through: a test's engine or a process's own."""

    def execute(self, command: c.Command, person_id: str) -> CommandResult: ...


@dataclass(frozen=True)
class Attempt:
    writer: int
    round: int
    command: c.ChangeItem
    outcome: str
    version: int | None


def edit(writer: int, round_: int, *, expected_version: int | None,
         shared_command_id: bool = False) -> c.ChangeItem:
    """The edit one writer sends in one round; unique values so every edit changes state."""
    command_id = f"round-{round_}" if shared_command_id else f"w{writer}-r{round_}"
    value = f"round {round_}" if shared_command_id else f"writer {writer}, round {round_}"
    return c.ChangeItem(command_id=command_id, report_id=EKHAGEN, item_id="mal-trygg-vard",
                        field="analys", value=value, occurred_at=WHEN,
                        expected_version=expected_version)


def attempt(app: Executor, writer: int, round_: int, command: c.ChangeItem) -> Attempt:
    try:
        result = app.execute(command, OWNER)
    except ConcurrencyConflictError:
        return Attempt(writer, round_, command, CONFLICT, None)
    return Attempt(writer, round_, command, DUPLICATE if result.duplicate else RECORDED,
                   result.version)


def race(app: Executor, writer: int, rounds: int, barrier: Barrier,
         make: Callable[[int, int], c.ChangeItem]) -> list[Attempt]:
    """Each round, every writer passes the barrier and sends at once."""
    attempts = []
    for r in range(rounds):
        barrier.wait(BARRIER_TIMEOUT)
        attempts.append(attempt(app, writer, r, make(writer, r)))
    return attempts


def with_expected_version(writer: int, round_: int) -> c.ChangeItem:
    # The report is at version 1 when opened; exactly one edit per round wins.
    return edit(writer, round_, expected_version=1 + round_)


def without_expected_version(writer: int, round_: int) -> c.ChangeItem:
    return edit(writer, round_, expected_version=None)


def same_command(writer: int, round_: int) -> c.ChangeItem:
    return edit(writer, round_, expected_version=None, shared_command_id=True)


COMMAND_MAKERS: dict[str, Callable[[int, int], c.ChangeItem]] = {
    "with_expected_version": with_expected_version,
    "without_expected_version": without_expected_version,
    "same_command": same_command,
}


def race_in_threads(app: Executor, writers: int, rounds: int, maker: str) -> list[Attempt]:
    """Threads share one application, as the API's request threads do."""
    barrier = threading.Barrier(writers)
    with ThreadPoolExecutor(max_workers=writers) as pool:
        futures = [pool.submit(race, app, w, rounds, barrier, COMMAND_MAKERS[maker])
                   for w in range(writers)]
        return [a for f in futures for a in f.result()]


def _process_main(env: dict[str, str], writer: int, rounds: int, barrier: Barrier,
                  results: Any, maker: str) -> None:
    # The parent created the tables; concurrent CREATE ... IF NOT EXISTS races in PostgreSQL.
    engine = build_engine(test_settings(), env={**env, "CREATE_TABLE": "n"})
    try:
        results.put(race(engine, writer, rounds, barrier, COMMAND_MAKERS[maker]))
    finally:
        engine.close()


def race_in_processes(env: dict[str, str], writers: int, rounds: int,
                      maker: str) -> list[Attempt]:
    """Each process opens its own application on the same store, as separate workers do."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    processes = [ctx.Process(target=_process_main,
                             args=(env, w, rounds, barrier, results, maker))
                 for w in range(writers)]
    for p in processes:
        p.start()
    collected: list[Attempt] = []
    for _ in processes:
        collected.extend(results.get(timeout=BARRIER_TIMEOUT * 2))
    for p in processes:
        p.join(timeout=BARRIER_TIMEOUT)
        assert p.exitcode == 0, f"writer process exited with {p.exitcode}"
    return collected


def envelope_free(event: Any) -> tuple[Any, ...]:
    """What an event says, without the parts a re-run necessarily changes."""
    volatile = {"event_id", "timestamp", "prev_hash", "chain_hash"}
    payload = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)
               if f.name not in volatile}
    return type(event).__qualname__, sorted(payload.items(), key=lambda kv: kv[0])


def winners(attempts: Sequence[Attempt]) -> list[Attempt]:
    return sorted((a for a in attempts if a.outcome == RECORDED),
                  key=lambda a: a.version or 0)
