"""Benchmark 5: as-of reads.

One report as of a past version, 1,000 events deep. Baseline, same store, same run:
reading the current state the same way. With snapshots every 100 versions
(eventsourcing's snapshot store), an as-of read starts from the nearest snapshot at or
below the version instead of from the first event.

The reporting read model (att-göra lists, cycle boards) as of the last event of a cycle's
history: starting from the checkpoints earlier reads left (``projections.as_of_checkpoints``)
against folding from the first event, same store, same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from bench.cycle_history import fill_cycle
from bench.history import edit, open_report
from bench.report import Row, print_table
from bench.stores import fresh_store
from bootstrap import build_engine
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from projections.as_of_checkpoints import MemoryCheckpoints
from projections.reporting import ReportingProjection
from projections.time_travel import as_of_view


def deep_report(app: ArsplanStore, events: int) -> UUID:
    report = open_report()
    for n in range(events - 1):
        edit(report, n)
    app.save(report)
    return report.id


def latency_ms(read: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        read()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(kind: str, events: int, repeats: int, snapshot_every: int) -> list[Row]:
    rows = []
    with fresh_store(kind) as env:
        app = ArsplanStore(env={**env, "IS_SNAPSHOTTING_ENABLED": "y"})
        try:
            rid = deep_report(app, events)
            rng = random.Random(1)
            versions = [rng.randint(1, events) for _ in range(repeats)]
            current = latency_ms(lambda: app.get(rid, UnitReport), repeats)
            it = iter(versions)
            as_of = latency_ms(lambda: app.get(rid, UnitReport, version=next(it)), repeats)
            rows.append(Row(f"as-of read ms, {kind}, no snapshots", as_of, "ms", current))
            for version in range(snapshot_every, events + 1, snapshot_every):
                app.take_snapshot(rid, version=version)
            it = iter(versions)
            snap = latency_ms(lambda: app.get(rid, UnitReport, version=next(it)), repeats)
            rows.append(Row(f"as-of read ms, {kind}, snapshot every {snapshot_every}", snap,
                            "ms", as_of))
            assert app.get(rid, UnitReport, version=events // 2).version == events // 2
        finally:
            app.close()
    return rows


def measure_read_model(kind: str, events: int, repeats: int) -> Row:
    with fresh_store(kind) as env:
        engine = build_engine(env=env)
        app = engine.store
        try:
            total = fill_cycle(engine, events)
            last = app.recorder.select_notifications(total, 1)[0]
            last_event: Any = app.mapper.to_domain_event(last)
            instant = last_event.timestamp
            from_start = latency_ms(lambda: as_of_view(
                app, ReportingProjection, instant, checkpoints=MemoryCheckpoints(),
                checkpoint_every=10**9), max(1, repeats // 10))
            as_of_view(app, ReportingProjection, instant)  # leaves the checkpoints
            from_checkpoint = latency_ms(
                lambda: as_of_view(app, ReportingProjection, instant), repeats)
            return Row(f"reporting as of the last of {total:,} events ms, {kind}, "
                       "from checkpoints", from_checkpoint, "ms", from_start)
        finally:
            engine.close()


def main(events: int = 1000, repeats: int = 30, snapshot_every: int = 100,
         kinds: tuple[str, ...] = ("memory", "sqlite", "postgres"),
         read_model_events: int = 20_000) -> list[Row]:
    rows = [r for kind in kinds for r in measure(kind, events, repeats, snapshot_every)]
    print_table(f"As-of read of one report with {events:,} events (median of {repeats}; "
                "baseline: the row above, or the current state)", rows)
    views = [measure_read_model(kind, read_model_events, repeats)
             for kind in kinds if kind != "memory"]
    print_table("As-of read of the reporting read model (median; baseline: folding from "
                "the first event)", views)
    return rows + views


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--snapshot-every", type=int, default=100)
    p.add_argument("--read-model-events", type=int, default=20_000)
    args = p.parse_args()
    main(args.events, args.repeats, args.snapshot_every,
         read_model_events=args.read_model_events)
