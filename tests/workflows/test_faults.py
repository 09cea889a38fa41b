"""Faults during a cycle: a killed worker, a follower replaying old events, retried activities."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrastructure.notifier import Notification, Notifier
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows import delarsbokslut as d
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import Scenario, scenario
from workflows.ids import unit_report_workflow_id
from workflows.payloads import ReportEvent
from workflows.unit_report import UnitReportWorkflow


class FlakyNotifier(Notifier):
    """Fails the first ``failures`` deliveries after the fact was recorded, like a crash."""

    def __init__(self, inner: Notifier, failures: int) -> None:
        super().__init__(inner.outbox, inner.smtp)
        self.failures = failures
        self.calls = 0

    async def notify(self, n: Notification) -> None:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("SMTP-servern svarar inte")
        await super().notify(n)


async def crash_and_replay(i: int, s: Scenario) -> None:
    """After Brunnsgården's återsänd: kill the worker, and restart the follower from an
    older position, as if it crashed before saving; then start a fresh worker."""
    if i != 6:
        return
    await s.stop_worker()
    s.follower = s.make_follower()
    position = s.follower.positions.get(s.follower.name)
    s.follower.positions.set(s.follower.name, position - 5)
    await s.start_worker(max_cached_workflows=0)
    await s.deliver()


@pytest.mark.slow
async def test_killed_worker_and_replayed_signals_lose_and_double_nothing(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    d.setup_store(app)
    # No workflow cache, so no sticky queues (the test server never moves those off a dead
    # worker): every workflow task rebuilds its workflow by replaying the history.
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START,
                        max_cached_workflows=0) as s:
        s.quiet_rounds = 1
        flaky = FlakyNotifier(s.deps.notifier, failures=1)
        s.deps.notifier = flaky
        handle = await d.run_cycle(s, after_step=crash_and_replay)
        final = await handle.result()
        brunnsgarden = await s.report_handle(d.CYCLE, "enh-brunnsgarden").query(
            UnitReportWorkflow.status)

    assert final.exported
    for unit_id in d.SCOPE:
        assert d.report_facts(app, unit_id) == d.EXPECTED[unit_id], unit_id
    assert d.cycle_facts(app) == d.EXPECTED_CYCLE
    assert brunnsgarden.ignored_duplicates >= 1  # the replayed återsänd was recognised
    outbox = flaky.outbox.all()
    assert len(outbox) == len({n.key for n in outbox})
    assert flaky.calls == len(outbox) + 1


async def test_a_duplicate_signal_changes_nothing(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    d.setup_store(app)
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
        handle = await d.run_cycle_until(s, d.at("08-17", "12:00"))
        report = s.client.get_workflow_handle_for(
            UnitReportWorkflow.run, unit_report_workflow_id(d.rid("enh-bjarkegarden")))
        before = await report.query(UnitReportWorkflow.status)
        klarmarkerad = next(e for e in app.aggregate_events(d.rid("enh-bjarkegarden"))
                            if type(e).__name__ == "Klarmarkerad")
        duplicate = ReportEvent(event_id=str(klarmarkerad.event_id),
                                version=klarmarkerad.originator_version, kind="klarmarkerad")
        await report.signal(UnitReportWorkflow.report_event, duplicate)
        await report.signal(UnitReportWorkflow.report_event, duplicate)
        await s.settle(handle)
        after = await report.query(UnitReportWorkflow.status)
        events_after = d.report_facts(app, "enh-bjarkegarden")

    assert before.status == after.status == "godkand"
    assert after.ignored_duplicates == before.ignored_duplicates + 2
    assert after.seen_event_ids == before.seen_event_ids
    assert events_after == d.EXPECTED["enh-bjarkegarden"]
