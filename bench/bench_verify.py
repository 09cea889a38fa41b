"""Benchmark 4: the auditor's verify over growing stores, and the live incremental verify.

Baseline, same store, same run: reading and decoding every notification without
checking anything (the floor verify cannot beat). Growth should be linear: the
time per event stays flat as the store grows tenfold. The live check (``GET /api/verify``,
``audit.verify.IncrementalVerifier``) is timed after one new event, against one read of
the newest notification in the same run. With ``--repeat N`` each rate is the best of N
runs on the same store.
"""

from __future__ import annotations

import argparse
import statistics
import time

from audit.verify import IncrementalVerifier, verify_store
from bench.history import fill, open_report
from bench.report import Row, print_table
from bench.stores import fresh_store
from infrastructure.eventstore import ArsplanStore
from projections.read_models import ReadModels
from projections.runner import catch_up
from projections.transparency_log import TransparencyLogProjection

DEFAULT_SIZES = (10_000, 100_000)
FULL_SIZES = (10_000, 100_000, 1_000_000)


def decode_all(app: ArsplanStore, batch_size: int = 1000) -> int:
    count, last = 0, 0
    while notifications := app.recorder.select_notifications(last + 1, batch_size):
        for n in notifications:
            app.mapper.to_domain_event(n)
        count += len(notifications)
        last = notifications[-1].id
    return count


def measure(kind: str, events: int, repeat: int = 1) -> tuple[float, float]:
    """Events per second, best of ``repeat`` runs: (verify, decode-only baseline)."""
    with fresh_store(kind) as env:
        app = ArsplanStore(env=env)
        try:
            fill(app, events)
            decode_times, verify_times = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                assert decode_all(app) == events
                decode_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                result = verify_store(app)
                verify_times.append(time.perf_counter() - started)
                assert result.ok and result.events_checked == events, result
        finally:
            app.close()
    return events / min(verify_times), events / min(decode_times)


def measure_incremental(kind: str, events: int, calls: int = 20) -> tuple[float, float]:
    """Median ms of the live verify after one new event, and of reading that event."""
    with fresh_store(kind) as env:
        app = ArsplanStore(env=env)
        models = ReadModels.for_app(app, [TransparencyLogProjection])
        try:
            fill(app, events)
            projection = models.projection(TransparencyLogProjection)
            catch_up(app, projection)
            verifier = IncrementalVerifier(app, projection.view)
            assert verifier.verify().ok  # the first call walks the whole store
            live, read = [], []
            for _ in range(calls):
                app.save(open_report())
                catch_up(app, projection)
                started = time.perf_counter()
                app.recorder.select_notifications(app.recorder.max_notification_id() or 0, 1)
                read.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert verifier.verify().ok
                live.append(time.perf_counter() - started)
        finally:
            models.close()
            app.close()
    return statistics.median(live) * 1000, statistics.median(read) * 1000


def main(sizes: tuple[int, ...], kinds: tuple[str, ...] = ("sqlite",), repeat: int = 1
         ) -> list[Row]:
    rows = []
    for kind in kinds:
        first_rate: float | None = None
        for size in sizes:
            rate, baseline = measure(kind, size, repeat)
            rows.append(Row(f"verify events/s, {kind}, {size:,} events", rate, "events/s",
                            baseline, target_ratio=0.8))
            if first_rate is None:
                first_rate = rate
            else:
                # Linear growth keeps the rate; this ratio is rate(n) / rate(smallest).
                rows.append(Row(f"  rate vs {sizes[0]:,} events (1.00 = linear)",
                                rate / first_rate, "×"))
        for size in sizes[1:]:
            live_ms, read_ms = measure_incremental(kind, size)
            rows.append(Row(f"live verify ms after 1 event, {kind}, {size:,}", live_ms, "ms",
                            read_ms))
    print_table("Auditor verify (baseline: decode every event, check nothing; live verify: "
                "read one notification)", rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--full", action="store_true", help="10k, 100k and 1M events")
    p.add_argument("--stores", default="sqlite", help="comma-separated: memory,sqlite,postgres")
    p.add_argument("--sizes", type=int, nargs="*")
    p.add_argument("--repeat", type=int, default=1, help="best of N runs per size")
    args = p.parse_args()
    sizes = FULL_SIZES if args.full else tuple(args.sizes or DEFAULT_SIZES)
    main(sizes, tuple(args.stores.split(",")), args.repeat)
