"""Benchmark 2: projection catch-up from zero over a real cycle's history.

Baseline, same store, same run: reading the raw notifications in batches of 1,000
and decoding each to its domain event (the floor any projection pays). Each
projection's rate counts the whole log (events covered per second), whether or not
its topic filter lets every event through.
"""

from __future__ import annotations

import argparse
import time

from bench.bench_verify import decode_all
from bench.cycle_history import fill_cycle
from bench.report import Row, print_table
from bench.stores import fresh_store, postgres_available
from domain.application import Arsplaner
from projections.read_models import ReadModels
from projections.runner import catch_up

DEFAULT_EVENTS = 20_000
FULL_EVENTS = 100_000


def measure(kind: str, events: int) -> list[Row]:
    with fresh_store(kind) as env:
        app = Arsplaner(env=env)
        models = ReadModels.for_app(app)
        try:
            total = fill_cycle(app, events)
            started = time.perf_counter()
            assert decode_all(app) == total
            baseline = total / (time.perf_counter() - started)
            rows, all_elapsed = [], 0.0
            for projection in models.projections:
                started = time.perf_counter()
                catch_up(app, projection)
                elapsed = time.perf_counter() - started
                all_elapsed += elapsed
                rows.append(Row(f"catch-up {projection.name}, {kind}, {total:,}", total / elapsed,
                                "events/s", baseline, 0.5))
            rows.append(Row(f"all {len(rows)} projections in turn, {kind}",
                            total / all_elapsed, "events/s", baseline))
        finally:
            models.close()
            app.close()
    return rows


def main(events: int, kinds: tuple[str, ...] = ("sqlite", "postgres")) -> list[Row]:
    rows: list[Row] = []
    for kind in kinds:
        if kind == "postgres" and not postgres_available():
            print(f"skipped {kind}: PostgreSQL is not answering on 127.0.0.1:5432")
            continue
        rows.extend(measure(kind, events))
    print_table("Projection catch-up from zero (baseline: read + decode every notification)",
                rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    p.add_argument("--full", action="store_true", help=f"{FULL_EVENTS:,} events")
    p.add_argument("--stores", default="sqlite,postgres")
    args = p.parse_args()
    main(FULL_EVENTS if args.full else args.events, tuple(args.stores.split(",")))
