"""Rebuilt from zero, resumed after a crash or a kill: the read models come out the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import ProjectionRunner

from domain import commands as c
from projections.audit_trail import AuditTrailProjection
from projections.base import Put, digest
from projections.queries import cycle_board
from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from projections.runner import (
    CatchUpProgress,
    catch_up,
    catch_up_all,
    rebuild,
    start_in_thread,
)
from projections.views import PostgresReadModelView
from tests.integration.projection_support import HEMTJANST, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE
from tests.support.stores import postgres_schema_env, skip_without_postgres, sqlite_env

ROOT = Path(__file__).resolve().parents[2]


class Unserialisable:
    pass


class CrashingProjection(ReportingProjection):
    """Fails inside the write transaction of its ``crash_at``-th write."""

    name = "reporting"
    crash_at = 25

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.writes = 0

    def write(self, tracking: Tracking, changes: Any) -> None:
        self.writes += 1
        if self.writes == self.crash_at:
            changes = [*changes, Put("poison", "x", {"value": Unserialisable()})]
        super().write(tracking, changes)


def _fresh_digests(app: TestEngine) -> dict[str, str]:
    models = ReadModels({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    catch_up_all(app, models)
    return {p.name: digest(p.view) for p in models.projections}


@pytest.fixture
def live(app: TestEngine, clock: ManualClock) -> Iterator[ReadModels]:
    """Read models kept up to date step by step, as the main job would."""
    models = ReadModels.for_app(app)
    record_history(app, clock, after_each=lambda _: catch_up_all(app, models))
    yield models
    models.close()


def test_a_rebuild_from_zero_equals_the_live_read_models(
        app: TestEngine, live: ReadModels) -> None:
    before = {p.name: digest(p.view) for p in live.projections}
    assert before == _fresh_digests(app)
    progress: dict[str, list[CatchUpProgress]] = {}
    for projection in live.projections:
        rebuild(app, projection, batch_size=7,
                progress=lambda p: progress.setdefault(p.projection, []).append(p))
    assert {p.name: digest(p.view) for p in live.projections} == before
    # The audit trail reads every event: its progress climbs batch by batch to the head.
    audit = [p.position for p in progress["audit_trail"]]
    assert audit == sorted(audit) and len(audit) > 1
    assert audit[-1] == progress["audit_trail"][-1].head == app.recorder.max_notification_id()


def test_catching_up_again_applies_nothing_and_redelivery_is_refused(
        app: TestEngine, live: ReadModels) -> None:
    before = {p.name: digest(p.view) for p in live.projections}
    assert catch_up_all(app, live) == 0
    reporting = live.projection(ReportingProjection)
    last = reporting.view.max_tracking_id(app.name)
    assert last is not None
    [notification] = app.recorder.select_notifications(last, 1)
    with pytest.raises(IntegrityError):
        reporting.process_event(app.mapper.to_domain_event(notification),
                                Tracking(app.name, notification.id))
    assert {p.name: digest(p.view) for p in live.projections} == before


def test_a_projection_crashing_mid_batch_resumes_with_nothing_lost_or_doubled(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    models = ReadModels.for_app(app, [ReportingProjection])
    view = models.view(ReportingProjection)
    crashing = CrashingProjection(view)
    with pytest.raises(TypeError):
        catch_up(app, crashing, batch_size=10)
    stopped_at = view.max_tracking_id(app.name)
    assert stopped_at is not None and 0 < stopped_at < (app.recorder.max_notification_id() or 0)

    catch_up(app, models.projection(ReportingProjection), batch_size=10)
    assert digest(view) == _fresh_digests(app)["reporting"]
    board = cycle_board(view, CYCLE)
    assert board is not None
    hemtjanst = next(r for r in board.rows if r.report_id == HEMTJANST)
    assert (hemtjanst.reminders_sent, hemtjanst.escalations) == (2, 1)
    models.close()


def test_a_killed_projection_process_resumes_with_nothing_lost_or_doubled(
        tmp_path: Path, clock: ManualClock) -> None:
    env = sqlite_env(tmp_path / "events.sqlite")
    app = TestEngine(env=env, clock=clock)
    record_history(app, clock)
    models = ReadModels(env, [ReportingProjection])
    view = models.view(ReportingProjection)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.projection_crash_child",
         env["SQLITE_DBNAME"]], cwd=ROOT, stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while (view.max_tracking_id(app.name) or 0) < 20:
            assert child.poll() is None, "the child finished or failed before the kill"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    stopped_at = view.max_tracking_id(app.name)
    assert stopped_at is not None and stopped_at < (app.recorder.max_notification_id() or 0)

    catch_up(app, models.projection(ReportingProjection))
    assert digest(view) == _fresh_digests(app)["reporting"]
    models.close()
    app.close()


def test_eventsourcings_projection_runner_builds_the_same_view_on_postgres(
        clock: ManualClock) -> None:
    skip_without_postgres()
    with postgres_schema_env() as env:
        app = TestEngine(env=env, clock=clock)
        record_history(app, clock)
        with ProjectionRunner(application_class=TestEngine, projection_class=ReportingProjection,
                              view_class=PostgresReadModelView, env=env) as runner:
            runner.wait(app.recorder.max_notification_id(), timeout=10)
            assert digest(runner.view) == _fresh_digests(app)["reporting"]
        app.close()


def test_the_background_runner_follows_new_events_until_stopped(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    models = ReadModels.for_app(app)
    stop = threading.Event()
    thread = start_in_thread(app, models, stop, poll_interval=0.05)
    try:
        app.execute(c.Klarmarkera(report_id=HEMTJANST), "cecilia")
        head = app.recorder.max_notification_id()
        views = [models.view(AuditTrailProjection), models.view(ReportingProjection)]
        deadline = time.monotonic() + 20
        while any(v.max_tracking_id(app.name) != head for v in views):
            assert time.monotonic() < deadline, "the runner did not catch up"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    board = cycle_board(models.view(ReportingProjection), CYCLE)
    assert board is not None
    assert next(r for r in board.rows if r.report_id == HEMTJANST).status == "klarmarkerad"
    models.close()
