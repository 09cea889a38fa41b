"""Benchmark: event feed throughput as a ratio of the raw notification read.

For each store the same log is read four ways in the same run, best of three:
raw rows (``recorder.select_notifications``, the baseline), rows decoded into
domain events, the feed's envelopes (scope, upcasting, pydantic), and the same
pseudonymised, plus a narrow filter (one enhet) that scans the whole log.

    python -m bench.bench_feed [--stores sqlite postgres] [--edits 20]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench.report import Row, print_table
from bench.stores import fresh_store, postgres_available
from bench.workload import Shape, build_organisation, report_commands
from bootstrap import Engine, build_engine
from feed.authority import FeedGrant
from feed.positions import ConsumerPositions
from feed.service import EventFeed, FeedFilter
from infrastructure.eventstore import ArsplanStore

PAGE = 1000
REPEATS = 3
AUDITOR = FeedGrant("bench", None, personal_data=True)
INTEGRATION = FeedGrant("bench", frozenset({"VON"}), personal_data=False)


def populate(engine: Engine, shape: Shape) -> int:
    for report_id, chef in build_organisation(engine, shape):
        for command in report_commands(report_id, shape.edits_per_report):
            engine.execute(command, chef)
    return engine.store.recorder.max_notification_id() or 0


def rate(count: int, read: Callable[[], int]) -> float:
    """Events per second over the best of ``REPEATS`` complete reads."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        assert read() == count, "a read did not see every event"
        best = min(best, time.perf_counter() - started)
    return count / best


def raw(app: ArsplanStore, decode: bool) -> Callable[[], int]:
    def read() -> int:
        seen, start = 0, 0
        while batch := app.recorder.select_notifications(start=start, limit=PAGE,
                                                         inclusive_of_start=False):
            if decode:
                for notification in batch:
                    app.mapper.to_domain_event(notification)
            seen, start = seen + len(batch), batch[-1].id
        return seen
    return read


def via_feed(feed: EventFeed, grant: FeedGrant,
             feed_filter: FeedFilter | None = None) -> Callable[[], int]:
    def read() -> int:
        position = 0
        while True:
            page = feed.read(grant, position, feed_filter, limit=PAGE)
            position = page.next_position
            if position >= page.head:
                return position
    return read


def measure(kind: str, shape: Shape) -> list[Row]:
    with fresh_store(kind) as env:
        engine = build_engine(env=env)
        app = engine.store
        try:
            count = populate(engine, shape)
            feed = EventFeed(app, ConsumerPositions.from_env(env), b"bench")
            baseline = rate(count, raw(app, decode=False))
            one_unit = FeedFilter(unit_ids=frozenset({"enh-0-0"}))
            rows = [
                Row(f"{kind}: raw notifications ({count} events)", baseline, "events/s"),
                Row(f"{kind}: raw + decode to domain events",
                    rate(count, raw(app, decode=True)), "events/s", baseline),
                Row(f"{kind}: feed envelopes, clear", rate(count, via_feed(feed, AUDITOR)),
                    "events/s", baseline),
                Row(f"{kind}: feed envelopes, pseudonymised",
                    rate(count, via_feed(feed, INTEGRATION)), "events/s", baseline),
                Row(f"{kind}: feed, one enhet (scanned/s)",
                    rate(count, via_feed(feed, AUDITOR, one_unit)), "events/s", baseline),
            ]
        finally:
            app.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--edits", type=int, default=20, help="edits per enhet report")
    args = parser.parse_args()
    shape = Shape(edits_per_report=args.edits)
    for kind in args.stores:
        if kind == "postgres" and not postgres_available():
            print("\n## postgres: skipped, no server on 127.0.0.1:5432")
            continue
        print_table(f"Event feed throughput, {kind} (ratio to raw notification read)",
                    measure(kind, shape))


if __name__ == "__main__":
    main()
