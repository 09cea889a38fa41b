"""Acceptance: a whole Delårsbokslut 2022 VON cycle in simulated time."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

from domain.command_identity import key_of
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows import delarsbokslut as d
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import scenario
from workflows.cycle import CycleWorkflow
from workflows.ids import avdelning_workflow_id

HISTORIES = Path(__file__).parent / "histories"


async def test_whole_delarsbokslut_cycle_records_exactly_the_expected_events(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    d.setup_store(app)
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
        handle = await d.run_cycle(s)
        final = await handle.result()
        # settle() waits on the avdelning workflows too: their relays are work in flight.
        assert avdelning_workflow_id(d.CYCLE, "avd-aldreboende") in {
            h.id for h in await s.all_handles(handle)}
        if os.environ.get("ARSPLAN_RECORD_HISTORIES") == "1":
            await record_histories(s, handle)

    assert final.phase == "closed" and final.exported
    for unit_id in d.SCOPE:
        assert d.report_facts(app, unit_id) == d.EXPECTED[unit_id], unit_id
    assert d.cycle_facts(app) == d.EXPECTED_CYCLE
    # Each idempotency key was recorded by one save: one fact, or DeadlinePassed + Escalated.
    by_key: dict[str, list[str]] = {}
    for u in d.SCOPE:
        for e in app.aggregate_events(d.rid(u)):
            if e.actor.person_id == "system":
                by_key.setdefault(key_of(e.command_id), []).append(type(e).__name__)
    assert all(names in (["ReminderSent"], ["AttestationRequested"],
                         ["DeadlinePassed", "Escalated"]) for names in by_key.values())

    underlag = list((tmp_path / "drop" / "klk").rglob("*.docx"))
    assert len(underlag) == 1
    assert hashlib.sha256(underlag[0].read_bytes()).hexdigest() == d.underlag_sha(app)
    [package] = list((tmp_path / "drop" / "platina").rglob("*.zip"))
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("beslut.json"))
    assert manifest["beslut"] == "Nämnden godkänner delårsbokslut 2022"
    assert manifest["underlag_sha256"] == d.underlag_sha(app)


async def record_histories(s, handle) -> None:  # type: ignore[no-untyped-def]
    """Writes the run's histories for the replay test (ARSPLAN_RECORD_HISTORIES=1).

    They are the fan-out by avdelning; the histories without that prefix were recorded
    before it and stay as they are, so cycles begun then are proven to replay too.
    """
    HISTORIES.mkdir(exist_ok=True)
    status = await handle.query(CycleWorkflow.status)
    picks = {"cycle": handle.id,
             "avdelning_aldreboende": avdelning_workflow_id(d.CYCLE, "avd-aldreboende"),
             "unit_report_late_enhet": s.report_handle(d.CYCLE, "enh-haga-hemtjanst-1").id,
             "unit_report_forvaltning": s.report_handle(d.CYCLE, "von-forv").id}
    assert status.started
    for name, workflow_id in picks.items():
        history = await s.client.get_workflow_handle(workflow_id).fetch_history()
        (HISTORIES / f"delarsbokslut_2022_by_avdelning_{name}.json").write_text(
            history.to_json())
