"""Runs every benchmark with small sizes (a few minutes); ``--full`` for the real sizes.

Each figure is printed next to a baseline measured in the same run, as a ratio.
Nothing here passes or fails on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime

from bench import (
    bench_as_of,
    bench_commands,
    bench_cycle,
    bench_projections,
    bench_replay,
    bench_verify,
)
from bench.workload import Shape


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--full", action="store_true",
                   help="400 enheter for throughput, verify up to 1M events")
    args = p.parse_args()
    print(f"# Benchmarks {datetime.now().isoformat(timespec='seconds')} on "
          f"{platform.node()} ({platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()})")
    started = time.perf_counter()
    bench_commands.main(Shape(20, 20, 20) if args.full else Shape(6, 8, 20))
    bench_verify.main(bench_verify.FULL_SIZES if args.full else bench_verify.DEFAULT_SIZES)
    bench_as_of.main()
    bench_projections.main(bench_projections.FULL_EVENTS if args.full
                           else bench_projections.DEFAULT_EVENTS)
    bench_replay.main(bench_replay.FULL_SIZES if args.full else (10_000,))
    bench_cycle.main(bench_cycle.FULL_SIZES if args.full else (100,))
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s", flush=True)
    os._exit(0)  # temporalio's runtime threads can abort a normal exit (sdk-python #300)


if __name__ == "__main__":
    main()
