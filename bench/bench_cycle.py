"""Benchmark 3: a cycle of N enheter on the time-skipping server vs a bare twin.

Ours: ``CycleWorkflow`` with an ``AvdelningWorkflow`` child per avdelning (20
enheter each), which starts a ``UnitReportWorkflow`` per enhet, on stand-in
activities of the same names (bench/orchestration_standins.py): this measures
orchestration, not the domain. Each enhet has two reminders and a deadline (three
timers); half are klarmarkerade and godkända after the first reminder, half after
the deadline; then the underlag, the beslut signal and the export. Baseline, same
server, same run: ``BareCycle``/``BareAvdelning``/``BareUnit`` with the same fan-out, timers,
activities and signals and none of our logic.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.orchestration_standins import BareAvdelning, BareCycle, BareUnit, StandIns
from bench.report import Row, print_table
from simulation.harness import start_env
from workflows.avdelning import AvdelningWorkflow
from workflows.cycle import CycleWorkflow
from workflows.payloads import CycleInput
from workflows.unit_report import UnitReportWorkflow

DEFAULT_SIZES = (100, 1_000)
FULL_SIZES = (1_000, 10_000)
# More than the workflows of the largest run (10,000 enheter: 10,521), so none is
# evicted and replayed from its whole history on its next task.
MAX_CACHED_WORKFLOWS = 12_000


async def _timed(env: WorkflowEnvironment, enheter: int, bare: bool) -> float:
    run = uuid.uuid4().hex[:8]
    queue = f"bench-{run}"
    stand_ins = StandIns(env.client, run, enheter)
    with ThreadPoolExecutor(8) as pool:
        async with Worker(env.client, task_queue=queue, activity_executor=pool,
                          workflows=[CycleWorkflow, AvdelningWorkflow, UnitReportWorkflow,
                                     BareCycle, BareAvdelning, BareUnit],
                          activities=stand_ins.activities(),
                          max_concurrent_workflow_tasks=100,
                          max_cached_workflows=MAX_CACHED_WORKFLOWS):
            started = time.perf_counter()
            if bare:
                await env.client.execute_workflow(BareCycle.run,
                                                  args=[run, enheter, stand_ins.per_avdelning],
                                                  id=f"bare-cycle-{run}", task_queue=queue)
            else:
                await env.client.execute_workflow(
                    CycleWorkflow.run, CycleInput(cycle_id=f"cycle-{run}"),
                    id=f"cycle-{run}", task_queue=queue)
            return time.perf_counter() - started


async def _timed_in_own_env(enheter: int, bare: bool) -> float:
    async with await start_env() as env:
        seconds = await _timed(env, enheter, bare)
    print(f"{enheter} enheter: {'bare' if bare else 'ours'} {seconds:.1f} s", flush=True)
    return seconds


async def run_sizes(sizes: tuple[int, ...], only: str | None = None) -> list[Row]:
    """Both sides per size (bare first), or only one of them (``only``: ours or bare)."""
    rows = []
    for enheter in sizes:
        if only is not None:
            seconds = await _timed_in_own_env(enheter, bare=only == "bare")
            rows.append(Row(f"cycle, {enheter:,} enheter, {only} only (s)", seconds, "s"))
            continue
        bare = await _timed_in_own_env(enheter, bare=True)
        ours = await _timed_in_own_env(enheter, bare=False)
        # Time ratio: lower is better, so the target reads ours/bare ≤ 1.5.
        rows.append(Row(f"cycle, {enheter:,} enheter (s; ratio = ours/bare)", ours, "s", bare,
                        target_max_ratio=1.5))
        print(f"{enheter} enheter: ours {ours:.1f} s, bare {bare:.1f} s, "
              f"ratio {ours / bare:.2f} (target ≤ 1.5)", flush=True)
    print_table("Cycle orchestration on the time-skipping server (stand-in activities)", rows)
    return rows


def main(sizes: tuple[int, ...], only: str | None = None) -> list[Row]:
    return asyncio.run(run_sizes(sizes, only))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--enheter", type=int, nargs="*", default=list(DEFAULT_SIZES))
    p.add_argument("--full", action="store_true", help="1,000 and 10,000 enheter")
    p.add_argument("--only", choices=("ours", "bare"),
                   help="run one side only (no ratio), e.g. when the other is too slow")
    args = p.parse_args()
    main(FULL_SIZES if args.full else tuple(args.enheter), args.only)
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime threads can abort a normal exit (sdk-python #300)
