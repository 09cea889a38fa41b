"""Snapshots (for fast as-of reads) give exactly the state the events give."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from audit.verify import verify_store
from domain import commands as c
from domain.ids import organisation_id
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from tests.reliability.writers import EKHAGEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022

WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite"), "IS_SNAPSHOTTING_ENABLED": "y"}


@pytest.fixture
def app(env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    application = TestEngine(env=env, clock=clock)
    build_organisation(application)
    open_delar_2022(application)
    for n in range(6):
        application.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard",
                                         field="analys", value=f"Version {n}",
                                         occurred_at=WHEN), "anna")
    application.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=WHEN), "anna")
    yield application
    application.close()


def _state(aggregate: Any) -> dict[str, Any]:
    return dict(vars(aggregate))


def _from_events_only(env: dict[str, str], aggregate_id: Any, kind: type[Any],
                      version: int) -> Any:
    plain = TestEngine(env={**env, "IS_SNAPSHOTTING_ENABLED": "n"})
    try:
        return plain.get(aggregate_id, kind, version=version)
    finally:
        plain.close()


def test_a_report_read_through_a_snapshot_equals_the_one_from_events(
        app: TestEngine, env: dict[str, str]) -> None:
    app.take_snapshot(EKHAGEN, version=4)
    for version in (4, 6, 8):
        via_snapshot = app.get(EKHAGEN, UnitReport, version=version)
        assert _state(via_snapshot) == _state(
            _from_events_only(env, EKHAGEN, UnitReport, version))
    assert app.get(EKHAGEN, UnitReport).status == "klarmarkerad"


def test_an_organisation_read_through_a_snapshot_equals_the_one_from_events(
        app: TestEngine, env: dict[str, str]) -> None:
    org_id = organisation_id("VON")
    latest = app.get(org_id, Organisation).version
    app.take_snapshot(org_id, version=latest)
    assert _state(app.get(org_id, Organisation, version=latest)) == _state(
        _from_events_only(env, org_id, Organisation, latest))


def test_snapshots_stay_out_of_the_verified_log(app: TestEngine) -> None:
    before = verify_store(app)
    app.take_snapshot(EKHAGEN, version=4)
    after = verify_store(app)
    assert after.ok and after.head == before.head
