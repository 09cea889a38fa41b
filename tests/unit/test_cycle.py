"""Cycle schedule: opening rules and moving a level's deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import commands as c
from domain.calendar import end_of_day
from domain.cycle import Cycle
from domain.errors import InvalidInputError, NotAuthorisedError
from domain.unit_report import UnitReport
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, DELAR_2022, build_organisation, open_delar_2022, report

NEW = datetime(2022, 8, 26, 21, 59, tzinfo=UTC)


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def deadline(app: TestEngine, unit_id: str) -> datetime:
    return app.get(report(unit_id), UnitReport).deadline  # type: ignore[arg-type]


def test_moving_the_enhet_deadline_moves_every_enhet_report_but_not_other_levels(
        von: TestEngine) -> None:
    von.execute(c.MoveCycleDeadline(cycle_id=CYCLE, level="enhet", new_deadline=NEW,
                                    reason="Utfall för nyckeltal försenat"), "gun")
    assert von.get(CYCLE, Cycle).deadlines["enhet"] == NEW
    assert deadline(von, "enh-ekhagen") == NEW
    assert deadline(von, "enh-hemtjanst-norr") == NEW
    assert deadline(von, "avd-aldreboende") == end_of_day(date(2022, 8, 30))


def test_a_report_moved_on_its_own_keeps_its_deadline(von: TestEngine) -> None:
    own = datetime(2022, 8, 29, 21, 59, tzinfo=UTC)
    von.execute(c.MoveReportDeadline(report_id=report("enh-ekhagen"), new_deadline=own,
                                     reason="Ny enhetschef"), "gun")
    von.execute(c.MoveCycleDeadline(cycle_id=CYCLE, level="enhet", new_deadline=NEW,
                                    reason="Utfall försenat"), "gun")
    assert deadline(von, "enh-ekhagen") == own
    assert deadline(von, "enh-bjorkliden") == NEW


def test_only_cycle_administrators_move_deadlines(von: TestEngine) -> None:
    with pytest.raises(NotAuthorisedError):
        von.execute(c.MoveCycleDeadline(cycle_id=CYCLE, level="enhet", new_deadline=NEW,
                                        reason="x"), "anna")


def test_deadlines_must_come_level_by_level(app: TestEngine) -> None:
    build_organisation(app)
    backwards = DELAR_2022.model_copy(update={"avdelning_deadline": date(2022, 8, 1)})
    with pytest.raises(InvalidInputError) as err:
        app.execute(backwards, "gun")
    assert err.value.rule == "deadline_order"


def test_opening_the_same_cycle_again_is_harmless(von: TestEngine) -> None:
    again = von.execute(DELAR_2022, "gun")
    assert again.duplicate
