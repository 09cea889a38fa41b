"""The avdelningschef's review on a report page: the diff since the last klarmarkering or
återsändning, Attestera and Återsänd through the page's forms (without JavaScript), and an
avdelning's own report with its enheter's content under each item. The domain decides."""

from __future__ import annotations

import html
import re
from uuid import UUID

import httpx

from domain.calendar import shown
from domain.unit_report import UnitReport
from tests.api.conftest import ApiWorld
from tests.api.test_report_form import (
    ALDREBOENDE,
    BJORKLIDEN,
    EKHAGEN,
    GOAL,
    form,
    history,
    login,
    page,
)


async def write(world: ApiWorld, value: str, person: str = "anna", report: str = EKHAGEN,
                item_id: str = GOAL) -> None:
    response = await world.post("change-item", person, report_id=report, item_id=item_id,
                                field="analys", value=value)
    assert response.status_code == 200, response.text


async def klarmarkera(world: ApiWorld, person: str = "anna", report: str = EKHAGEN) -> None:
    response = await world.post("klarmarkera", person, report_id=report)
    assert response.status_code == 200, response.text


def stored(world: ApiWorld, report: str = EKHAGEN) -> UnitReport:
    return world.app.get(UUID(report), UnitReport)


def diff_rows(text: str) -> list[list[str]]:
    """The diff table's rows as their cells' text."""
    rows = re.findall(r'<tr class="diff-rad">(.*?)</tr>', text, re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


async def review_post(world: ApiWorld, action: str, report: str = EKHAGEN,
                      **fields: str) -> httpx.Response:
    text = await page(world, report)
    hidden = form(text, f"/rapporter/{report}/{action}")
    return await world.http.post(f"/rapporter/{report}/{action}", data={**hidden, **fields})


class TestDiff:
    async def test_the_avdelningschef_sees_what_the_enhetschef_wrote(
            self, world: ApiWorld) -> None:
        await write(world, "Färre fall i år")
        await klarmarkera(world)
        await login(world, "david")
        text = await page(world)
        assert 'id="granskning"' in text and "Ändringar i första klarmarkeringen" in text
        assert "Första klarmarkeringen: allt som skrivits" in text
        [row] = diff_rows(text)
        assert row[1:5] == ["Analys", "(tomt)", "Färre fall i år", "Anna"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row[5])

    async def test_after_atersand_only_the_change_since_is_shown(self, world: ApiWorld) -> None:
        await write(world, "Första versionen")
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id="ik-bestallningar",
                         field="kommentar", value="Kontrollerat")
        await klarmarkera(world)
        await login(world, "david")
        sent = await review_post(world, "atersand", reason="Analysen behöver siffror")
        assert (sent.status_code, sent.headers["location"]) == (
            303, f"/rapporter/{EKHAGEN}#granskning")
        await write(world, "Andra versionen, med siffror")
        await klarmarkera(world)
        text = await page(world)
        assert "Ändringar sedan återsändningen" in text
        assert [row[1:4] for row in diff_rows(text)] == [
            ["Analys", "Första versionen", "Andra versionen, med siffror"]]


class TestAttestera:
    async def test_attestera_through_the_page_records_the_avdelningschef(
            self, world: ApiWorld) -> None:
        await write(world, "Klart")
        await klarmarkera(world)
        await login(world, "david")
        done = await review_post(world, "attestera")
        assert done.status_code == 303
        last = (await history(world))[-1]
        assert (last["event_type"], last["person_id"], last["role"]) == (
            "UnitReport.Godkand", "david", "avdelningschef")
        # A godkänd report may still be återsänd: the review stays, Attestera does not.
        text = await page(world)
        assert re.search(r'action="/rapporter/[^"]+/attestera".*?<button disabled>', text, re.S)

    async def test_a_stale_version_is_refused_on_the_page(self, world: ApiWorld) -> None:
        await klarmarkera(world)
        await login(world, "david")
        text = await page(world)
        hidden = form(text, f"/rapporter/{EKHAGEN}/attestera")
        await world.post("atersand", "david", report_id=EKHAGEN, reason="Via API")
        refused = await world.http.post(f"/rapporter/{EKHAGEN}/attestera", data=hidden)
        assert refused.status_code == 409 and "stale_version" in refused.text


