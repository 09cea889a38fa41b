"""Where the auditor's replay spends its time, phase by phase (benchmark 4b).

Runs the steps of ``audit.replay.replay`` one at a time on a SQLite store
filled by ``bench.history.fill``: copy the log, verify the chains, catch up each
read model from zero, digest the live and the replayed view. Per-phase rates at
two sizes tell which phase grows faster than the log. ``--keep DIR`` keeps the
filled live store (DIR/live-<events>.sqlite) for the next run: a 1M fill takes minutes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from bisect import bisect_right
from pathlib import Path

from audit.replay import copy_log, unsynced
from audit.verify import verify_store
from bench.bench_verify import decode_all
from bench.history import fill
from infrastructure.eventstore import ArsplanStore
from projections.base import digest
from projections.read_models import ReadModels
from projections.runner import catch_up, catch_up_all


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "30"}


def phases(live_path: Path, events: int, synced: bool = False) -> dict[str, float]:
    """Seconds per phase of one replay of the store at ``live_path`` (``synced``: the
    fresh store commits at SQLite's default ``synchronous=FULL``, as before replay
    turned it off)."""
    live_env = sqlite_env(live_path)
    filled = live_path.exists()
    app = ArsplanStore(env=live_env)
    models = ReadModels.for_app(app)
    times: dict[str, float] = {}
    try:
        if not filled:
            fill(app, events)
            catch_up_all(app, models)
        with tempfile.TemporaryDirectory(prefix="arsplan-phases-") as tmp:
            fresh_env = sqlite_env(Path(tmp) / "replay.sqlite")
            fresh_app = ArsplanStore(env=fresh_env)
            fresh_models = ReadModels(fresh_env)
            if not synced:
                unsynced(fresh_app.recorder.datastore)  # type: ignore[attr-defined]
                unsynced(fresh_models.datastore)
            try:
                started = time.perf_counter()  # the control: linear by construction
                assert decode_all(app) == events
                times["decode (baseline)"] = time.perf_counter() - started
                started = time.perf_counter()
                ids = copy_log(app, fresh_app)
                times["copy"] = time.perf_counter() - started
                assert len(ids) == events, len(ids)
                started = time.perf_counter()
                assert verify_store(fresh_app).ok
                times["verify"] = time.perf_counter() - started
                for live, fresh in zip(models.projections, fresh_models.projections,
                                       strict=True):
                    live_position = live.view.max_tracking_id(app.name) or 0
                    started = time.perf_counter()
                    catch_up(fresh_app, fresh, until=bisect_right(ids, live_position))
                    times[f"catch-up {live.name}"] = time.perf_counter() - started
                    started = time.perf_counter()
                    live_digest = digest(live.view)
                    times[f"digest live {live.name}"] = time.perf_counter() - started
                    started = time.perf_counter()
                    assert digest(fresh.view) == live_digest, live.name
                    times[f"digest fresh {live.name}"] = time.perf_counter() - started
            finally:
                fresh_models.close()
                fresh_app.close()
    finally:
        models.close()
        app.close()
    return times


def main(sizes: list[int], keep: Path | None, variants: list[bool]) -> None:
    results: dict[tuple[bool, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="arsplan-live-") as tmp:
        folder = keep or Path(tmp)
        for size in sizes:  # a size given twice: the best time of each phase counts
            for synced in variants:  # alternated, so load changes hit both alike
                times = phases(folder / f"live-{size}.sqlite", size, synced)
                total = sum(times.values())
                print(f"{size:,} events, {'synced' if synced else 'unsynced'}: {total:.1f} s, "
                      f"{size / total:,.0f} events/s", flush=True)
                best = results.setdefault((synced, size), times)
                for phase, seconds in times.items():
                    best[phase] = min(best[phase], seconds)
    for synced in variants:
        sizes = sorted(size for s, size in results if s == synced)
        first = sizes[0]
        print(f"\nfresh store {'synchronous=FULL' if synced else 'synchronous=OFF'}")
        print(f"{'phase':32}" + "".join(f"{s:>14,}" for s in sizes) + "   rate vs first")
        for phase in [*results[(synced, first)], "total"]:
            rates = [size / (sum(results[(synced, size)].values()) if phase == "total"
                             else results[(synced, size)][phase]) for size in sizes]
            print(f"{phase[:31]:32}" + "".join(f"{r:>12,.0f}/s" for r in rates)
                  + "   " + " ".join(f"{r / rates[0]:.2f}" for r in rates[1:]))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000])
    p.add_argument("--keep", type=Path, help="keep the filled live stores in this folder")
    p.add_argument("--ab", action="store_true",
                   help="alternate with a fresh store at synchronous=FULL (the old replay)")
    args = p.parse_args()
    main(args.sizes, args.keep, [False, True] if args.ab else [False])
