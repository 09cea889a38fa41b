"""The organisation read on every command is cached, yet never stale and never shared-mutable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from application.organisation import ensure_organisation
from domain import commands as c
from domain.base import Actor
from domain.ids import organisation_id
from infrastructure.person_directory import directory_for
from tests.reliability.writers import EKHAGEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import von_delar_2022
from tests.support.stores import sqlite_env

WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
ORG = organisation_id("VON")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return sqlite_env(tmp_path / "events.sqlite")


@pytest.fixture
def app(env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    with von_delar_2022(env, clock) as application:
        yield application


def _edit(n: int) -> c.ChangeItem:
    return c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                        value=f"Version {n}", occurred_at=WHEN)


def test_commands_do_not_reread_the_organisations_history(app: TestEngine) -> None:
    app.execute(_edit(0), "anna")
    org_events_read = 0
    select_events = app.recorder.select_events

    def counting(originator_id: Any, **kwargs: Any) -> Any:
        nonlocal org_events_read
        events = select_events(originator_id, **kwargs)
        if originator_id == ORG:
            org_events_read += len(events)
        return events

    app.recorder.select_events = counting  # type: ignore[method-assign]
    for n in range(1, 11):
        app.execute(_edit(n), "anna")
    assert org_events_read == 0


def test_a_newer_organisation_replaces_the_one_callers_hold(app: TestEngine) -> None:
    before = app.organisation("VON")
    ensure_organisation(app.store, "VON", "Vård- och omsorgsnämnden", [],
                        [{"person_id": "ny", "name": "Ny Person"}], [], Actor.system("import"),
                        directory_for(app.store))
    after = app.organisation("VON")
    assert "ny" in after.people
    assert "ny" not in before.people, "a caller's instance is never edited under its feet"
    assert after.version == before.version + 1
