"""The nämndsekreterare's sammanträden pages: planning a meeting, its ärendelista with §§,
justering, and who gets the forms (the handlers' dry run), through the real app."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from api.app import create_app
from domain.ids import meeting_id
from domain.meeting import Meeting
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.dashboard import SignedIn, csrf_of, signing_in
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_delegation import (
    ENHETSCHEF_MYNDIGHET,
    LEDAMOT,
    ORDFORANDE,
    SEKRETERARE,
    load_von,
)
from tests.unit.von_meetings import remind_justering

TOKENS = {"t-sek": SEKRETERARE, "t-ord": ORDFORANDE, "t-led": LEDAMOT,
          "t-enh": ENHETSCHEF_MYNDIGHET}
PLAN = "Planera sammanträde"
MEETING = {"meeting_date": "2022-10-25", "starts_at": "14:00", "cutoff": "2022-10-18",
           "anmalan_dnr": "2022.018 VON"}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[SignedIn, TestEngine, ManualClock]]:
    clock = ManualClock(datetime(2022, 10, 3, 8, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_von(app)
    read_models = ReadModels.for_app(app)
    api = create_app(app, app.bus, TOKENS, read_models=read_models)

    yield signing_in(api), app, clock
    read_models.close()
    app.close()


def fields(page: str, **values: str) -> dict[str, str]:
    command_id = re.search(r'name="command_id" value="([^"]+)"', page)
    assert command_id is not None, page
    return {"csrf_token": csrf_of(page), "command_id": command_id.group(1), **values}


async def post(http: httpx.AsyncClient, page_url: str, action: str,
               **values: str) -> httpx.Response:
    page = (await http.get(page_url)).text
    return await http.post(action, data=fields(page, **values))


async def planned(http: httpx.AsyncClient) -> str:
    sent = await post(http, "/sammantraden", "/sammantraden", **MEETING)
    assert sent.status_code == 303, sent.text
    return str(sent.headers["location"]).split("?")[0]


async def test_the_secretary_plans_a_meeting_that_the_list_shows(
        world: tuple[SignedIn, TestEngine, ManualClock]) -> None:
    signed_in, _, _ = world
    async with signed_in("t-sek") as http:
        listing = (await http.get("/sammantraden")).text
        assert PLAN in listing and "Inga sammanträden." in listing
        url = await planned(http)
        assert url == f"/sammantraden/{meeting_id('VON', datetime(2022, 10, 25).date())}"
        shown = (await http.get(f"{url}?klart=planerat")).text
        listing = (await http.get("/sammantraden")).text
    assert "Sammanträdet är planerat." in shown and "planerat" in shown
    assert f'href="{url}">2022-10-25</a>' in listing
    assert 'href="/sammantraden"' in listing  # the menu


async def test_a_bad_date_names_the_field_and_keeps_the_form(
        world: tuple[SignedIn, TestEngine, ManualClock]) -> None:
    signed_in, _, _ = world
    async with signed_in("t-sek") as http:
        bad = await post(http, "/sammantraden", "/sammantraden",
                         **(MEETING | {"meeting_date": "2022-13-01"}))
        slashes = await post(http, "/sammantraden", "/sammantraden",
                             **(MEETING | {"cutoff": "18/10"}))
        refused = await post(http, "/sammantraden", "/sammantraden",
                             **(MEETING | {"cutoff": "2022-10-30"}))
    assert bad.status_code == 422
    assert "Datum: 2022-13-01 är inget datum" in bad.text
    assert 'value="2022-13-01"' in bad.text and 'aria-invalid="true"' in bad.text
    assert slashes.status_code == 422
    assert "Brytdag för anmälan: skriv datumet som ÅÅÅÅ-MM-DD" in slashes.text
    # The domain's refusal, in Swedish with its rule.
    assert refused.status_code == 422
    assert "Brytdagen för anmälan ska ligga före sammanträdet" in refused.text
    assert "(regel cutoff_before_meeting)" in refused.text


async def test_an_arende_gets_its_paragraph_and_justering_is_shown(
        world: tuple[SignedIn, TestEngine, ManualClock]) -> None:
    signed_in, app, clock = world
    async with signed_in("t-sek") as http:
        url = await planned(http)
        mid = url.rsplit("/", 1)[1]
        added = await post(http, url, f"{url}/arende", dnr="2022.228 VON",
                           rubrik="Delårsrapport augusti", kind="beslut")
        assert added.status_code == 303, added.text
        page = (await http.get(url)).text
        assert "Delårsrapport augusti" in page and "Protokollför beslut" not in page
        twice = await post(http, url, f"{url}/arende", dnr="2022.228 VON", rubrik="Igen")
        assert twice.status_code == 403  # a RuleViolation's status in the API too
        assert "(regel dubbelt_arende)" in twice.text
        assert (await post(http, url, f"{url}/justerare", justerare=LEDAMOT)).status_code == 303
        clock.advance(days=22, hours=4)  # the meeting day
        opened = await post(http, url, f"{url}/protokoll")
        assert opened.status_code == 303, opened.text
        held = (await http.get(url)).text
        paragraph = app.get(meeting_id("VON", datetime(2022, 10, 25).date()), Meeting) \
            .arende("2022.228 VON").paragraph
        assert paragraph is not None and f"<td>§ {paragraph}</td>" in held
        assert "Lägg till ärende" not in held  # the ärendelista is locked
        assert "hållet" in held
        decided = await post(http, url, f"{url}/beslut", dnr="2022.228 VON",
                             beslut="Nämnden godkänner delårsrapporten")
        assert decided.status_code == 303, decided.text
        remind_justering(app, UUID(mid), clock.advance(days=2))
        page = (await http.get(url)).text
        # The secretary does not justera: no such form.
        assert "Justera protokollet" not in page
        assert "till Anna Demo, Maja Fiktiv" in page  # the justering reminder
    async with signed_in("t-ord") as http:
        early = await post(http, url, f"{url}/justerat", on="2022-10-24")
        assert "(regel justering_fore_sammantrade)" in early.text
        signed = await post(http, url, f"{url}/justerat", on="2022-10-26")
        assert signed.status_code == 303, signed.text
        page = (await http.get(url)).text
    assert "justering pågår" in page and "Justera protokollet" not in page
    async with signed_in("t-led") as http:
        assert "Justera protokollet" in (await http.get(url)).text
        assert (await post(http, url, f"{url}/justerat", on="2022-10-27")).status_code == 303
        page = (await http.get(url)).text
        listing = (await http.get("/sammantraden")).text
    assert "Protokollet justerades 2022-10-27." in page and "justerat" in listing
    assert mid in listing


async def test_an_enhetschef_gets_403_and_no_forms(
        world: tuple[SignedIn, TestEngine, ManualClock]) -> None:
    signed_in, _, _ = world
    async with signed_in("t-sek") as http:
        url = await planned(http)
    async with signed_in("t-enh") as http:
        page = await http.get(url)
        listing = (await http.get("/sammantraden")).text
        posted = await http.post(f"{url}/arende", data={
            "csrf_token": csrf_of(listing), "dnr": "2022.228 VON", "rubrik": "X"})
    assert page.status_code == 403 and "text/html" in page.headers["content-type"]
    assert PLAN not in listing and url not in listing and "Inga sammanträden." in listing
    assert posted.status_code == 403


async def test_the_anmalningslista_link_works(
        world: tuple[SignedIn, TestEngine, ManualClock]) -> None:
    signed_in, _, _ = world
    async with signed_in("t-sek") as http:
        url = await planned(http)
        page = (await http.get(url)).text
        link = re.search(r'href="(/api/meetings/[0-9a-f-]+/anmalningslista\.html)"', page)
        assert link is not None, page
        lista = await http.get(link.group(1))
    assert lista.status_code == 200
    assert "Anmälan av delegationsbeslut 2022-10-25" in lista.text
