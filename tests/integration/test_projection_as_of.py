"""As of a past instant, each read model answers exactly what it showed then."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from projections.base import digest
from projections.queries import (
    audit_trail_as_of,
    cycle_board_as_of,
    reminder_outbox_as_of,
    todo_for,
    todo_for_as_of,
)
from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from projections.runner import catch_up_all
from projections.time_travel import as_of_view
from tests.integration.projection_support import EKHAGEN, STEPS, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE

STOCKHOLM = ZoneInfo("Europe/Stockholm")
AUG_23_17 = datetime(2022, 8, 23, 17, 0, tzinfo=STOCKHOLM)


def test_every_read_model_as_of_each_step_equals_the_live_one_at_that_step(
        app: TestEngine, clock: ManualClock) -> None:
    live = ReadModels.for_app(app)
    shown: dict[datetime, dict[str, str]] = {}

    def snapshot(at: datetime) -> None:
        catch_up_all(app, live)
        shown[at] = {p.name: digest(p.view) for p in live.projections}

    record_history(app, clock, after_each=snapshot)
    for at, expected in shown.items():
        for projection in live.projections:
            assert digest(as_of_view(app, type(projection), at)) == expected[projection.name]
            # Just before the next step the answer is still the same.
            later = at + timedelta(hours=1)
            assert digest(as_of_view(app, type(projection), later)) == expected[projection.name]
    live.close()


def test_before_anything_was_recorded_the_read_models_are_empty(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    before = STEPS[0][0] - timedelta(seconds=1)
    assert as_of_view(app, ReportingProjection, before).rows() == []


def test_the_att_gora_list_on_2022_08_23_at_17_shows_what_it_showed_then(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    then = {(t.task, t.unit_id) for t in todo_for_as_of(app, "david", AUG_23_17)}
    assert then == {("attestera", "enh-ekhagen"), ("attestera", "enh-bjorkliden"),
                    ("klarmarkera", "avd-aldreboende")}
    cecilia = todo_for_as_of(app, "cecilia", AUG_23_17)
    assert [(t.unit_id, t.days_late) for t in cecilia] == [("enh-hemtjanst-norr", 0)]
    # Today Ekhagen is godkänd and Björkliden återsänd: David has nothing to attest.
    live = ReadModels.for_app(app)
    catch_up_all(app, live)
    now = {(t.task, t.unit_id) for t in todo_for(live.view(ReportingProjection), "david",
                                                 AUG_23_17)}
    assert now == {("klarmarkera", "avd-aldreboende")}
    live.close()


def test_board_audit_trail_and_outbox_as_of_an_instant(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    board = cycle_board_as_of(app, CYCLE, AUG_23_17)
    assert board is not None
    assert board.counts["klarmarkerad"] == 2 and board.counts["godkand"] == 0
    trail = audit_trail_as_of(app, AUG_23_17, aggregate_id=EKHAGEN)
    assert [e.event_type for e in trail][-1] == "UnitReport.Klarmarkerad"
    assert [r.recipient_person_id for r in reminder_outbox_as_of(app, AUG_23_17)] == [
        "bertil", "cecilia"]


def test_an_instant_without_a_time_zone_is_refused(app: TestEngine) -> None:
    with pytest.raises(ValueError, match="time zone"):
        as_of_view(app, ReportingProjection, datetime(2022, 8, 23, 17, 0))
