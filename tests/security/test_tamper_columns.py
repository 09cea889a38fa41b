"""verify also catches edits of the columns beside the payload: topic and originator id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from audit.verify import verify_store
from domain import commands as c
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022
from tests.support.stores import postgres_schema_env, skip_without_postgres, sqlite_env
from tests.support.tamper import StoreTamperer

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
BJORKLIDEN = unit_report_id(CYCLE, "enh-bjorkliden")


class ColumnTamperer(StoreTamperer):
    def __init__(self, env: dict[str, str], app: TestEngine) -> None:
        super().__init__(env)
        self.app_name = app.name  # PostgreSQL names the table after the application

    def _table(self) -> str:
        if self.is_pg:
            return f'"{self.env["POSTGRES_SCHEMA"]}".{self.app_name.lower()}_events'
        return super()._table()

    def set_topic(self, originator_id: UUID, version: int, topic: str) -> None:
        self._run("UPDATE {table} SET topic = ? WHERE originator_id = ? AND "
                  "originator_version = ?", (topic, self._oid(originator_id), version))

    def move(self, originator_id: UUID, version: int, to: UUID, to_version: int) -> None:
        self._run("UPDATE {table} SET originator_id = ?, originator_version = ? WHERE "
                  "originator_id = ? AND originator_version = ?",
                  (self._oid(to), to_version, self._oid(originator_id), version))


@pytest.fixture(params=["sqlite", "postgres"])
def durable_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield sqlite_env(tmp_path / "events.sqlite")
    else:
        skip_without_postgres()
        with postgres_schema_env() as env:
            yield env


@pytest.fixture
def history(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    app = TestEngine(env=durable_env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                             value="Analys"), "anna")
    app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
    yield app
    app.close()


def test_a_klarmarkering_relabelled_as_godkand_is_found(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    # Both event classes carry no payload, so the row still decodes: only the hash knows.
    ColumnTamperer(durable_env, history).set_topic(EKHAGEN, 3, get_topic(UnitReport.Godkand))
    result = verify_store(history)
    assert result.broken is not None
    assert (result.broken.originator_id, result.broken.originator_version) == (str(EKHAGEN), 3)
    assert result.broken.reason == "content does not match its hash"


def test_an_event_moved_to_another_report_is_found(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    # Anna's klarmarkering moved onto Björkliden's report, as its next version.
    ColumnTamperer(durable_env, history).move(EKHAGEN, 3, to=BJORKLIDEN, to_version=2)
    result = verify_store(history)
    assert result.broken is not None
    assert (result.broken.originator_id, result.broken.originator_version) == \
        (str(BJORKLIDEN), 2)
    assert result.broken.reason == "link to the previous event does not match"
