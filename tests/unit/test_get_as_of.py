"""TestEngine.get_as_of: an aggregate as last recorded at or before an instant."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from domain import commands as c
from domain.ids import unit_report_id
from domain.unit_report import KLARMARKERAD, PAGAR, UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")


def test_each_instant_sees_the_version_recorded_by_then(app: TestEngine,
                                                       clock: ManualClock) -> None:
    before_opening = clock.now - timedelta(seconds=1)
    build_organisation(app)
    open_delar_2022(app)
    clock.advance(hours=1)
    app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                             value="Analys"), "anna")
    edited = clock.now
    clock.advance(hours=1)
    app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")

    assert app.get_as_of(EKHAGEN, UnitReport, before_opening) is None
    then = app.get_as_of(EKHAGEN, UnitReport, edited + timedelta(minutes=30))
    now = app.get_as_of(EKHAGEN, UnitReport, None)
    assert then is not None and now is not None
    assert (then.status, now.status) == (PAGAR, KLARMARKERAD)
    assert then.version == now.version - 1


def test_an_unknown_aggregate_is_none(app: TestEngine, clock: ManualClock) -> None:
    assert app.get_as_of(uuid4(), UnitReport, clock.now) is None
    assert app.get_as_of(uuid4(), UnitReport, None) is None
