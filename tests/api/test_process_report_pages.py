"""A report of the planning process and of the fördjupad månadsuppföljning shows its own items
and fields on the report page (labelled in Swedish)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.app import create_app
from domain import system_commands as sc
from domain.cycle import Cycle
from domain.ids import cycle_id, unit_report_id
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.support.dashboard import signing_in
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV

VON = Path(__file__).resolve().parents[2] / "data" / "von"


@pytest.mark.parametrize(("process", "year", "unit_prefix", "shown"), [
    ("budget", 2023, "enh-", ("Verksamhetsplan", "Aktiviteter")),
    ("fordjupad_manadsuppfoljning", 2022, "avd-", ("Ekonomi", "Prognosförändring")),
])
async def test_the_report_page_shows_the_process_items(
        process: str, year: int, unit_prefix: str, shown: tuple[str, ...]) -> None:
    app = TestEngine(env=dict(MEMORY_ENV),
                     clock=ManualClock(datetime(2022, 5, 2, 8, 0, tzinfo=UTC)))
    import_organisation(app, VON / "organisation.yaml")
    import_arsplan(app, VON / "arsplan_2022_2023.yaml")
    for template in sorted(VON.glob("report_template*.yaml")):
        import_report_template(app, "VON", template)
    app.execute_system(sc.OpenPlannedCycle(
        command_id=sc.open_planned_cycle_key("VON", process, year),
        occurred_at=datetime(2022, 5, 2, 5, 0, tzinfo=UTC), namnd_code="VON",
        label="2022/2023", process=process, year=year))
    cycle = app.get(cycle_id("VON", process, year), Cycle)
    unit = next(u for u in cycle.unit_ids if u.startswith(unit_prefix))
    chef = next(a.person_id for a in app.organisation("VON").assignments.values()
                if a.unit_id == unit and a.role in ("enhetschef", "avdelningschef"))
    signed_in = signing_in(create_app(app.store, app.bus, {"t-chef": chef}))
    async with signed_in("t-chef") as http:
        page = await http.get(f"/rapporter/{unit_report_id(cycle.id, unit)}")
    assert page.status_code == 200, page.text
    for text in shown:
        assert text in page.text
