"""Free text that looks like SQL, HTML or shell is stored and read back verbatim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.verify import verify_store
from domain import commands as c
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, von_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
BJORKLIDEN = unit_report_id(CYCLE, "enh-bjorkliden")
WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
INJECTIONS = [
    "'; DROP TABLE stored_events; --",
    "Robert'); DELETE FROM arsplan_events WHERE 1=1; --",
    "1' OR '1'='1",
    "\\x00\\'\\\"",
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% raw %}${7*7}",
    "$(rm -rf /) `reboot` && echo pwned | sh",
    "\x00 NUL and \u202e right-to-left override and \ud7ff",
    "Åsa Öberg, ÄLDREBOENDE – “citat” 🙂",
    "line\r\nbreak\ttab",
    '{"__topic__": "os:system", "state": null}',
]


@pytest.fixture
def app(durable_env: dict[str, str], clock: ManualClock) -> Iterator[TestEngine]:
    with von_delar_2022(durable_env, clock) as application:
        yield application


def _read_back(durable_env: dict[str, str], report_id: object) -> UnitReport:
    """Through a second application, so nothing comes from memory."""
    fresh = TestEngine(env=durable_env)
    try:
        return fresh.get(report_id, UnitReport)  # type: ignore[arg-type]
    finally:
        fresh.close()


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_in_a_report_field_come_back_verbatim(
        app: TestEngine, durable_env: dict[str, str], text: str) -> None:
    app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                             value=text, occurred_at=WHEN), "anna")
    assert _read_back(durable_env, EKHAGEN).items["mal-trygg-vard"].values["analys"] == text
    assert verify_store(app).ok


def test_injection_strings_in_reasons_come_back_verbatim(
        app: TestEngine, durable_env: dict[str, str]) -> None:
    for text in INJECTIONS:
        if not text.strip():
            continue
        app.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=WHEN), "anna")
        reopen = c.Reopen(report_id=EKHAGEN, reason=text, occurred_at=WHEN)
        app.execute(reopen, "anna")
        last = list(app.aggregate_events(EKHAGEN))[-1]
        assert isinstance(last, UnitReport.Reopened)
        assert last.reason == reopen.reason
    fresh = TestEngine(env=durable_env)
    try:
        reasons = [e.reason for e in fresh.aggregate_events(EKHAGEN)
                   if isinstance(e, UnitReport.Reopened)]
    finally:
        fresh.close()
    assert reasons == [c.Reopen(report_id=EKHAGEN, reason=t).reason
                       for t in INJECTIONS if t.strip()]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=500))
def test_any_text_in_a_report_field_comes_back_verbatim(
        app: TestEngine, durable_env: dict[str, str], text: str) -> None:
    app.execute(c.ChangeItem(report_id=BJORKLIDEN, item_id="mal-trygg-vard", field="analys",
                             value=text, occurred_at=WHEN), "bertil")
    assert _read_back(durable_env, BJORKLIDEN).items["mal-trygg-vard"].values["analys"] == text
