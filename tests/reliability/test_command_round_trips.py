"""Commands read only what they need: no snapshot look-up for kinds that are never
snapshotted automatically (one database round trip per load on PostgreSQL)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain import commands as c
from domain.delegation_ledger import DelegationLedger
from domain.errors import NotFoundError
from domain.ids import organisation_id
from domain.unit_report import UnitReport
from tests.reliability.writers import EKHAGEN, OWNER, WHEN, without_expected_version
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022


class SnapshotReads:
    def __init__(self, app: TestEngine) -> None:
        assert app.snapshots is not None, "the ledger's interval turns the snapshot store on"
        self.count = 0
        original = app.snapshots.get

        def counting_get(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        app.snapshots.get = counting_get  # type: ignore[method-assign]


@pytest.fixture
def opened(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def test_commands_on_a_report_never_ask_the_snapshot_store(opened: TestEngine) -> None:
    reads = SnapshotReads(opened)
    opened.execute(without_expected_version(1, 1), OWNER)
    opened.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=WHEN), OWNER)
    assert reads.count == 0
    assert opened.get(EKHAGEN, UnitReport).status == "klarmarkerad"


def test_a_manual_snapshot_still_serves_as_of_reads_and_current_reads_ignore_it(
        opened: TestEngine) -> None:
    app = opened
    for n in range(4):
        app.execute(without_expected_version(1, n), OWNER)
    current = app.get(EKHAGEN, UnitReport)
    app.take_snapshot(EKHAGEN, version=current.version - 1)
    reads = SnapshotReads(app)
    as_of = app.get(EKHAGEN, UnitReport, version=current.version)
    assert reads.count == 1
    assert vars(as_of) == vars(current)
    assert vars(app.get(EKHAGEN, UnitReport)) == vars(current)
    assert reads.count == 1


def test_current_state_is_never_read_from_a_snapshot(opened: TestEngine) -> None:
    # A snapshot is not in the hash chain: a command must not act on an edited one, even
    # for the ledger, whose snapshots as-of reads use.
    app = opened
    reads = SnapshotReads(app)
    with pytest.raises(NotFoundError):
        app.get(uuid4(), DelegationLedger)
    assert reads.count == 0


class EventReads:
    """Which aggregates the store is asked for (each ``select_events`` is a round trip)."""

    def __init__(self, app: TestEngine) -> None:
        self.ids: list[Any] = []
        original = app.recorder.select_events

        def counting_select(originator_id: Any, **kwargs: Any) -> Any:
            self.ids.append(originator_id)
            return original(originator_id, **kwargs)

        app.recorder.select_events = counting_select  # type: ignore[method-assign]


def test_klarmarkera_of_an_enhet_reads_its_report_and_the_organisation_once(
        opened: TestEngine) -> None:
    reads = EventReads(opened)
    opened.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=WHEN), OWNER)
    report = opened.get(EKHAGEN, UnitReport)
    assert report.status == "klarmarkerad"
    # The report, then one fast-forward of the organisation; an enhet has no sub-units,
    # so neither the cycle nor other reports are read.
    assert reads.ids[:2] == [EKHAGEN, organisation_id(report.namnd_code)]
    assert len(reads.ids) == 3  # the last: the get above
