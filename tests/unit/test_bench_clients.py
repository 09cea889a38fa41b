"""The process benchmark stops when a client dies without reporting, instead of hanging."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from bench.bench_commands import _collect


def _dies_silently() -> None:
    os._exit(3)


def _waits_at_the_barrier(ready: Any) -> None:
    ready.wait()


def test_a_client_dying_before_it_reports_stops_the_run() -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, spans = ctx.Barrier(2), ctx.Queue()
    processes = [ctx.Process(target=_dies_silently),
                 ctx.Process(target=_waits_at_the_barrier, args=(ready,))]
    for p in processes:
        p.start()
    with pytest.raises(RuntimeError, match=r"exit codes \[3\]"):
        _collect(processes, spans)
    for p in processes:
        p.join(timeout=10)
    assert not any(p.is_alive() for p in processes)