class TestAtersand:
    async def test_without_motivering_it_is_refused_naming_the_rule(
            self, world: ApiWorld) -> None:
        await klarmarkera(world)
        await login(world, "david")
        before = len(await history(world))
        refused = await review_post(world, "atersand", reason="  ")
        assert refused.status_code == 422
        assert "En motivering krävs (regel: reason_required)" in refused.text
        assert len(await history(world)) == before

    async def test_a_new_deadline_moves_the_deadline(self, world: ApiWorld) -> None:
        await klarmarkera(world)
        await login(world, "david")
        sent = await review_post(world, "atersand", reason="Komplettera",
                                 new_deadline="2022-09-30")
        assert sent.status_code == 303
        report = stored(world)
        assert shown(report.deadline) == "2022-09-30 23:59"
        last = (await history(world))[-1]
        assert last["event_type"] == "UnitReport.Atersand"
        assert last["payload"]["reason"] == "Komplettera"

    async def test_a_deadline_not_in_iso_form_is_refused_and_the_text_kept(
            self, world: ApiWorld) -> None:
        await klarmarkera(world)
        await login(world, "david")
        refused = await review_post(world, "atersand", reason="Komplettera",
                                    new_deadline="30/9")
        assert refused.status_code == 422 and "ÅÅÅÅ-MM-DD" in refused.text
        assert ">Komplettera</textarea>" in refused.text


class TestWhoReviews:
    async def test_the_enhetschef_gets_no_review_and_her_posts_are_refused(
            self, world: ApiWorld) -> None:
        await klarmarkera(world)
        await login(world, "anna")
        text = await page(world)
        assert 'id="granskning"' not in text
        assert f'action="/rapporter/{EKHAGEN}/attestera"' not in text
        version = str(stored(world).version)
        for action, extra in (("attestera", {}), ("atersand", {"reason": "Själv"})):
            refused = await world.http.post(
                f"/rapporter/{EKHAGEN}/{action}",
                data={"version": version, "command_id": f"c-{action}", **extra,
                      "csrf_token": re.search(r'name="csrf_token" value="([^"]*)"',
                                              text).group(1)})  # type: ignore[union-attr]
            assert refused.status_code == 403, refused.text
            assert "(regel: role_not_held)" in refused.text
        assert stored(world).status == "klarmarkerad"

    async def test_a_report_outside_her_units_is_refused_before_the_domain(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        text = await page(world)
        token = re.search(r'name="csrf_token" value="([^"]*)"', text).group(1)  # type: ignore[union-attr]
        refused = await world.http.post(f"/rapporter/{BJORKLIDEN}/attestera",
                                        data={"version": "1", "command_id": "x",
                                              "csrf_token": token})
        assert refused.status_code == 403, refused.text
        assert "Björklidens äldreboende ingår inte" in refused.text

    async def test_no_review_before_klarmarkering(self, world: ApiWorld) -> None:
        await login(world, "david")
        assert 'id="granskning"' not in await page(world)


class TestRollup:
    async def test_the_avdelning_report_shows_its_enheters_analyses(
            self, world: ApiWorld) -> None:
        await write(world, "Ekhagens analys")
        await write(world, "Björklidens analys", person="bertil", report=BJORKLIDEN)
        await login(world, "david")
        text = await page(world, ALDREBOENDE)
        section = re.search(rf'<section class="punkt" id="punkt-{GOAL}">(.*?)</section>',
                            text, re.S)
        assert section is not None, text
        rolled = section.group(1)
        assert "Enheternas underlag (2)" in rolled
        assert rolled.index("Björklidens äldreboende") < rolled.index("Ekhagens äldreboende")
        assert "Ekhagens analys" in rolled and "Björklidens analys" in rolled
        # Read-only: no form posts an enhet's field from here.
        assert f"/rapporter/{EKHAGEN}/" not in text

    async def test_an_enhet_report_has_no_rollup(self, world: ApiWorld) -> None:
        await login(world, "anna")
        assert "Enheternas underlag" not in await page(world)
