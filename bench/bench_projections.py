"""Benchmark 2: projection catch-up from zero over a real cycle's history.

Baseline, same store, same run: reading the raw notifications in batches of 1,000
and decoding each to its domain event (the floor any projection pays). Each
projection's rate counts the whole log (events covered per second), whether or not
its topic filter lets every event through; "in one pass" is ``rebuild_all``, which reads
and decodes each notification once for every read model. With ``--repeat N`` each figure is the best
of N runs (a projection is reset before each catch-up), as ``timeit`` does: on a
machine shared with other test runs, the best run is the least disturbed one.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench.bench_verify import decode_all
from bench.cycle_history import fill_cycle
from bench.report import Row, print_table
from bench.stores import fresh_store, postgres_available
from bootstrap import build_engine
from projections.base import ReadModelProjection
from projections.read_models import ReadModels
from projections.runner import catch_up, rebuild_all

DEFAULT_EVENTS = 20_000
FULL_EVENTS = 100_000


def _best_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(kind: str, events: int, repeat: int = 1) -> list[Row]:
    with fresh_store(kind) as env:
        engine = build_engine(env=env)
        app = engine.store
        models = ReadModels.for_app(app)
        try:
            total = fill_cycle(engine, events)
            assert decode_all(app) == total
            baseline = total / _best_seconds(lambda: decode_all(app), repeat)
            rows, all_elapsed = [], 0.0
            for projection in models.projections:
                def from_zero(projection: ReadModelProjection = projection) -> None:
                    projection.view.reset()
                    catch_up(app, projection)
                elapsed = _best_seconds(from_zero, repeat)
                all_elapsed += elapsed
                rows.append(Row(f"catch-up {projection.name}, {kind}, {total:,}", total / elapsed,
                                "events/s", baseline, 0.5))
            rows.append(Row(f"all {len(rows)} projections in turn, {kind}",
                            total / all_elapsed, "events/s", baseline))
            together = _best_seconds(lambda: rebuild_all(app, models.projections), repeat)
            rows.append(Row(f"all {len(models.projections)} projections in one pass, {kind}",
                            total / together, "events/s", baseline, 0.5))
        finally:
            models.close()
            app.close()
    return rows


def main(events: int, kinds: tuple[str, ...] = ("sqlite", "postgres"), repeat: int = 1
         ) -> list[Row]:
    rows: list[Row] = []
    for kind in kinds:
        if kind == "postgres" and not postgres_available():
            print(f"skipped {kind}: PostgreSQL is not answering on 127.0.0.1:5432")
            continue
        rows.extend(measure(kind, events, repeat))
    print_table("Projection catch-up from zero (baseline: read + decode every notification)",
                rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    p.add_argument("--full", action="store_true", help=f"{FULL_EVENTS:,} events")
    p.add_argument("--stores", default="sqlite,postgres")
    p.add_argument("--repeat", type=int, default=1, help="best of N runs per figure")
    args = p.parse_args()
    main(FULL_EVENTS if args.full else args.events, tuple(args.stores.split(",")), args.repeat)
