"""`arsplan worker` (and once `arsplan follow`) SIGKILLed mid-cycle while work is pending, then
restarted: the cycle proceeds and the event store ends with no lost and no doubled events."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path
from uuid import UUID

import pytest

from domain import commands as c
from domain.ids import unit_report_id
from infrastructure.devserver import embedded_temporal
from tests.reliability.deployment import (
    Deployment,
    EventKey,
    event_keys,
    has_event,
    wait_for,
)
from workflows.ids import unit_report_workflow_id

pytestmark = pytest.mark.slow
EVENT_OF: dict[type[c.ReportCommand], str] = {
    c.Klarmarkera: "UnitReport.Klarmarkerad", c.Attestera: "UnitReport.Godkand"}


def attest_key(report_id: UUID, klarmarkerad_version: int) -> str:
    """The idempotency key UnitReportWorkflow gives the AttestationRequested it records."""
    return f"{unit_report_workflow_id(report_id)}:attest:{klarmarkerad_version}"


def test_killed_worker_and_follower_processes_lose_and_double_no_event(tmp_path: Path) -> None:
    d = Deployment(tmp_path)
    app = d.engine
    ekhagen, bjorkliden, aldreboende = (unit_report_id(d.cycle_id, u) for u in (
        "enh-ekhagen", "enh-bjorkliden", "avd-aldreboende"))
    before = event_keys(app)
    expected: list[EventKey] = []

    def command(person: str, cmd: c.ReportCommand) -> int:
        result = app.execute(cmd, person)
        expected.append((cmd.report_id, EVENT_OF[type(cmd)], cmd.command_id))
        return int(result.version)

    with embedded_temporal(d.settings, ui=False):
        d.start_cycle_workflow()
        d.start("worker")
        d.start("follow")
        try:
            for report in (ekhagen, bjorkliden):
                wait_for(partial(d.phase_is, report, "klarmarkering"),
                         "the enhet's report workflow to load its report")
            # Both enheter klarmarkerar; the worker dies before it handles the signals.
            versions = {r: command(p, c.Klarmarkera(report_id=r, command_id=f"k-{p}"))
                        for r, p in ((ekhagen, "anna"), (bjorkliden, "bertil"))}
            d.kill("worker")
            assert not any(has_event(app, r, "AttestationRequested") for r in versions)
            d.start("worker")
            for report, version in versions.items():
                wait_for(partial(has_event, app, report, "AttestationRequested"),
                         "the restarted worker to open Attestera")
                expected.append((report, "UnitReport.AttestationRequested",
                                 attest_key(report, version)))

            # Idle first: a worker killed inside an activity only gets it retried after its
            # start-to-close timeout (30 s, no heartbeat), see docs/reliability.md.
            for report in versions:
                wait_for(partial(d.phase_is, report, "attest"), "the Attestera task to settle")
            # The avdelningschef attesterar both; follower and worker die with signals unsent.
            for report in (ekhagen, bjorkliden):
                command("david", c.Attestera(report_id=report, command_id=f"g-{report}"))
            d.kill("follow")
            d.kill("worker")
            d.start("follow")
            d.start("worker")

            # The avdelning's report opens once both enheter are godkända (the cycle waits).
            wait_for(partial(d.phase_is, aldreboende, "klarmarkering"),
                     "the cycle to start the avdelning's report")
            version = command("david", c.Klarmarkera(report_id=aldreboende, command_id="k-avd"))
            d.kill("worker")
            d.start("worker")
            wait_for(lambda: has_event(app, aldreboende, "AttestationRequested"),
                     "the avdelning's Attestera task")
            expected.append((aldreboende, "UnitReport.AttestationRequested",
                             attest_key(aldreboende, version)))
            command("fredrik", c.Attestera(report_id=aldreboende, command_id="g-avd"))
            wait_for(lambda: d.query_cycle().unit_status.get("avd-aldreboende") == "godkand",
                     "the cycle to see the avdelning godkänd")
        finally:
            codes = d.stop_all()
    assert codes == {"worker": 0, "follow": 0}

    recorded = event_keys(app) - before
    assert recorded == Counter(expected)
    assert all(n == 1 for (_, _, key), n in event_keys(app).items() if key is not None)
    app.close()
