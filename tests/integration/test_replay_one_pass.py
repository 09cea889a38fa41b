"""Replay reads and decodes each event once, and reports what a verify of its copy reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.replay import replay
from audit.verify import verify_store
from infrastructure.eventstore import ArsplanStore
from projections.read_models import ReadModels
from projections.runner import catch_up_all
from tests.integration.projection_support import EKHAGEN, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.support.tamper import StoreTamperer


@pytest.fixture
def live(tmp_path: Path, clock: ManualClock) -> Iterator[tuple[TestEngine, dict[str, str]]]:
    env = sqlite_env(tmp_path / "live.sqlite")
    app = TestEngine(env=env, clock=clock)
    record_history(app, clock)
    yield app, env
    app.close()


def _replayed(app: TestEngine, env: dict[str, str], fresh: Path) -> Any:
    models = ReadModels(env)
    try:
        catch_up_all(app, models)
        return replay(app, models, sqlite_env(fresh))
    finally:
        models.close()


def _verify_copy(fresh: Path) -> Any:
    copy = ArsplanStore(env=sqlite_env(fresh))
    try:
        return verify_store(copy)
    finally:
        copy.close()


def test_each_event_is_decoded_once(live: tuple[TestEngine, dict[str, str]], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    app, env = live
    mapper_class = type(app.mapper)
    decode = mapper_class.to_domain_event
    decoded: list[int] = []

    def counting(self: Any, stored: Any) -> Any:
        decoded.append(1)
        return decode(self, stored)

    models = ReadModels(env)
    try:
        catch_up_all(app, models)
        monkeypatch.setattr(mapper_class, "to_domain_event", counting)
        result = replay(app, models, sqlite_env(tmp_path / "replay.sqlite"))
    finally:
        models.close()
    assert result.ok and result.events_copied == app.recorder.max_notification_id()
    assert len(decoded) == result.events_copied  # the chain walk and every read model share it


def test_the_report_is_the_verify_of_the_copy(live: tuple[TestEngine, dict[str, str]],
                                              tmp_path: Path) -> None:
    app, env = live
    result = _replayed(app, env, tmp_path / "replay.sqlite")
    assert result.ok
    assert result.verify == _verify_copy(tmp_path / "replay.sqlite")


def test_a_live_log_with_gaps_is_numbered_as_the_copy_numbers_it(
        live: tuple[TestEngine, dict[str, str]], tmp_path: Path) -> None:
    app, env = live
    count = app.recorder.max_notification_id() or 0
    # Notification ids 1..5, then 1006..: every chain intact, the ids with a gap.
    with sqlite3.connect(env["SQLITE_DBNAME"]) as db:
        db.execute("UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid > 5")
    db.close()
    assert verify_store(app).notification_gaps == [(5, 1006)]
    result = _replayed(app, env, tmp_path / "replay.sqlite")
    assert result.ok and result.events_copied == count
    assert result.verify.notification_gaps == [] and result.verify.head.tree_size == count
    assert result.verify == _verify_copy(tmp_path / "replay.sqlite")


def test_a_tampered_event_is_named_and_the_read_models_still_compared(
        live: tuple[TestEngine, dict[str, str]], tmp_path: Path) -> None:
    app, env = live
    models = ReadModels(env)
    try:
        catch_up_all(app, models)
        tamper = StoreTamperer(env)
        tamper.set_state(EKHAGEN, 2, tamper.state(EKHAGEN, 2).replace(b"Tryggheten", b"Otrygghet"))
        result = replay(app, models, sqlite_env(tmp_path / "replay.sqlite"))
    finally:
        models.close()
    broken = result.verify.broken
    assert broken is not None and not result.ok
    assert (broken.originator_id, broken.originator_version) == (str(EKHAGEN), 2)
    assert result.verify == _verify_copy(tmp_path / "replay.sqlite")
    assert [c.projection for c in result.comparisons] == [
        p.name for p in models.projections if p.compared_in_replay]


def test_a_store_that_is_not_empty_is_refused(live: tuple[TestEngine, dict[str, str]],
                                              tmp_path: Path) -> None:
    app, env = live
    _replayed(app, env, tmp_path / "used.sqlite")
    with pytest.raises(ValueError, match="empty"):
        _replayed(app, env, tmp_path / "used.sqlite")
