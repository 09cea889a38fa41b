"""A recorded Delårsbokslut 2022 history at known instants, for the projection tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from domain import commands as c
from domain import system_commands as sc
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
BJORKLIDEN = unit_report_id(CYCLE, "enh-bjorkliden")
HEMTJANST = unit_report_id(CYCLE, "enh-hemtjanst-norr")
ALDREBOENDE = unit_report_id(CYCLE, "avd-aldreboende")


def remind(app: TestEngine, report_id: UUID, person: str, key: str, overdue: bool = False
           ) -> None:
    """The workflow's reminder about the klarmarkering, to ``person`` (its owner that day)."""
    result = app.execute_system(sc.RecordReminderSent(
        command_id=key, occurred_at=app.clock(), report_id=report_id, task="klarmarkera",
        deadline=app.get(report_id, UnitReport).deadline, overdue=overdue))
    assert [e.recipient_person_id for e in result.recorded] == [person]


def escalate(app: TestEngine, report_id: UUID, key: str) -> None:
    """The klarmarkering's deadline passed: recorded with the escalation to the chef above."""
    app.execute_system(sc.RecordDeadlinePassed(
        command_id=key, occurred_at=app.clock(), report_id=report_id, task="klarmarkera",
        deadline=app.get(report_id, UnitReport).deadline))


def _opened(app: TestEngine) -> None:
    build_organisation(app)
    open_delar_2022(app)


def _reminders(app: TestEngine) -> None:
    remind(app, BJORKLIDEN, "bertil", "r1")
    remind(app, HEMTJANST, "cecilia", "r2")


def _late(app: TestEngine) -> None:
    remind(app, HEMTJANST, "cecilia", "r3", overdue=True)
    escalate(app, HEMTJANST, "e1")


def _attest(app: TestEngine) -> None:
    app.execute(c.Attestera(report_id=EKHAGEN), "david")
    app.execute(c.Atersand(report_id=BJORKLIDEN, reason="Analys saknas"), "david")


Step = tuple[datetime, str, Callable[[TestEngine], object]]

STEPS: list[Step] = [
    (datetime(2022, 8, 12, 8, 0, tzinfo=UTC), "organisation and cycle opened", _opened),
    (datetime(2022, 8, 15, 9, 0, tzinfo=UTC), "Anna writes an analysis",
     lambda app: app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard",
                                          field="analys", value="Tryggheten ökar"), "anna")),
    (datetime(2022, 8, 20, 6, 0, tzinfo=UTC), "reminders to Bertil and Cecilia", _reminders),
    (datetime(2022, 8, 22, 10, 0, tzinfo=UTC), "Anna klarmarkerar",
     lambda app: app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")),
    (datetime(2022, 8, 23, 14, 0, tzinfo=UTC), "Bertil klarmarkerar",
     lambda app: app.execute(c.Klarmarkera(report_id=BJORKLIDEN), "bertil")),
    (datetime(2022, 8, 24, 6, 0, tzinfo=UTC), "Hemtjänst late: reminder and escalation",
     _late),
    (datetime(2022, 8, 25, 9, 0, tzinfo=UTC), "David godkänner Ekhagen, återsänder Björkliden",
     _attest),
]


def record_history(app: TestEngine, clock: ManualClock,
                   after_each: Callable[[datetime], object] | None = None) -> None:
    for at, _, act in STEPS:
        clock.now = at
        act(app)
        if after_each is not None:
            after_each(at)
