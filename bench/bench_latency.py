"""Benchmark: deadline-evening latency, klarmarkera over HTTP → the attester's task complete.

Real parts, as processes like a deployment (docker-compose.yml): the embedded Temporal dev
server, the event store (SQLite, or PostgreSQL with ``--store postgres``), `arsplan worker`,
`arsplan follow` (follower and projections) and `arsplan api` with the dev tokens. The
organisation has N enheter, 20 to an avdelning, and a cycle opened today (deadlines ahead,
so no reminder or escalation fires during the run). Once every UnitReportWorkflow waits
for its klarmarkering, each enhetschef POSTs /api/commands/klarmarkera at a random instant
within ``--window`` seconds.

Measured per enhet: from the POST to the attester's task being complete, i.e. the report's
AttestationRequested is in the store AND the avdelningschef's `GET /api/att-gora` lists its
Attestera task with that event's deadline. The bench observes both every ``POLL_SECONDS``.

Baseline, same dev server and same kind of store, same run: a bare workflow per enhet
waiting for a signal, then running one activity that writes one event (bench/workload.py
BareApplication), in a worker process of its own. The same instants; from the signal to the
event being observed in the store, the same way.

Beside the percentiles, the Temporal histories split each round trip into stages (server
clock; the same machine): where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from eventsourcing.utils import get_topic
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from api.auth import dev_token
from bench.bench_recovery import free_port
from bench.report import Row, print_table
from bench.stores import fresh_store
from bench.workload import (
    BareApplication,
    BareReport,
    Shape,
    enhet_ids,
    import_organisation,
)
from bootstrap import Engine, build_engine, open_store
from cli.demo import NAMND_CODE, demo_cycle_command
from domain.ids import cycle_id, unit_report_id
from domain.unit_report import UnitReport
from infrastructure.devserver import embedded_temporal
from infrastructure.eventstore.pg_schema import fresh_postgres_schema
from infrastructure.settings import Settings
from workflows import activity_names as act
from workflows.ids import unit_report_workflow_id
from workflows.payloads import UnitReportStatus

BIN = Path(sys.executable).parent
ENHETER, WINDOW, SEED = 60, 20.0, 1
PER_AVDELNING = 20
POLL_SECONDS = 0.02  # the bench's own observation step, for ours and the bare twin alike
READY_SECONDS = 300.0
DONE_SECONDS = 180.0  # after the last POST
BARE_QUEUE_ENV = "BENCH_LATENCY_BARE"  # JSON for the bare worker process


# The bare twin: one signal, one activity, one event.

@workflow.defn(name="BareLatencyWorkflow", sandboxed=False)
class BareLatencyWorkflow:
    def __init__(self) -> None:
        self._go = False

    @workflow.signal
    def klarmarkera(self) -> None:
        self._go = True

    @workflow.query
    def waiting(self) -> bool:
        return not self._go

    @workflow.run
    async def run(self, report_id: str) -> None:
        await workflow.wait_condition(lambda: self._go)
        await workflow.execute_activity("bare_record", report_id,
                                        start_to_close_timeout=timedelta(seconds=60))


class BareActivities:
    def __init__(self, app: BareApplication) -> None:
        self.app = app

    @activity.defn(name="bare_record")
    async def record(self, report_id: str) -> None:
        # Off the event loop, as activities/deps.py in_domain does for ours.
        await asyncio.to_thread(self.app.klarmarkera, uuid.UUID(report_id))


async def _bare_worker(address: str, queue: str, env: dict[str, str]) -> None:
    app = BareApplication(env=env)
    client = await Client.connect(address)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with Worker(client, task_queue=queue, workflows=[BareLatencyWorkflow],
                      activities=[BareActivities(app).record]):
        await stop.wait()
    app.close()


# The organisation and a cycle opened today

def shape_for(enheter: int) -> Shape:
    avdelningar = math.ceil(enheter / PER_AVDELNING)
    return Shape(avdelningar, math.ceil(enheter / avdelningar), 0)


def open_live_cycle(engine: Engine, shape: Shape) -> list[tuple[uuid.UUID, str, str]]:
    """bench/workload.py's organisation with the demo's cycle opened today (its deadlines
    ahead, so nothing fires during the run); (report, enhetschef, avdelningschef) per enhet."""
    import_organisation(engine, shape)
    today = engine.store.clock().date()
    engine.execute(demo_cycle_command(today), "p-ctrl")
    cycle = cycle_id(NAMND_CODE, "delarsbokslut", today.year)
    return [(unit_report_id(cycle, u), f"p-{u}", f"p-avd-{u.split('-')[1]}")
            for u in enhet_ids(shape)]


def token(person_id: str) -> str:
    return dev_token(person_id)  # the workload names each person by their id


# Measuring

@dataclass
class Trip:
    key: str  # report id (ours) or bare report id
    at: float  # the planned instant, seconds from the burst's start
    sent: float = 0.0  # wall clock before the POST / signal
    answered: float = 0.0  # the POST's answer (ours)
    recorded: float = 0.0  # the event first seen in the store
    done: float = 0.0  # ours: also on the att-göra list with the event's deadline
    workflow_id: str = ""
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.done - self.sent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)  # nearest rank: defined for any size
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def new_events(store: Any, topic: str, after: int) -> tuple[int, list[Any]]:
    batch = store.recorder.select_notifications(after + 1, 1000, topics=[topic])
    last = batch[-1].id if batch else after
    return last, [store.mapper.to_domain_event(n) for n in batch]


async def burst(trips: list[Trip], send: Any) -> None:
    started = time.monotonic()

    async def one(trip: Trip) -> None:
        await asyncio.sleep(max(0.0, started + trip.at - time.monotonic()))
        await send(trip)

    await asyncio.gather(*(one(t) for t in trips))


async def observe(trips: dict[str, Trip], poll: Any, confirm: Any, deadline: float) -> None:
    """Polls the store (and confirms on the API) until every trip is done."""
    while any(not t.done for t in trips.values()):
        if time.monotonic() > deadline:
            missing = [k for k, t in trips.items() if not t.done]
            raise TimeoutError(f"{len(missing)} not done, e.g. {missing[:3]}")
        seen_at = time.time()
        for key in await asyncio.to_thread(poll):
            if key in trips and not trips[key].recorded:
                trips[key].recorded = seen_at
        await confirm()
        await asyncio.sleep(POLL_SECONDS)


async def stages(client: Client, trip: Trip, activity_type: str, signal_name: str) -> None:
    """Server times from the workflow's history: signalled, the first workflow task after it
    completed, the activity scheduled/started/completed."""
    history = await client.get_workflow_handle(trip.workflow_id).fetch_history()
    when: dict[str, float] = {}
    scheduled_id = 0
    for e in history.events:
        t = e.event_time.ToDatetime(tzinfo=UTC).timestamp()
        kind = e.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED and "signalled" not in when:
            if e.workflow_execution_signaled_event_attributes.signal_name == signal_name \
                    and t >= trip.sent - 1:
                when["signalled"] = t
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and "signalled" in when \
                and "handled" not in when:
            when["handled"] = t
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED and "signalled" in when \
                and not scheduled_id:
            if e.activity_task_scheduled_event_attributes.activity_type.name == activity_type:
                scheduled_id, when["scheduled"] = e.event_id, t
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED and scheduled_id and \
                e.activity_task_started_event_attributes.scheduled_event_id == scheduled_id:
            when["started"] = t
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED and scheduled_id and \
                e.activity_task_completed_event_attributes.scheduled_event_id == scheduled_id:
            when["completed"] = t
    trip.stages = when


STAGES = [  # (label, from, to); a stage is skipped where one end is missing
    ("POST → answer (command)", "sent", "answered"),
    ("→ signalled (follower)", "answered", "signalled"),
    ("signalled → its workflow task done", "signalled", "handled"),
    ("→ activity scheduled", "handled", "scheduled"),
    ("activity scheduled → started", "scheduled", "started"),
    ("activity started → completed", "started", "completed"),
    ("activity completed → seen done", "completed", "done"),
]


def stage_seconds(trips: list[Trip], start: str, end: str) -> list[float]:
    out = []
    for t in trips:
        points = {"sent": t.sent, "answered": t.answered, "done": t.done, **t.stages}
        if points.get(start) and points.get(end):
            out.append((points[end] - points[start]) * 1000)
    return out


# The two runs

@contextlib.contextmanager
def store_settings(kind: str, run_dir: Path) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """Settings of a fresh store for ours, and a fresh eventsourcing environment of the
    same kind for the bare twin."""
    with fresh_store(kind) as bare_env:
        if kind == "sqlite":
            yield {"event_store": "sqlite", "sqlite_path": run_dir / "events.sqlite"}, bare_env
        else:
            with fresh_postgres_schema("bench", 8) as ours:
                yield {"event_store": "postgres",
                       "postgres_schema": ours["POSTGRES_SCHEMA"]}, bare_env


def process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


async def wait_until(check: Any, what: str, seconds: float = READY_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.5)


async def run_ours(address: str, settings: Settings, env: dict[str, str], run_dir: Path,
                   shape: Shape, offsets: list[float]) -> list[Trip]:
    engine = build_engine(settings)
    try:
        reports = open_live_cycle(engine, shape)
    finally:
        engine.close()
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    store = open_store(settings)
    port = free_port()
    processes = [
        process([str(BIN / "arsplan"), "worker"], env, run_dir / "worker.log"),
        process([str(BIN / "arsplan"), "follow"], env, run_dir / "follow.log"),
        process([str(BIN / "arsplan"), "api", "--host", "127.0.0.1", "--port", str(port)], env,
                run_dir / "api.log")]
    base = f"http://127.0.0.1:{port}"
    trips = {str(r): Trip(str(r), at, workflow_id=unit_report_workflow_id(r))
             for (r, _, _), at in zip(reports, offsets, strict=True)}
    chef = {str(r): enhetschef for r, enhetschef, _ in reports}
    attester = {str(r): avdelningschef for r, _, avdelningschef in reports}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            async def ready() -> bool:
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/health")).status_code == 200:
                        for t in trips.values():
                            status = await client.get_workflow_handle(t.workflow_id).query(
                                "status", result_type=UnitReportStatus)
                            if status.phase != "klarmarkering":
                                return False
                        return True
                return False

            await wait_until(_tolerant(ready), "the API and every UnitReportWorkflow ready")

            topic = get_topic(UnitReport.AttestationRequested)
            position = [store.recorder.max_notification_id() or 0]
            deadlines: dict[str, datetime] = {}

            def poll() -> list[str]:
                position[0], events = new_events(store, topic, position[0])
                for e in events:
                    deadlines[str(e.originator_id)] = e.deadline
                return [str(e.originator_id) for e in events]

            async def confirm() -> None:
                pending: dict[str, list[Trip]] = {}
                for key, t in trips.items():
                    if t.recorded and not t.done:
                        pending.setdefault(attester[key], []).append(t)

                async def one(person: str, waiting: list[Trip]) -> None:
                    answer = await http.get("/api/att-gora",
                                            headers={"Authorization": f"Bearer {token(person)}"})
                    answer.raise_for_status()
                    now = time.time()
                    shown = {task["report_id"]: datetime.fromisoformat(task["deadline"])
                             for task in answer.json() if task["task"] == "attestera"}
                    for t in waiting:
                        if shown.get(t.key) == deadlines[t.key]:
                            t.done = now

                await asyncio.gather(*(one(p, w) for p, w in pending.items()))

            async def send(trip: Trip) -> None:
                trip.sent = time.time()
                answer = await http.post(
                    "/api/commands/klarmarkera", json={"report_id": trip.key},
                    headers={"Authorization": f"Bearer {token(chef[trip.key])}"})
                trip.answered = time.time()
                answer.raise_for_status()

            observer = asyncio.create_task(observe(
                trips, poll, confirm, time.monotonic() + max(offsets) + DONE_SECONDS))
            await burst(list(trips.values()), send)
            await observer
        for t in trips.values():
            await stages(client, t, act.REQUEST_ATTESTATION, "report_event")
    finally:
        stop(processes)
        store.close()
    return list(trips.values())


def _tolerant(check: Any) -> Any:
    async def tolerant() -> bool:
        try:
            return bool(await check())
        except Exception:  # e.g. a workflow the cycle has not started yet
            return False
    return tolerant


async def run_bare(address: str, bare_env: dict[str, str], run_dir: Path,
                   offsets: list[float]) -> list[Trip]:
    app = BareApplication(env=bare_env)
    reports = [str(r) for r in app.open_reports(len(offsets))]
    queue = f"bench-latency-bare-{uuid.uuid4().hex[:8]}"
    worker = process([sys.executable, "-m", "bench.bench_latency", "--bare-worker"],
                     {**os.environ, BARE_QUEUE_ENV: json.dumps([address, queue, bare_env])},
                     run_dir / "bare-worker.log")
    client = await Client.connect(address)
    trips = {r: Trip(r, at, workflow_id=f"bare-{r}") for r, at in zip(reports, offsets,
                                                                       strict=True)}
    try:
        for t in trips.values():
            await client.start_workflow(BareLatencyWorkflow.run, t.key, id=t.workflow_id,
                                        task_queue=queue)

        async def ready() -> bool:
            for t in trips.values():
                if not await client.get_workflow_handle(t.workflow_id).query(
                        BareLatencyWorkflow.waiting):
                    return False
            return True

        await wait_until(_tolerant(ready), "every bare workflow ready")
        topic = get_topic(BareReport.Klarmarkerad)  # type: ignore[attr-defined]
        position = [app.recorder.max_notification_id() or 0]

        def poll() -> list[str]:
            position[0], events = new_events(app, topic, position[0])
            return [str(e.originator_id) for e in events]

        async def confirm() -> None:
            for t in trips.values():
                if t.recorded and not t.done:
                    t.done = t.recorded

        async def send(trip: Trip) -> None:
            trip.sent = time.time()
            await client.get_workflow_handle(trip.workflow_id).signal(
                BareLatencyWorkflow.klarmarkera)

        observer = asyncio.create_task(observe(
            trips, poll, confirm, time.monotonic() + max(offsets) + DONE_SECONDS))
        await burst(list(trips.values()), send)
        await observer
        for t in trips.values():
            await stages(client, t, "bare_record", "klarmarkera")
    finally:
        stop([worker])
        app.close()
    return list(trips.values())


def main(enheter: int = ENHETER, window: float = WINDOW, store: str = "sqlite",
         poll_seconds: float | None = None, seed: int = SEED) -> list[Row]:
    shape = shape_for(enheter)
    rng = random.Random(seed)
    offsets = sorted(rng.uniform(0, window) for _ in range(shape.enheter))
    with tempfile.TemporaryDirectory(prefix="arsplan-bench-latency-") as tmp:
        root = Path(tmp)
        address = f"127.0.0.1:{free_port()}"
        server = Settings(temporal_address=address, temporal_db=root / "temporal.sqlite",
                          var_dir=root / "var")
        env = {**os.environ, "ARSPLAN_TEMPORAL_ADDRESS": address,
               "ARSPLAN_TASK_QUEUE": f"bench-latency-{uuid.uuid4().hex[:8]}",
               "ARSPLAN_VAR_DIR": str(root / "var"), "ARSPLAN_DROP_DIR": str(root / "drop"),
               "ARSPLAN_LOG_LEVEL": "WARNING"}
        if poll_seconds is not None:
            env["ARSPLAN_FOLLOWER_POLL_SECONDS"] = str(poll_seconds)
        with embedded_temporal(server, ui=False), store_settings(store, root) as (ours, bare):
            env.update({f"ARSPLAN_{k.upper()}": str(v) for k, v in ours.items()})
            settings = Settings(**ours, temporal_address=address, var_dir=root / "var")
            mine = asyncio.run(run_ours(address, settings, env, root, shape, offsets))
            twin = asyncio.run(run_bare(address, bare, root, offsets))
    ours_ms = [t.seconds * 1000 for t in mine]
    bare_ms = [t.seconds * 1000 for t in twin]
    follower = poll_seconds if poll_seconds is not None else Settings().follower_poll_seconds
    rows = [Row(f"p{p} klarmarkera → attest task complete", percentile(ours_ms, p), "ms",
                percentile(bare_ms, p), target_max_ratio=3.0 if p == 99 else None)
            for p in (50, 95, 99)]
    print_table(f"Latency, {shape.enheter} enheter klarmarkerade within {window:g} s, "
                f"{store}, follower poll {follower:g} s (baseline: bare signal → activity → "
                f"one event)", rows)
    split = []
    for label, start, end in STAGES:
        ours_stage = stage_seconds(mine, start, end)
        bare_stage = stage_seconds(twin, "sent" if start == "answered" else start, end)
        if ours_stage:
            split.append(Row(f"p50 {label}", percentile(ours_stage, 50), "ms",
                             percentile(bare_stage, 50) if bare_stage else None))
            split.append(Row(f"p99 {label}", percentile(ours_stage, 99), "ms",
                             percentile(bare_stage, 99) if bare_stage else None))
    print_table("Where the time goes (ours; baseline: the bare twin's same stage)", split)
    return rows + split


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--enheter", type=int, default=ENHETER)
    p.add_argument("--window", type=float, default=WINDOW, help="seconds the burst spans")
    p.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--follower-poll-seconds", type=float, default=None,
                   help="ARSPLAN_FOLLOWER_POLL_SECONDS for the follower (default: its own)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--bare-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.bare_worker:
        address, queue, bare_env = json.loads(os.environ[BARE_QUEUE_ENV])
        asyncio.run(_bare_worker(address, queue, bare_env))
    else:
        main(args.enheter, args.window, args.store, args.follower_poll_seconds, args.seed)
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime threads can abort a normal exit (sdk-python #300)
