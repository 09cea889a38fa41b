"""Benchmark 3: a cycle of N enheter on the time-skipping server vs a bare twin.

Ours: ``CycleWorkflow`` with an ``AvdelningWorkflow`` child per avdelning (20
enheter each), which starts a ``UnitReportWorkflow`` per enhet, on stand-in
activities of the same names (bench/orchestration_standins.py): this measures
orchestration, not the domain. Each enhet has two reminders and a deadline at the
level's instants, ticked by its avdelning's shared clock (one timer per instant);
half are klarmarkerade and godkända after the first reminder, half after the
deadline; then the underlag, the beslut signal and the export. Baseline, same
server, same run: ``BareCycle``/``BareAvdelning``/``BareUnit`` with the same fan-out, shared
clock, activities and signals and none of our logic.

Scaling: with two sizes or more, ours at each larger size is compared with ours at the
smallest times the size factor (near linear: ≤ 1.5×). Memory: the worker (this process)
samples its resident set while ours runs; every workflow stays open until the cycle
closes it, so the peak above the start is what the worker's cache holds
(``max_cached_workflows``), given per 1,000 workflows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

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
# More than the workflows of the largest run (10,000 enheter: 10,501), so none is
# evicted and replayed from its whole history on its next task.
MAX_CACHED_WORKFLOWS = 12_000
PER_AVDELNING = 20
MIB = 2**20


def workflows_of(enheter: int) -> int:
    """Open workflows of a run: a report per enhet, an avdelning per 20, the cycle."""
    return enheter + -(-enheter // PER_AVDELNING) + 1


def resident_bytes() -> int:
    """This process's resident set (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


@dataclass(frozen=True)
class Run:
    enheter: int
    seconds: float
    peak_bytes: int  # resident set above the one before the cycle started

    @property
    def mib_per_1000_workflows(self) -> float:
        return self.peak_bytes / MIB / (workflows_of(self.enheter) / 1000)


async def _sample_peak(start: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], resident_bytes() - start)
        await asyncio.sleep(0.25)


async def _timed(env: WorkflowEnvironment, enheter: int, bare: bool) -> Run:
    run = uuid.uuid4().hex[:8]
    queue = f"bench-{run}"
    stand_ins = StandIns(env.client, run, enheter, PER_AVDELNING)
    with ThreadPoolExecutor(8) as pool:
        async with Worker(env.client, task_queue=queue, activity_executor=pool,
                          workflows=[CycleWorkflow, AvdelningWorkflow, UnitReportWorkflow,
                                     BareCycle, BareAvdelning, BareUnit],
                          activities=stand_ins.activities(),
                          max_concurrent_workflow_tasks=100,
                          max_cached_workflows=MAX_CACHED_WORKFLOWS):
            before, peak, stop = resident_bytes(), [0], asyncio.Event()
            sampler = asyncio.create_task(_sample_peak(before, peak, stop))
            started = time.perf_counter()
            if bare:
                await env.client.execute_workflow(BareCycle.run,
                                                  args=[run, enheter, stand_ins.per_avdelning],
                                                  id=f"bare-cycle-{run}", task_queue=queue)
            else:
                await env.client.execute_workflow(
                    CycleWorkflow.run, CycleInput(cycle_id=f"cycle-{run}"),
                    id=f"cycle-{run}", task_queue=queue)
            seconds = time.perf_counter() - started
            stop.set()
            await sampler
            return Run(enheter, seconds, peak[0])


async def _timed_in_own_env(enheter: int, bare: bool) -> Run:
    async with await start_env() as env:
        result = await _timed(env, enheter, bare)
    print(f"{enheter} enheter: {'bare' if bare else 'ours'} {result.seconds:.1f} s, worker "
          f"resident set +{result.peak_bytes / MIB:.0f} MiB at its peak "
          f"({result.mib_per_1000_workflows:.1f} MiB per 1,000 of "
          f"{workflows_of(enheter):,} workflows)", flush=True)
    return result


def _memory_row(run: Run) -> Row:
    return Row(f"worker RSS per 1,000 cached workflows, {run.enheter:,} enheter",
               run.mib_per_1000_workflows, "MiB")


def _scaling_rows(ours: dict[int, float]) -> list[Row]:
    """Ours at each larger size against ours at the smallest, scaled by the size factor."""
    small = min(ours, default=0)
    return [Row(f"cycle, {n:,} vs {n / small:g} × {small:,} enheter (s)", ours[n], "s",
                ours[small] * n / small, target_max_ratio=1.5)
            for n in sorted(ours) if n > small]


async def run_sizes(sizes: tuple[int, ...], only: str | None = None) -> list[Row]:
    """Both sides per size (bare first), or only one of them (``only``: ours or bare)."""
    rows = []
    ours: dict[int, float] = {}
    for enheter in sizes:
        if only is not None:
            result = await _timed_in_own_env(enheter, bare=only == "bare")
            rows += [Row(f"cycle, {enheter:,} enheter, {only} only (s)", result.seconds, "s"),
                     _memory_row(result)]
            ours[enheter] = result.seconds
            continue
        bare = (await _timed_in_own_env(enheter, bare=True)).seconds
        result = await _timed_in_own_env(enheter, bare=False)
        ours[enheter] = result.seconds
        # Time ratio: lower is better, so the target reads ours/bare ≤ 1.5.
        rows += [Row(f"cycle, {enheter:,} enheter (s; ratio = ours/bare)", result.seconds, "s",
                     bare, target_max_ratio=1.5), _memory_row(result)]
        print(f"{enheter} enheter: ours {result.seconds:.1f} s, bare {bare:.1f} s, "
              f"ratio {result.seconds / bare:.2f} (target ≤ 1.5)", flush=True)
    print_table("Cycle orchestration on the time-skipping server (stand-in activities)",
                rows + _scaling_rows(ours))
    return rows + _scaling_rows(ours)


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
