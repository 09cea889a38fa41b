"""Payloads encrypted at rest (ARSPLAN_ENCRYPTION_KEY): unreadable on disk, intact for us."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventsourcing.cipher import AESCipher

from audit.verify import verify_store
from domain import commands as c
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from infrastructure.settings import Settings
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
SECRET = "Brukaren på rum 12 föll två gånger i juli"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.sqlite"


@pytest.fixture
def key() -> str:
    return AESCipher.create_key(32)


def _env(db: Path, key: str | None) -> dict[str, str]:
    return Settings(event_store="sqlite", sqlite_path=db, encryption_key=key).eventsourcing_env()


@pytest.fixture
def app(db: Path, key: str, clock: ManualClock) -> Iterator[TestEngine]:
    application = TestEngine(env=_env(db, key), clock=clock)
    build_organisation(application)
    open_delar_2022(application)
    application.execute(c.ChangeItem(
        report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys", value=SECRET,
        occurred_at=datetime(2022, 8, 15, 9, 0, tzinfo=UTC)), "anna")
    yield application
    application.close()


def _stored_states(db: Path) -> list[bytes]:
    con = sqlite3.connect(db)
    try:
        return [bytes(row[0]) for row in con.execute("SELECT state FROM stored_events")]
    finally:
        con.close()


def test_no_stored_payload_contains_the_plaintext(app: TestEngine, db: Path) -> None:
    states = _stored_states(db)
    assert len(states) == app.recorder.max_notification_id()
    for plaintext in (SECRET, "Vård- och omsorgsnämnden", "enhetschef", "anna"):
        assert not any(plaintext.encode() in s for s in states), plaintext
    assert not any(b"chain_hash" in s for s in states)


def test_the_application_reads_its_encrypted_history_and_it_verifies(
        app: TestEngine, db: Path, key: str) -> None:
    again = TestEngine(env=_env(db, key))
    try:
        report = again.get(EKHAGEN, UnitReport)
        assert report.items["mal-trygg-vard"].values["analys"] == SECRET
        assert verify_store(again).ok
    finally:
        again.close()


@pytest.mark.parametrize("other_key", [None, AESCipher.create_key(32)],
                         ids=["without a key", "with another key"])
def test_without_the_right_key_nothing_decodes(
        app: TestEngine, db: Path, other_key: str | None) -> None:
    stranger = TestEngine(env=_env(db, other_key))
    try:
        result = verify_store(stranger)
        assert not result.ok and result.broken is not None
        assert "cannot be decoded" in result.broken.reason
    finally:
        stranger.close()
