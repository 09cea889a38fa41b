"""The nämndsekreterare's walk in a real browser: a sammanträde planned, its ärendelista
filled, the justerare utsedd, the protokoll opened on the day with its §§, the beslut
protokollfört, the ordförande's and the justerare's justering, and the printable
anmälningslista. axe-core on every stop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.calendar import STOCKHOLM
from tests.browser.role_server import RoleServer, Walk, role_server
from tests.support.read_world import NAMES, READERS
from tests.unit.von_delegation import LEDAMOT
from tests.unit.von_meetings import compile_anmalningslista

pytestmark = pytest.mark.slow

SEKRETERARE = NAMES[READERS["nämndsekreterare"]]
ORDFORANDE = NAMES[READERS["ordförande"]]
JUSTERARE = NAMES[LEDAMOT]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RoleServer]:
    with role_server(tmp_path) as built:
        yield built


def press(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_the_sekreterare_holds_a_meeting_and_prints_the_anmalningslista(
        server: RoleServer, page: Any, screenshots: Path) -> None:
    walk = Walk(page, server, screenshots, "sekreterare")
    world = server.world
    day = world.clock().date() + timedelta(days=14)
    walk.sign_in(SEKRETERARE)
    page.get_by_role("link", name="Sammanträden", exact=True).click()
    walk.check("sammantraden")

    # Planned: the meeting's page, with the ärendelista empty.
    page.get_by_label("Datum (ÅÅÅÅ-MM-DD)").fill(day.isoformat())
    page.get_by_label("Klockslag (TT:MM)").fill("14:00")
    page.get_by_label("Brytdag för anmälan av delegationsbeslut (ÅÅÅÅ-MM-DD)").fill(
        (day - timedelta(days=7)).isoformat())
    page.get_by_label("Ärende för anmälan av delegationsbeslut (diarienummer)").fill(
        f"{day.year}.018 VON")
    press(page, "Planera sammanträdet")
    assert page.get_by_role("heading", level=1).inner_text() == f"Sammanträde {day}"
    meeting_url = page.url.split("?")[0]
    walk.check("planerat")

    # The ärendelista and the justerare, before the day.
    page.get_by_label("Diarienummer").fill(f"{day.year}.228 VON")
    page.get_by_label("Rubrik").fill("Delårsrapport augusti")
    press(page, "Lägg till ärendet")
    page.get_by_label("Justerare").select_option(LEDAMOT)
    press(page, "Utse justeraren")
    assert "Delårsrapport augusti" in page.locator("table.arendelista").inner_text()
    assert JUSTERARE in page.locator("table.justering").inner_text()
    walk.check("arendelista")

    # The brytdag: the MeetingWorkflow compiles the anmälningslista.
    world.clock.now = datetime.combine(day - timedelta(days=7), time(0, 5), tzinfo=STOCKHOLM)
    compile_anmalningslista(world.app, UUID(meeting_url.rsplit("/", 1)[1]),
                            world.clock())

    # The day: the protokoll opens with the year's §§, the beslut is protokollfört.
    world.clock.now = datetime.combine(day, time(14, 5), tzinfo=STOCKHOLM)
    page.goto(meeting_url)
    press(page, "Öppna protokollet")
    paragraph = page.locator("table.arendelista tr").nth(1).locator("td").first.inner_text()
    assert paragraph.startswith("§ ")
    # Both ärenden: the delårsrapport, and the anmälan the brytdag put on the list.
    for dnr, beslut in ((f"{day.year}.228 VON", "Nämnden godkänner delårsrapporten"),
                        (f"{day.year}.018 VON", "Nämnden lägger anmälan till handlingarna")):
        page.locator("form[action$=\"/beslut\"] select[name=dnr]").select_option(dnr)
        page.get_by_label("Beslut", exact=True).fill(beslut)
        press(page, "Protokollför beslutet")
        assert beslut in page.locator("table.arendelista").inner_text()
    walk.check("hallet")

    # Justering: the ordförande, then the justerare, the day after.
    world.clock.now = world.clock.now + timedelta(days=1)
    justerad = (day + timedelta(days=1)).isoformat()
    for name in (ORDFORANDE, JUSTERARE):
        walk.sign_out()
        walk.sign_in(name)
        page.goto(meeting_url)
        page.get_by_label("Justeringsdatum (ÅÅÅÅ-MM-DD)").fill(justerad)
        press(page, "Justera")
    assert f"Protokollet justerades {justerad}." in page.locator("main").inner_text()
    walk.check("justerat")

    # Back to the sekreterare: the printable anmälningslista.
    walk.sign_out()
    walk.sign_in(SEKRETERARE)
    page.goto(meeting_url)
    page.get_by_role("link", name=f"Anmälan av delegationsbeslut {day} (utskrift)").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Anmälan av delegationsbeslut"
    assert str(day) in page.locator("body").inner_text()
    walk.check_document("anmalningslista")
    walk.assert_accessible()
