"""The anslagstavla over a real store: a justerat protokoll and a delegationsbeslut posted
with their dates, without sign-in, and gone once the överklagandetid has run out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from api.app import create_app
from domain import delegation_commands as dc
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_delegation import FORVALTNINGSCHEF, ORDFORANDE, SEKRETERARE, decide, load_von
from tests.unit.von_meetings import (
    add,
    ansla_protokoll,
    compile_anmalningslista,
    hold,
    justera,
    schedule,
)

A = "{http://www.w3.org/2005/Atom}"
SEPT = date(2022, 9, 27)
FORVARING = "Vård- och omsorgsförvaltningen, kansliet"


@dataclass
class Tavla:
    http: httpx.AsyncClient
    clock: ManualClock
    app: TestEngine

    def on(self, day: date) -> None:
        self.clock.now = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)

    async def page(self) -> str:
        response = await self.http.get("/anslagstavla")
        assert response.status_code == 200, response.text
        return response.text

    async def entries(self) -> dict[str, ET.Element]:
        response = await self.http.get("/anslagstavla.atom")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/atom+xml"
        feed = ET.fromstring(response.content)
        assert feed.tag == f"{A}feed" and feed.findtext(f"{A}updated")
        return {str(e.findtext(f"{A}id")): e for e in feed.findall(f"{A}entry")}


@pytest.fixture
async def tavla(tmp_path: Path) -> AsyncIterator[Tavla]:
    clock = ManualClock(datetime(2022, 9, 1, 8, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_von(app)
    read_models = ReadModels.for_app(app)
    api = create_app(app, app.bus, {"t-revisor": "p-62c8b8"}, read_models=read_models)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    # No token and no session: the anslagstavla is public.
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        yield Tavla(http, clock, app)
    read_models.close()
    app.close()


def justerat_protokoll(t: Tavla) -> tuple[UUID, UUID]:
    """The September sammanträde justerat on 09-29, with an anmält överklagbart beslut."""
    listed = decide(t.app, ORDFORANDE, "2.1.1", date(2022, 9, 1),
                    laglighetsprovning=True).aggregate_id
    t.on(date(2022, 9, 20))
    mid = schedule(t.app, SEPT)
    add(t.app, mid, "2022.228 VON", "Redovisning av avvikelser")
    compile_anmalningslista(t.app, mid, t.clock.now)
    t.on(SEPT)
    hold(t.app, mid)
    t.on(date(2022, 9, 29))
    justera(t.app, mid, date(2022, 9, 29))
    return mid, listed


async def test_a_justerat_protokoll_is_posted_with_its_dates_until_the_overklagandetid_ends(
        tavla: Tavla) -> None:
    mid, listed = justerat_protokoll(tavla)
    ansla_protokoll(tavla.app, mid, date(2022, 9, 30), datetime(2022, 9, 30, 7, tzinfo=UTC))
    tavla.on(date(2022, 9, 30))
    page = await tavla.page()
    assert '<html lang="sv">' in page and "<h1>Anslagstavla – Vård- och omsorgsnämnden</h1>" in page
    assert f'id="anslag-{mid}"' in page and "Justerat protokoll" in page
    for shown in ("2022-09-27", "§§ 1–2", "2022-09-30", "2022-10-21", "2022-10-22", FORVARING):
        assert shown in page
    assert "Logga ut" not in page  # nobody is signed in

    entries = await tavla.entries()
    # The anmält beslut was anslaget with the protokoll: its notice is the protokoll's.
    assert list(entries) == [f"urn:uuid:{mid}"] and f"urn:uuid:{listed}" not in entries
    entry = entries[f"urn:uuid:{mid}"]
    assert entry.findtext(f"{A}title") == "Protokoll Vård- och omsorgsnämnden 2022-09-27"
    assert entry.findtext(f"{A}updated") == "2022-09-30T00:00:00+02:00"
    summary = str(entry.findtext(f"{A}summary"))
    assert "Vård- och omsorgsnämnden, sammanträde 2022-09-27, §§ 1–2" in summary
    assert "Anslaget 2022-09-30, sista dag att överklaga 2022-10-21" in summary
    assert FORVARING in summary

    tavla.on(date(2022, 10, 21))  # the last day to appeal: still up
    assert f"urn:uuid:{mid}" in await tavla.entries()
    tavla.on(date(2022, 10, 22))
    assert await tavla.entries() == {}
    assert "Inga tillkännagivanden är anslagna i dag." in await tavla.page()


async def test_without_a_recorded_anslag_the_protokoll_is_up_the_second_day_after_justering(
        tavla: Tavla) -> None:
    mid, _ = justerat_protokoll(tavla)
    tavla.on(date(2022, 9, 30))
    assert await tavla.entries() == {}
    tavla.on(date(2022, 10, 1))
    entry = (await tavla.entries())[f"urn:uuid:{mid}"]
    # 2022-10-22 is a Saturday: the överklagandetid runs to Monday.
    assert "Anslaget 2022-10-01, sista dag att överklaga 2022-10-24" in str(
        entry.findtext(f"{A}summary"))


async def test_a_delegationsbeslut_anslaget_on_its_own_is_posted_without_its_text(
        tavla: Tavla) -> None:
    tavla.on(date(2022, 10, 3))
    own = decide(tavla.app, ORDFORANDE, "2.1.1", date(2022, 10, 3), laglighetsprovning=True,
                 beslut="Beslut om en enskild persons insats").aggregate_id
    tavla.app.execute(dc.AnslaDelegationsbeslut(beslut_id=own, anslag_date=date(2022, 10, 3)),
                      SEKRETERARE)
    decide(tavla.app, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3))  # not överklagbart
    page = await tavla.page()
    assert f'id="anslag-{own}"' in page and "Delegationsbeslut" in page
    assert "2022.301 VON" in page and "2022-10-24" in page
    assert "enskild persons insats" not in page
    entries = await tavla.entries()
    assert list(entries) == [f"urn:uuid:{own}"]
    summary = str(entries[f"urn:uuid:{own}"].findtext(f"{A}summary"))
    assert "delegationsbeslut 2022-10-03 (2022.301 VON, punkt 2.1.1 " in summary
    assert "sista dag att överklaga 2022-10-24" in summary
    tavla.on(date(2022, 10, 25))
    assert await tavla.entries() == {}
