"""Commands read only what they need: no snapshot look-up for kinds that are never
snapshotted automatically (one database round trip per load on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain import commands as c
from domain.application import Arsplaner
from domain.delegation_ledger import DelegationLedger
from domain.errors import NotFoundError
from domain.unit_report import UnitReport
from tests.reliability.writers import EKHAGEN
from tests.support.clock import ManualClock
from tests.support.org import build_organisation, open_delar_2022
from tests.support.stores import MEMORY_ENV

WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)


class SnapshotReads:
    def __init__(self, app: Arsplaner) -> None:
        assert app.snapshots is not None, "the ledger's interval turns the snapshot store on"
        self.count = 0
        original = app.snapshots.get

        def counting_get(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        app.snapshots.get = counting_get  # type: ignore[method-assign]


@pytest.fixture
def app(clock: ManualClock) -> Iterator[Arsplaner]:
    application = Arsplaner(env=MEMORY_ENV, clock=clock)
    build_organisation(application)
    open_delar_2022(application)
    yield application
    application.close()


def _edit(n: int) -> c.ChangeItem:
    return c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                        value=f"Version {n}", occurred_at=WHEN)


def test_commands_on_a_report_never_ask_the_snapshot_store(app: Arsplaner) -> None:
    reads = SnapshotReads(app)
    app.execute(_edit(1), "anna")
    app.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=WHEN), "anna")
    assert reads.count == 0
    assert app.get(EKHAGEN, UnitReport).status == "klarmarkerad"


def test_a_manual_snapshot_still_serves_as_of_reads_and_current_reads_ignore_it(
        app: Arsplaner) -> None:
    for n in range(4):
        app.execute(_edit(n), "anna")
    current = app.get(EKHAGEN, UnitReport)
    app.take_snapshot(EKHAGEN, version=current.version - 1)
    reads = SnapshotReads(app)
    as_of = app.get(EKHAGEN, UnitReport, version=current.version)
    assert reads.count == 1
    assert vars(as_of) == vars(current)
    assert vars(app.get(EKHAGEN, UnitReport)) == vars(current)
    assert reads.count == 1


def test_kinds_with_automatic_snapshots_are_still_read_through_them(app: Arsplaner) -> None:
    reads = SnapshotReads(app)
    with pytest.raises(NotFoundError):
        app.get(uuid4(), DelegationLedger)
    assert reads.count == 1
