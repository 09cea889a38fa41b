"""Benchmark 1: command throughput, ours against a bare eventsourcing application.

Both run the same appends (edit the analysis N times, then klarmarkera, per enhet) on a
fresh store of the same kind in the same run; clients are threads sharing one
application, as the API's request threads do.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bench.report import Row, print_table
from bench.stores import fresh_store, postgres_available
from bench.workload import (
    BareApplication,
    Shape,
    bare_commands,
    build_organisation,
    report_commands,
)
from domain.application import Arsplaner

T = TypeVar("T")
CONFIGS = [("memory", 1), ("sqlite", 1), ("postgres", 1), ("postgres", 8)]


def _run_clients(work: Sequence[Sequence[T]], clients: int,
                 run: Callable[[Sequence[T]], None]) -> float:
    """Splits per-report work lists over clients; returns elapsed seconds."""
    slices = [[item for chunk in work[i::clients] for item in chunk] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(run, s) for s in slices]:
            future.result()
    return time.perf_counter() - started


def ours(kind: str, clients: int, shape: Shape, extra_env: dict[str, str]) -> float:
    with fresh_store(kind, pool_size=clients + 2) as env:
        app = Arsplaner(env={**env, **extra_env})
        try:
            reports = build_organisation(app, shape)
            work = [[(cmd, chef) for cmd in report_commands(rid, shape.edits_per_report)]
                    for rid, chef in reports]

            def run(items: Sequence[tuple[object, str]]) -> None:
                for cmd, chef in items:
                    app.execute(cmd, chef)  # type: ignore[arg-type]

            elapsed = _run_clients(work, clients, run)
        finally:
            app.close()
    return shape.commands / elapsed


def bare(kind: str, clients: int, shape: Shape) -> float:
    with fresh_store(kind, pool_size=clients + 2) as env:
        app = BareApplication(env=env)
        try:
            ids = app.open_reports(shape.enheter)
            work = [bare_commands(rid, shape.edits_per_report) for rid in ids]

            def run(items: Sequence[tuple[object, str | None]]) -> None:
                for rid, value in items:
                    if value is None:
                        app.klarmarkera(rid)  # type: ignore[arg-type]
                    else:
                        app.change_item(rid, value)  # type: ignore[arg-type]

            elapsed = _run_clients(work, clients, run)
        finally:
            app.close()
    return shape.commands / elapsed


def main(shape: Shape, extra_env: dict[str, str] | None = None) -> list[Row]:
    rows = []
    for kind, clients in CONFIGS:
        if kind == "postgres" and not postgres_available():
            print(f"skipped {kind}: PostgreSQL is not answering on 127.0.0.1:5432")
            continue
        baseline = bare(kind, clients, shape)
        ours_rate = ours(kind, clients, shape, extra_env or {})
        rows.append(Row(f"commands/s, {kind}, {clients} client(s)", ours_rate, "commands/s",
                        baseline, 0.8))
    print_table(f"Command throughput ({shape.enheter} enheter × "
                f"{shape.edits_per_report + 1} commands)", rows)
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--avdelningar", type=int, default=6)
    p.add_argument("--enheter-per-avdelning", type=int, default=8)
    p.add_argument("--edits", type=int, default=20)
    p.add_argument("--full", action="store_true", help="the real-size run: 20 × 20 enheter")
    return p


def shape_from(args: argparse.Namespace) -> Shape:
    if args.full:
        return Shape(20, 20, args.edits)
    return Shape(args.avdelningar, args.enheter_per_avdelning, args.edits)


if __name__ == "__main__":
    main(shape_from(parser().parse_args()))
