"""The dashboard's delegation register shows D's read model, searchable and as of then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.dashboard import sign_in
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_delegation import AU_LEDAMOT, FORVALTNINGSCHEF, decide, load_von


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, ManualClock,
                                                          TestEngine]]:
    clock = ManualClock(datetime(2022, 10, 3, 8, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_von(app)
    read_models = ReadModels.for_app(app)
    api = create_app(app, app.bus, {"t-revisor": "p-62c8b8"}, read_models=read_models)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        await sign_in(http, "t-revisor")
        yield http, clock, app
    read_models.close()
    app.close()


async def test_the_register_lists_beslut_and_filters_by_row(
        browser: tuple[httpx.AsyncClient, ManualClock, TestEngine]) -> None:
    http, _, app = browser
    decide(app, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3), beslut="Beslut om flytt")
    decide(app, AU_LEDAMOT, "3.3.2", date(2022, 10, 3), amount=25,
           beslut="Personlig assistans 25 timmar")
    page = (await http.get("/delegationer")).text
    assert "Beslut om flytt" in page and "Personlig assistans 25 timmar" in page
    assert "Birgitta Exempelsson" in page
    only = (await http.get("/delegationer", params={"row_nr": "3.3.2"})).text
    assert "Personlig assistans 25 timmar" in only and "Beslut om flytt" not in only


async def test_the_register_as_of_before_a_beslut_does_not_show_it(
        browser: tuple[httpx.AsyncClient, ManualClock, TestEngine]) -> None:
    http, clock, app = browser
    clock.advance(hours=2)
    decide(app, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3), beslut="Beslut om flytt")
    # 11:00 Swedish time is 09:00 UTC, before the beslut recorded at 10:00 UTC.
    then = (await http.get("/delegationer", params={"as_of": "2022-10-03T11:00"})).text
    assert "Inga delegationsbeslut." in then and "Som registret såg ut" in then
    assert "Delegationer" in then  # the menu link
