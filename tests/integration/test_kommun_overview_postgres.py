"""The kommun view over PostgreSQL: the årsplaner found through the notification log, the
cycles' facts and the kommun steps, now and as of an instant (tests/support/kommun_world.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from projections.kommun import kommun_overview
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.kommun_world import KSAU_DIALOG, load_kommun, year_2022
from tests.support.stores import postgres_schema_env, skip_without_postgres


def test_the_kommun_view_reads_two_namnder_from_postgres() -> None:
    skip_without_postgres()
    clock = ManualClock(datetime(2022, 1, 10, 8, tzinfo=UTC))
    with postgres_schema_env() as env:
        app = TestEngine(env=env, clock=clock)
        try:
            load_kommun(app)
            year_2022(app, clock)
            now = kommun_overview(app, 2022)
            before = kommun_overview(app, 2022, datetime(2022, 9, 14, 10, tzinfo=UTC))
        finally:
            app.close()
    delar = {p.process: p for p in now.processes}["delarsbokslut"]
    assert {r.namnd_code: r.underlag_status for r in delar.namnder} == {
        "VON": "i_tid", "SN": "for_sent"}
    assert {s.milestone_id: s.status for s in delar.steps}[KSAU_DIALOG] == "i_tid"
    then = {p.process: p for p in before.processes}["delarsbokslut"]
    assert {r.namnd_code: r.underlag_status for r in then.namnder} == {
        "VON": "i_tid", "SN": "saknas_forsenad"}
    assert {s.milestone_id: s.status for s in then.steps}[KSAU_DIALOG] == "kommande"
