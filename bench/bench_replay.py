"""Benchmark 4b: the auditor's replay (``arsplan audit replay``) over growing stores.

Replay copies the log into a fresh store, verifies the chains there, projects every
read model from zero and compares digests with the live read models. Baseline, same
store, same run: reading and decoding every notification. The live read models are
caught up first (not timed), as they are in production. Growth should be linear.
With ``--repeat N`` each figure is the best of N runs (each replay into its own fresh
store): on a shared machine the best run is the least disturbed one.
"""

from __future__ import annotations

import argparse
import time

from audit.replay import replay
from bench.bench_verify import decode_all
from bench.history import fill
from bench.report import Row, print_table
from bench.stores import fresh_store
from infrastructure.eventstore import ArsplanStore
from projections.read_models import ReadModels
from projections.runner import catch_up_all

DEFAULT_SIZES = (10_000, 100_000)
FULL_SIZES = (10_000, 100_000, 1_000_000)


def measure(kind: str, events: int, repeat: int = 1) -> tuple[float, float]:
    """Events per second, best of ``repeat`` runs: (replay, decode-only baseline)."""
    with fresh_store(kind) as live_env:
        app = ArsplanStore(env=live_env)
        models = ReadModels.for_app(app)
        try:
            fill(app, events)
            catch_up_all(app, models)
            decode_times, replay_times = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                assert decode_all(app) == events
                decode_times.append(time.perf_counter() - started)
                with fresh_store(kind) as fresh_env:
                    started = time.perf_counter()
                    result = replay(app, models, fresh_env)
                    replay_times.append(time.perf_counter() - started)
                assert result.ok and result.events_copied == events, result
        finally:
            models.close()
            app.close()
    return events / min(replay_times), events / min(decode_times)


def main(sizes: tuple[int, ...], kinds: tuple[str, ...] = ("sqlite",), repeat: int = 1
         ) -> list[Row]:
    rows = []
    for kind in kinds:
        first_rate: float | None = None
        for size in sizes:
            rate, baseline = measure(kind, size, repeat)
            rows.append(Row(f"replay events/s, {kind}, {size:,} events", rate, "events/s",
                            baseline))
            first_rate = first_rate or rate
            if size != sizes[0]:
                rows.append(Row(f"  rate vs {sizes[0]:,} events (1.00 = linear)",
                                rate / first_rate, "×"))
            print(f"replay {kind} {size:,}: {rate:,.0f} events/s (decode {baseline:,.0f}/s)",
                  flush=True)
    print_table("Auditor replay: copy, verify, project all, compare digests "
                "(baseline: decode every event)", rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--full", action="store_true", help="10k, 100k and 1M events")
    p.add_argument("--sizes", type=int, nargs="*")
    p.add_argument("--stores", default="sqlite", help="comma-separated: memory,sqlite,postgres")
    p.add_argument("--repeat", type=int, default=1, help="best of N runs per size")
    args = p.parse_args()
    sizes = FULL_SIZES if args.full else tuple(args.sizes or DEFAULT_SIZES)
    main(sizes, tuple(args.stores.split(",")), args.repeat)
