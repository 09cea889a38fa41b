"""The deployment's processes: `arsplan worker` and `arsplan follow` as separate
processes against one event store and a real Temporal dev server, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.common import WorkflowIDConflictPolicy

from application.cycles import ensure_report_template
from bootstrap import connect
from domain import commands as c
from domain.base import Actor
from domain.ids import unit_report_id
from infrastructure.devserver import embedded_temporal
from infrastructure.settings import Settings
from projections.queries import cycle_board
from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from tests.reliability.deployment import BIN, free_port, wait_for
from tests.support.engine import TestEngine
from tests.support.org import DELAR_2022, TEMPLATE, build_organisation
from tests.support.stores import sqlite_env
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

pytestmark = pytest.mark.slow


def test_worker_and_follower_processes_drive_a_cycle_and_stop_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ARSPLAN_EVENT_STORE": "sqlite",
        "ARSPLAN_SQLITE_PATH": str(tmp_path / "events.sqlite"),
        "ARSPLAN_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "ARSPLAN_TEMPORAL_DB": str(tmp_path / "temporal.sqlite"),
        "ARSPLAN_VAR_DIR": str(tmp_path / "var"),
        "ARSPLAN_TASK_QUEUE": f"tq-{uuid.uuid4()}",
        "ARSPLAN_FOLLOWER_POLL_SECONDS": "0.2",
    }
    settings = Settings(event_store="sqlite", sqlite_path=tmp_path / "events.sqlite",
                        temporal_address=env["ARSPLAN_TEMPORAL_ADDRESS"],
                        temporal_db=tmp_path / "temporal.sqlite", var_dir=tmp_path / "var",
                        task_queue=env["ARSPLAN_TASK_QUEUE"])
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"))
    build_organisation(app)
    today = datetime.now(tz=UTC).date()
    live = DELAR_2022.model_copy(update={
        "year": today.year, "enhet_deadline": today + timedelta(days=10),
        "avdelning_deadline": today + timedelta(days=15),
        "forvaltning_deadline": today + timedelta(days=20),
        "underlag_date": today + timedelta(days=21), "beslut_date": today + timedelta(days=30)})
    ensure_report_template(app.store, "VON", TEMPLATE, Actor.system("import"))
    cycle_id = app.execute(live, "gun").aggregate_id  # the controller opens the cycle

    with embedded_temporal(settings, ui=False):
        async def start() -> None:
            client = await connect(settings)
            await client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=str(cycle_id)),
                id=cycle_workflow_id(cycle_id), task_queue=settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        asyncio.run(start())
        processes = [subprocess.Popen([str(BIN / "arsplan"), command], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for command in ("worker", "follow")]
        try:
            ekhagen = unit_report_id(cycle_id, "enh-ekhagen")
            app.execute(c.Klarmarkera(report_id=ekhagen), "anna")

            def attest_requested() -> bool:
                return any(type(e).__name__ == "AttestationRequested"
                           for e in app.aggregate_events(ekhagen))
            wait_for(attest_requested, "the workflow to open the Attestera task", timeout=90)

            read_models = ReadModels.for_app(app)

            def board_shows_klarmarkerad() -> bool:
                board = cycle_board(read_models.view(ReportingProjection), cycle_id)
                return board is not None and any(
                    r.unit_id == "enh-ekhagen" and r.status == "klarmarkerad" for r in board.rows)
            wait_for(board_shows_klarmarkerad, "the follow process to project the board",
                     timeout=90)
            read_models.close()
        finally:
            for p in processes:
                p.send_signal(signal.SIGTERM)
            codes = [p.wait(timeout=30) for p in processes]
    assert codes == [0, 0], [p.stderr.read().decode()[-2000:] for p in processes if p.stderr]
    app.close()
