"""`arsplan follow` on PostgreSQL wakes on the store's NOTIFY: with an hour between polls,
an opened cycle still gets its CycleWorkflow from a real Temporal dev server, and SIGTERM
ends the process in the middle of its LISTEN wait."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from temporalio.service import RPCError

from application.cycles import ensure_report_template
from bootstrap import connect
from domain.base import Actor
from infrastructure.devserver import embedded_temporal
from infrastructure.eventstore.pg_schema import fresh_postgres_schema
from infrastructure.settings import Settings
from tests.reliability.deployment import BIN, free_port, wait_for
from tests.support.engine import TestEngine
from tests.support.org import DELAR_2022, TEMPLATE, build_organisation
from tests.support.stores import POSTGRES_DSN, skip_without_postgres
from workflows.ids import cycle_workflow_id

pytestmark = pytest.mark.slow

AN_HOUR = 3600  # only a notification can make the follower look again within the test


def logged(path: Path, event: str) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    return [e for e in entries if e.get("event") == event]


def test_the_follow_process_is_woken_by_notify(tmp_path: Path) -> None:
    skip_without_postgres()
    with fresh_postgres_schema("follow", pool_size=2, dsn=POSTGRES_DSN) as store_env:
        schema = store_env["POSTGRES_SCHEMA"]
        app = TestEngine(env=store_env)  # creates the tables and the trigger
        build_organisation(app)
        ensure_report_template(app.store, "VON", TEMPLATE, Actor.system("import"))
        env = {
            **os.environ,
            "ARSPLAN_EVENT_STORE": "postgres", "ARSPLAN_POSTGRES_DSN": POSTGRES_DSN,
            "ARSPLAN_POSTGRES_SCHEMA": schema,
            "ARSPLAN_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "ARSPLAN_TEMPORAL_DB": str(tmp_path / "temporal.sqlite"),
            "ARSPLAN_VAR_DIR": str(tmp_path / "var"),
            "ARSPLAN_TASK_QUEUE": f"tq-{uuid.uuid4()}",
            "ARSPLAN_FOLLOWER_POLL_SECONDS": str(AN_HOUR),
        }
        settings = Settings(temporal_address=env["ARSPLAN_TEMPORAL_ADDRESS"],
                            temporal_db=tmp_path / "temporal.sqlite",
                            var_dir=tmp_path / "var", task_queue=env["ARSPLAN_TASK_QUEUE"])
        stderr = tmp_path / "follow.stderr"
        with embedded_temporal(settings, ui=False), stderr.open("wb") as err:
            follow = subprocess.Popen([str(BIN / "arsplan"), "follow"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=err)
            try:
                wait_for(lambda: bool(logged(stderr, "events_listener_connected")),
                         "the follower to LISTEN", timeout=60)
                cycle_id = app.execute(DELAR_2022, "gun").aggregate_id

                def cycle_workflow_started() -> bool:
                    async def describe() -> bool:
                        client = await connect(settings)
                        try:
                            await client.get_workflow_handle(
                                cycle_workflow_id(cycle_id)).describe()
                        except RPCError:
                            return False
                        return True
                    return asyncio.run(describe())
                wait_for(cycle_workflow_started, "the follower to start the CycleWorkflow",
                         timeout=60)
            finally:
                follow.send_signal(signal.SIGTERM)
                code = follow.wait(timeout=30)
        app.close()
    assert code == 0, stderr.read_text()[-2000:]
    [connected] = logged(stderr, "events_listener_connected")
    assert connected["events"] == f"{schema}.arsplan_events"
    assert connected["follower"] == "workflow-signals"
