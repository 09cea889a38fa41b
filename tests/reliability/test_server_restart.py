"""The embedded Temporal dev server stopped and restarted on its database file while the
cycle's workflows run and `arsplan worker` / `arsplan follow` keep running: a klarmarkering
made while the server is down is delivered after it is back, and nothing is doubled."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path

import pytest

from domain import commands as c
from domain.ids import unit_report_id
from infrastructure.devserver import embedded_temporal
from tests.reliability.deployment import Deployment, event_keys, has_event, wait_for
from workflows.ids import unit_report_workflow_id

pytestmark = pytest.mark.slow


def test_running_workflows_go_on_after_a_dev_server_restart(tmp_path: Path) -> None:
    d = Deployment(tmp_path)
    app = d.engine
    ekhagen = unit_report_id(d.cycle_id, "enh-ekhagen")
    before = event_keys(app)
    try:
        with embedded_temporal(d.settings, ui=False):
            d.start_cycle_workflow()
            d.start("worker")
            d.start("follow")
            wait_for(partial(d.phase_is, ekhagen, "klarmarkering"), "the report workflow")
        # The server is down: the command is stored, its signal waits in the follower.
        klarmarkerad = app.execute(c.Klarmarkera(report_id=ekhagen, command_id="k1"), "anna")
        with embedded_temporal(d.settings, ui=False):
            wait_for(partial(has_event, app, ekhagen, "AttestationRequested"),
                     "the workflow to open Attestera after the restart", timeout=60)
            app.execute(c.Attestera(report_id=ekhagen, command_id="g1"), "david")
            wait_for(lambda: d.query_cycle().unit_status.get("enh-ekhagen") == "godkand",
                     "the cycle to see the report godkänd")
            codes = d.stop_all()
    finally:
        d.stop_all()
    assert codes == {"worker": 0, "follow": 0}
    attest_key = f"{unit_report_workflow_id(ekhagen)}:attest:{klarmarkerad.version}"
    assert event_keys(app) - before == Counter([
        (ekhagen, "UnitReport.Klarmarkerad", "k1"),
        (ekhagen, "UnitReport.AttestationRequested", attest_key),
        (ekhagen, "UnitReport.Godkand", "g1")])
    app.close()
