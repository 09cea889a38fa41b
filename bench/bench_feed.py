"""Benchmark: event feed throughput as a ratio of the raw notification read.

For each store the same log is read several ways in the same run: raw rows
(``recorder.select_notifications``, the baseline), rows decoded into domain events,
the feed's envelopes as published JSON (``read_published``: what the relay sends),
the same pseudonymised, the envelopes as pydantic models (``read``), and a narrow
filter (one enhet) that scans the whole log. The readers take turns, ``--repeats``
rounds, and each keeps its best round, so a burst of load elsewhere on the machine
hits every reader alike.

    python -m bench.bench_feed [--stores sqlite postgres] [--edits 20] [--repeats 5] [--cpu]
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
REPEATS = 5
AUDITOR = FeedGrant("bench", None, personal_data=True)
INTEGRATION = FeedGrant("bench", frozenset({"VON"}), personal_data=False)


def populate(engine: Engine, shape: Shape) -> int:
    for report_id, chef in build_organisation(engine, shape):
        for command in report_commands(report_id, shape.edits_per_report):
            engine.execute(command, chef)
    return engine.store.recorder.max_notification_id() or 0


def rates(count: int, readers: dict[str, Callable[[], int]], repeats: int = REPEATS,
          clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Events per second of each reader over its best complete read, readers in turn."""
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(repeats):
        for name, read in readers.items():
            started = clock()
            assert read() == count, "a read did not see every event"
            best[name] = min(best[name], clock() - started)
    return {name: count / seconds for name, seconds in best.items()}


def rate(count: int, read: Callable[[], int]) -> float:
    """Events per second over the best of ``REPEATS`` complete reads."""
    return rates(count, {"read": read})["read"]


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


def via_feed(feed: EventFeed, grant: FeedGrant, feed_filter: FeedFilter | None = None,
             models: bool = False) -> Callable[[], int]:
    """Reads the whole log through the feed: published JSON, or pydantic models."""
    page_of = feed.read if models else feed.read_published

    def read() -> int:
        position = 0
        while True:
            page = page_of(grant, position, feed_filter, PAGE)
            position = page.next_position
            if position >= page.head:
                return position
    return read


def measure(kind: str, shape: Shape, repeats: int = REPEATS, cpu: bool = False) -> list[Row]:
    with fresh_store(kind) as env:
        engine = build_engine(env=env)
        app = engine.store
        try:
            count = populate(engine, shape)
            feed = EventFeed(app, ConsumerPositions.from_env(env), b"bench")
            one_unit = FeedFilter(unit_ids=frozenset({"enh-0-0"}))
            readers = {
                f"{kind}: raw notifications ({count} events)": raw(app, decode=False),
                f"{kind}: raw + decode to domain events": raw(app, decode=True),
                f"{kind}: feed envelopes (JSON), clear": via_feed(feed, AUDITOR),
                f"{kind}: feed envelopes (JSON), pseudonymised": via_feed(feed, INTEGRATION),
                f"{kind}: feed envelopes (models), clear": via_feed(feed, AUDITOR, models=True),
                f"{kind}: feed, one enhet (scanned/s)": via_feed(feed, AUDITOR, one_unit),
            }
            measured = rates(count, readers, repeats,
                             time.process_time if cpu else time.perf_counter)
        finally:
            app.close()
    baseline = next(iter(measured.values()))
    return [Row(name, value, "events/s", None if i == 0 else baseline)
            for i, (name, value) in enumerate(measured.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--edits", type=int, default=20, help="edits per enhet report")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="rounds of every reader")
    parser.add_argument("--cpu", action="store_true",
                        help="this process's CPU time instead of wall time: steadier on a "
                             "busy machine; for PostgreSQL it leaves out the server's work")
    args = parser.parse_args()
    shape = Shape(edits_per_report=args.edits)
    for kind in args.stores:
        if kind == "postgres" and not postgres_available():
            print("\n## postgres: skipped, no server on 127.0.0.1:5432")
            continue
        clock = "CPU time" if args.cpu else "wall time"
        print_table(f"Event feed throughput, {kind}, {clock} (ratio to raw notification read)",
                    measure(kind, shape, args.repeats, args.cpu))


if __name__ == "__main__":
    main()
