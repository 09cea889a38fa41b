"""Benchmark 4: the auditor's verify over growing stores.

Baseline, same store, same run: reading and decoding every notification without
checking anything (the floor verify cannot beat). Growth should be linear: the
time per event stays flat as the store grows tenfold.
"""

from __future__ import annotations

import argparse
import time

from audit.verify import verify_store
from bench.history import fill
from bench.report import Row, print_table
from bench.stores import fresh_store
from infrastructure.eventstore import ArsplanStore

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


def measure(kind: str, events: int) -> tuple[float, float]:
    """Events per second: (verify, decode-only baseline)."""
    with fresh_store(kind) as env:
        app = ArsplanStore(env=env)
        try:
            fill(app, events)
            started = time.perf_counter()
            decoded = decode_all(app)
            baseline = decoded / (time.perf_counter() - started)
            started = time.perf_counter()
            result = verify_store(app)
            elapsed = time.perf_counter() - started
            assert result.ok and result.events_checked == events, result
        finally:
            app.close()
    return events / elapsed, baseline


def main(sizes: tuple[int, ...], kinds: tuple[str, ...] = ("sqlite",)) -> list[Row]:
    rows = []
    for kind in kinds:
        first_rate: float | None = None
        for size in sizes:
            rate, baseline = measure(kind, size)
            rows.append(Row(f"verify events/s, {kind}, {size:,} events", rate, "events/s",
                            baseline))
            if first_rate is None:
                first_rate = rate
            else:
                # Linear growth keeps the rate; this ratio is rate(n) / rate(smallest).
                rows.append(Row(f"  rate vs {sizes[0]:,} events (1.00 = linear)",
                                rate / first_rate, "×"))
    print_table("Auditor verify (baseline: decode every event, check nothing)", rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--full", action="store_true", help="10k, 100k and 1M events")
    p.add_argument("--stores", default="sqlite", help="comma-separated: memory,sqlite,postgres")
    args = p.parse_args()
    main(FULL_SIZES if args.full else DEFAULT_SIZES, tuple(args.stores.split(",")))
