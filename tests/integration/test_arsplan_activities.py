"""The ÅrsplanWorkflow's activities date cycles by the stored plan: a moved milestone counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from activities.arsplan import ArsplanActivities
from bootstrap import Engine, build_activity_deps
from domain import commands as c
from domain.calendar import STOCKHOLM, end_of_day
from domain.cycle import Cycle
from domain.ids import cycle_id
from infrastructure.importer import import_arsplan, import_organisation
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.workflows.harness import harness_settings as settings_for
from workflows.payloads import ArsplanInput, OpenCycleRequest

DATA = Path("data/von")
DELAR = cycle_id("VON", "delarsbokslut", 2022)
CONTROLLER = "p-355f78"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TestEngine]:
    application = TestEngine(env=sqlite_env(tmp_path / "events.db"),
                            clock=ManualClock(datetime(2022, 8, 1, 8, 0, tzinfo=UTC)))
    import_organisation(application, DATA / "organisation.yaml")
    import_arsplan(application, DATA / "arsplan_2022_2023.yaml")
    yield application
    application.close()


def activities_for(app: TestEngine, tmp_path: Path) -> ArsplanActivities:
    engine = Engine(app.store, app.bus, settings_for(tmp_path))
    return ArsplanActivities(build_activity_deps(engine))


def move(app: TestEngine, milestone_id: str, start: date, end: date) -> None:
    app.execute(c.MoveMilestone(namnd_code="VON", label="2022/2023", milestone_id=milestone_id,
                                start=start, end=end, reason="Nämnden flyttade datumen"),
                CONTROLLER)


async def test_openings_use_a_moved_opening_milestone(tmp_path: Path, app: TestEngine) -> None:
    activities = activities_for(app, tmp_path)
    move(app, "f-delar-2022-utfall-nyckeltal", date(2022, 8, 19), date(2022, 8, 19))

    openings = await activities.arsplan_openings(ArsplanInput(namnd_code="VON",
                                                              label="2022/2023"))

    delar = next(o for o in openings if o.cycle_id == str(DELAR))
    assert delar.opens_at == datetime(2022, 8, 19, 7, 0, tzinfo=STOCKHOLM)
    # The other cycle keeps the file's dates.
    ars = next(o for o in openings if o.title == "Årsbokslut 2022")
    assert ars.opens_at == datetime(2023, 1, 12, 7, 0, tzinfo=STOCKHOLM)


async def test_the_opened_cycle_has_the_moved_deadlines(tmp_path: Path, app: TestEngine) -> None:
    activities = activities_for(app, tmp_path)
    move(app, "f-delar-2022-enhetschefer", date(2022, 8, 12), date(2022, 8, 26))
    move(app, "f-delar-2022-von-beslut", date(2022, 10, 4), date(2022, 10, 4))

    await activities.open_cycle(OpenCycleRequest(
        namnd_code="VON", label="2022/2023", process="delarsbokslut", year=2022,
        occurred_at=datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)))

    cycle = app.get(DELAR, Cycle)
    assert cycle.deadlines["enhet"] == end_of_day(date(2022, 8, 26))
    assert cycle.deadlines["avdelning"] == end_of_day(date(2022, 8, 30))
    assert cycle.beslut_date == date(2022, 10, 4)
