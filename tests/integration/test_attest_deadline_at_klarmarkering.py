"""The Attestera task shows its real deadline from the moment of the klarmarkering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from domain import commands as c
from domain import system_commands as sc
from domain.calendar import STOCKHOLM, end_of_day
from domain.unit_report import UnitReport
from projections.queries import Task, todo_for
from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from projections.runner import catch_up_all
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report

EKHAGEN = report("enh-ekhagen")
AVDELNING_DEADLINE = end_of_day(date(2022, 8, 30))


@pytest.fixture
def read_models(app: TestEngine) -> Iterator[ReadModels]:
    build_organisation(app)
    open_delar_2022(app)
    models = ReadModels.for_app(app)
    yield models
    models.close()


def attestera_task(app: TestEngine, models: ReadModels, now: datetime) -> Task:
    catch_up_all(app, models)
    [task] = [t for t in todo_for(models.view(ReportingProjection), "david", now)
              if t.task == "attestera"]
    return task


def klarmarkera_at(app: TestEngine, clock: ManualClock, when: datetime) -> None:
    clock.now = when
    app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")


def request_attestation_at(app: TestEngine, clock: ManualClock, when: datetime,
                           key: str) -> datetime:
    clock.now = when
    app.execute_system(sc.RequestAttestation(command_id=key, occurred_at=when,
                                             report_id=EKHAGEN))
    deadline = app.get(EKHAGEN, UnitReport).attest_deadline
    assert deadline is not None
    return deadline


def test_the_attest_deadline_shows_before_the_workflow_requests_it(
        app: TestEngine, clock: ManualClock, read_models: ReadModels) -> None:
    # Thursday just before midnight; the workflow asks on Friday just after it.
    klarmarkera_at(app, clock, datetime(2022, 8, 18, 23, 59, 30, tzinfo=STOCKHOLM))
    before = attestera_task(app, read_models, clock.now)
    recorded = request_attestation_at(app, clock,
                                      datetime(2022, 8, 19, 0, 0, 30, tzinfo=STOCKHOLM), "t:1")
    after = attestera_task(app, read_models, clock.now)
    # Three working days after Thursday: Friday, Monday, Tuesday.
    assert before.deadline == recorded == after.deadline == end_of_day(date(2022, 8, 23))
    assert before.deadline != AVDELNING_DEADLINE


def test_a_new_klarmarkering_shows_its_own_attest_deadline_not_the_previous_one(
        app: TestEngine, clock: ManualClock, read_models: ReadModels) -> None:
    klarmarkera_at(app, clock, datetime(2022, 8, 15, 10, 0, tzinfo=STOCKHOLM))
    first = request_attestation_at(app, clock,
                                   datetime(2022, 8, 15, 10, 0, 1, tzinfo=STOCKHOLM), "t:1")
    clock.now = datetime(2022, 8, 16, 9, 0, tzinfo=STOCKHOLM)
    app.execute(c.Atersand(report_id=EKHAGEN, reason="Analysen saknas"), "david")
    klarmarkera_at(app, clock, datetime(2022, 8, 22, 10, 0, tzinfo=STOCKHOLM))
    again = attestera_task(app, read_models, clock.now)
    assert first == end_of_day(date(2022, 8, 18))
    assert again.deadline == end_of_day(date(2022, 8, 25))
