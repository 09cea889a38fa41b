"""The planning process (Mål och budget 2023) played through: every unit's verksamhetsplan
and the avdelningar's internkontrollplan reach the underlag, and the nämnd adopts them as
its beslut, recorded in the store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from cli.simulate import run_cycle_simulation
from domain.cycle import Cycle
from domain.ids import unit_report_id
from domain.report_flow import GODKAND
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from tests.workflows.harness import harness_settings


@pytest.mark.slow
def test_the_namnd_adopts_verksamhetsplan_and_internkontrollplan(tmp_path: Path) -> None:
    store = tmp_path / "sim.sqlite"
    outcome = run_cycle_simulation(harness_settings(tmp_path), Console(file=io.StringIO()),
                                   "VON:budget:2023", store=store, out=tmp_path / "out")
    assert outcome.cycle.title == "Mål och budget 2023"
    assert outcome.cycle.status == "closed"  # underlag sent, beslut recorded and exported

    app = ArsplanStore(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                            "SQLITE_DBNAME": str(store)})
    try:
        cycle = app.get(outcome.cycle.id, Cycle)
        recorded = [e for e in app.events.get(cycle.id)
                    if isinstance(e, Cycle.BeslutRecorded)]
        assert [e.beslut for e in recorded] == [
            "Nämnden antar mål och budget 2023 med verksamhetsplan och internkontrollplan"]
        assert recorded[0].paragraph  # a paragraph of the sammanträde's protokoll
        kinds: dict[str, set[str]] = {}
        for unit_id in cycle.unit_ids:
            report = app.get(unit_report_id(cycle.id, unit_id), UnitReport)
            assert report.status == GODKAND or unit_id.startswith("von-forv"), unit_id
            kinds.setdefault(unit_id.split("-")[0], set()).update(
                item.kind for item in report.items.values())
    finally:
        app.close()
    assert "verksamhetsplan" in kinds["enh"]
    assert {"verksamhetsplan", "internkontrollplan"} <= kinds["avd"] | kinds["enh"]
