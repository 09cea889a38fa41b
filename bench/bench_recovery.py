"""Benchmark: how soon a cycle goes on after its worker is SIGKILLed inside an activity.

Real parts: the embedded Temporal dev server, a SQLite event store, `arsplan worker` as a
process. The cycle (three reports, all godkända, its underlag date passed) is at its
``send_underlag`` step: the activity compiles the underlag and posts it to KLK over HTTP;
the bench's KLK answers each post after ``--klk-seconds``.

- Baseline, same run: the same cycle and worker without a kill; from KLK receiving the
  underlag to the workflow task that handles the activity's completion (the cycle going on
  to wait for the nämnd's beslut), by the dev server's clock in its history.
- Kill: the worker is SIGKILLed ``--kill-after`` seconds after KLK received the underlag and
  a fresh worker is started at once; the same interval.

Reported: the kill run against the baseline, and the delay the kill added against the
send_underlag activity's start-to-close timeout (what a dead worker cost before
heartbeats). Each figure is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.report import Row, print_table
from bench.workload import Shape, build_organisation
from bootstrap import build_engine
from domain import commands as c
from domain.ids import cycle_id, unit_report_id
from infrastructure.devserver import embedded_temporal
from infrastructure.settings import Settings
from workflows import activity_names as act
from workflows.cycle import ACTIVITY_TIMEOUT, CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

BIN = Path(sys.executable).parent
KLK_SECONDS = 2.0
KILL_AFTER = 0.5
WAIT_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Klk:
    """KLK's receiving end: records when each post arrives, answers after ``seconds``."""

    seconds: float
    arrivals: list[float] = field(default_factory=list)
    first: threading.Event = field(default_factory=threading.Event)

    def serve(self) -> ThreadingHTTPServer:
        klk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                klk.arrivals.append(time.time())
                klk.first.set()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(klk.seconds)
                self.send_response(201)
                self.send_header("Location", f"klk:{self.headers.get('Idempotency-Key')}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@dataclass
class Outcome:
    seconds: float  # KLK's first receipt to the workflow task after the activity completed
    klk_posts: int
    underlag_events: int
    retried: float | None  # KLK's first receipt to the retry's


def ready_cycle(settings: Settings) -> str:
    """A 2022 cycle (underlag date long past) whose reports are all done."""
    engine = build_engine(settings)
    try:
        build_organisation(engine, Shape(1, 1, 0))
        cycle = cycle_id("VON", "delarsbokslut", 2022)
        steps = [("enh-0-0", "p-enh-0-0", c.Klarmarkera), ("enh-0-0", "p-avd-0", c.Attestera),
                 ("avd-0", "p-avd-0", c.Klarmarkera), ("avd-0", "p-forv", c.Attestera),
                 ("forv", "p-forv", c.Klarmarkera)]
        for unit, person, command in steps:
            engine.execute(command(report_id=unit_report_id(cycle, unit)), person)
        return str(cycle)
    finally:
        engine.close()


def underlag_events(settings: Settings, cycle: str) -> int:
    engine = build_engine(settings)
    try:
        return sum(type(e).__name__ == "UnderlagSent"
                   for e in engine.store.aggregate_events(uuid.UUID(cycle)))
    finally:
        engine.close()


async def went_on_at(handle: WorkflowHandle[CycleWorkflow, object], deadline: float
                     ) -> float:
    """The server's time of the workflow task completed after send_underlag completed."""
    while time.monotonic() < deadline:
        history = await handle.fetch_history()
        underlag: set[int] = set()
        completed = False
        for e in history.events:
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                if e.activity_task_scheduled_event_attributes.activity_type.name == \
                        act.SEND_UNDERLAG:
                    underlag.add(e.event_id)
            elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                completed = completed or (
                    e.activity_task_completed_event_attributes.scheduled_event_id in underlag)
            elif completed and e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                return e.event_time.ToDatetime(tzinfo=UTC).timestamp()
        await asyncio.sleep(0.2)
    raise TimeoutError("the cycle did not go on after send_underlag")


def run_once(address: str, root: Path, *, kill: bool, klk_seconds: float,
             kill_after: float) -> Outcome:
    run_dir = root / f"run-{uuid.uuid4().hex[:8]}"
    run_dir.mkdir()
    klk = Klk(klk_seconds)
    server = klk.serve()
    queue = f"bench-recovery-{uuid.uuid4()}"
    klk_url = f"http://127.0.0.1:{server.server_address[1]}/underlag"
    settings = Settings(event_store="sqlite", sqlite_path=run_dir / "events.sqlite",
                        temporal_address=address, task_queue=queue, var_dir=run_dir / "var",
                        drop_dir=run_dir / "drop", klk_transport="http", klk_url=klk_url)
    env = {**os.environ, "ARSPLAN_EVENT_STORE": "sqlite",
           "ARSPLAN_SQLITE_PATH": str(settings.sqlite_path), "ARSPLAN_TEMPORAL_ADDRESS": address,
           "ARSPLAN_TASK_QUEUE": queue, "ARSPLAN_VAR_DIR": str(settings.var_dir),
           "ARSPLAN_DROP_DIR": str(settings.drop_dir),
           "ARSPLAN_KLK_TRANSPORT": "http", "ARSPLAN_KLK_URL": klk_url,
           "ARSPLAN_LOG_LEVEL": "WARNING"}
    cycle = ready_cycle(settings)
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker() -> None:
        with (run_dir / f"worker-{len(workers)}.log").open("wb") as log:
            workers.append(subprocess.Popen([str(BIN / "arsplan"), "worker"], env=env,
                                            stdout=log, stderr=log))

    async def drive() -> float:
        client = await Client.connect(address, data_converter=pydantic_data_converter)
        handle = await client.start_workflow(
            CycleWorkflow.run, CycleInput(cycle_id=cycle), id=cycle_workflow_id(cycle),
            task_queue=queue)
        deadline = time.monotonic() + WAIT_SECONDS
        while not klk.first.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError("KLK never received the underlag")
            await asyncio.sleep(0.02)
        if kill:
            await asyncio.sleep(max(0.0, klk.arrivals[0] + kill_after - time.time()))
            os.kill(workers[-1].pid, signal.SIGKILL)
            workers[-1].wait()
            start_worker()
        return await went_on_at(handle, deadline)

    start_worker()
    try:
        went_on = asyncio.run(drive())
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        server.shutdown()
    retried = klk.arrivals[1] - klk.arrivals[0] if len(klk.arrivals) > 1 else None
    return Outcome(went_on - klk.arrivals[0], len(klk.arrivals), underlag_events(settings, cycle),
                   retried)


def main(repeat: int = 1, klk_seconds: float = KLK_SECONDS, kill_after: float = KILL_AFTER
         ) -> list[Row]:
    calm: list[float] = []
    killed: list[float] = []
    retries: list[float] = []
    for _ in range(repeat):
        for runs, kill in ((calm, False), (killed, True)):
            # A dev server per run: the cycle's workflow ids come from its domain ids.
            with tempfile.TemporaryDirectory(prefix="arsplan-bench-recovery-") as tmp:
                root = Path(tmp)
                address = f"127.0.0.1:{free_port()}"
                server = Settings(temporal_address=address,
                                  temporal_db=root / "temporal.sqlite", var_dir=root / "var")
                with embedded_temporal(server, ui=False):
                    outcome = run_once(address, root, kill=kill, klk_seconds=klk_seconds,
                                       kill_after=kill_after)
            assert outcome.underlag_events == 1, outcome
            assert outcome.klk_posts == (2 if kill else 1), outcome
            runs.append(outcome.seconds)
            if outcome.retried is not None:
                retries.append(outcome.retried)
    baseline, with_kill = statistics.median(calm), statistics.median(killed)
    added = with_kill - baseline
    timeout = ACTIVITY_TIMEOUT.total_seconds()
    rows = [
        Row(f"send_underlag to the cycle going on, kill at {kill_after:g} s", with_kill, "s",
            baseline),
        Row("delay the kill added (vs start-to-close)", added, "s", timeout,
            target_max_ratio=15 / timeout),
        Row("KLK's first receipt to the retry's (kill run)", statistics.median(retries), "s"),
    ]
    print_table(f"Recovery after a SIGKILLed worker (median of {repeat}; baseline: no kill, "
                f"then the activity's start-to-close timeout)", rows)
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--klk-seconds", type=float, default=KLK_SECONDS)
    p.add_argument("--kill-after", type=float, default=KILL_AFTER)
    args = p.parse_args()
    main(args.repeat, args.klk_seconds, args.kill_after)
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime threads can abort a normal exit (sdk-python #300)
