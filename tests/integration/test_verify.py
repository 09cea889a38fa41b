"""verify finds a stored event changed, deleted or reordered behind the application's back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from audit.verify import verify_store
from domain import commands as c
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.tamper import StoreTamperer

EKHAGEN = report("enh-ekhagen")


@pytest.fixture
def history(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    app = TestEngine(env=durable_env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    for text in ("Första", "Andra"):
        app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                                 value=text), "anna")
    app.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
    yield app
    app.close()


def test_an_untouched_store_verifies(history: TestEngine) -> None:
    result = verify_store(history)
    assert result.ok and result.broken is None
    assert result.events_checked == history.recorder.max_notification_id()


def test_a_changed_payload_is_the_first_broken_link(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    tamper = StoreTamperer(durable_env)
    tamper.set_state(EKHAGEN, 2, tamper.state(EKHAGEN, 2).replace(
        "Första".encode(), b"Falsk"))
    result = verify_store(history)
    assert result.broken is not None
    assert (result.broken.originator_id, result.broken.originator_version) == (str(EKHAGEN), 2)
    assert result.broken.reason == "content does not match its hash"


def test_a_deleted_event_is_found_as_a_version_gap(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    StoreTamperer(durable_env).delete(EKHAGEN, 2)
    result = verify_store(history)
    assert result.broken is not None
    assert result.broken.originator_version == 3
    assert "missing or reordered" in result.broken.reason


def test_reordered_events_break_the_link(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    StoreTamperer(durable_env).swap(EKHAGEN, 2, 3)
    result = verify_store(history)
    assert result.broken is not None
    assert (result.broken.originator_id, result.broken.originator_version) == (str(EKHAGEN), 2)


def test_a_deleted_tail_is_found_against_a_published_seal(
        history: TestEngine, durable_env: dict[str, str]) -> None:
    seal = verify_store(history).head
    StoreTamperer(durable_env).delete(EKHAGEN, 4)
    result = verify_store(history, seal=seal)
    assert not result.ok
    assert result.seal_problem is not None and "deleted" in result.seal_problem
