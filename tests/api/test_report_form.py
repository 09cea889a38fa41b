"""The report form: an enhetschef writes items through the dashboard's forms (as a browser
without JavaScript does, and as htmx does with ``HX-Request``), sees conflicts and the
checklist, and klarmarkerar; the domain decides every step."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from tests.api.conftest import ApiWorld, report_id
from tests.support.dashboard import csrf_of, sign_in

EKHAGEN = report_id("enh-ekhagen")
BJORKLIDEN = report_id("enh-bjorkliden")
ALDREBOENDE = report_id("avd-aldreboende")
GOAL = "mal-trygg-vard"
HTMX = {"HX-Request": "true"}
INDICATOR = {"indicator_id": "insatstid", "name": "Insatstid larm", "direction": "lower",
             "malvarde": "302", "utfall": [{"period": "2022-08-31", "totalt": "291"}]}


async def login(world: ApiWorld, person: str) -> None:
    assert (await sign_in(world.http, f"t-{person}")).status_code == 303


async def page(world: ApiWorld, report: str = EKHAGEN) -> str:
    response = await world.http.get(f"/rapporter/{report}")
    assert response.status_code == 200, response.text
    return response.text


def form(text: str, action: str, *markers: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` that holds every marker."""
    for body in re.findall(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>',
                           text, re.S):
        if all(m in body for m in markers):
            return {k: html.unescape(v) for k, v in
                    re.findall(r'type="hidden" name="(\w+)"[^>]*value="([^"]*)"', body)}
    raise AssertionError(f"no form {action} with {markers}")


def field_form(text: str, report: str, item_id: str, field: str) -> dict[str, str]:
    return form(text, f"/rapporter/{report}/falt", f'value="{item_id}"', f'value="{field}"')


async def history(world: ApiWorld, report: str = EKHAGEN) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = await world.json(f"/api/history/{report}")
    return entries


async def save(world: ApiWorld, action: str, fields: dict[str, str], report: str = EKHAGEN,
               htmx: bool = False) -> httpx.Response:
    return await world.http.post(f"/rapporter/{report}/{action}", data=fields,
                                 headers=HTMX if htmx else None)


class TestWriting:
    async def test_analysis_and_bedomning_are_recorded_with_the_person_as_actor(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        text = await page(world)
        assert "Förslag utifrån nyckeltalen: <strong>Ej utvärderad</strong>" in text
        fields = field_form(text, EKHAGEN, GOAL, "analys")
        saved = await save(world, "falt", {**fields, "value": "Färre fall i år"})
        assert (saved.status_code, saved.headers["location"]) == (
            303, f"/rapporter/{EKHAGEN}#punkt-{GOAL}")
        last = (await history(world))[-1]
        assert (last["event_type"], last["person_id"], last["role"]) == (
            "UnitReport.ItemChanged", "anna", "enhetschef")
        assert last["payload"]["new"] == "Färre fall i år"

        text = await page(world)
        assert "Färre fall i år</textarea>" in text
        fields = form(text, f"/rapporter/{EKHAGEN}/bedomning", f'value="{GOAL}"')
        assert int(fields["version"]) == last["version"]
        saved = await save(world, "bedomning", {**fields, "bedomning": "Ej utvärderad"})
        assert saved.status_code == 303
        last = (await history(world))[-1]
        assert (last["event_type"], last["person_id"]) == ("UnitReport.BedomningSet", "anna")
        assert last["payload"]["overridden"] is False

    async def test_htmx_gets_a_partial_with_the_new_version(self, world: ApiWorld) -> None:
        await login(world, "anna")
        text = await page(world)
        fields = field_form(text, EKHAGEN, GOAL, "analys")
        saved = await save(world, "falt", {**fields, "value": "Utkast"}, htmx=True)
        assert saved.status_code == 200, saved.text
        version = (await history(world))[-1]["version"]
        assert "Sparat" in saved.text and "<html" not in saved.text
        assert (f'class="report-version" value="{version}" '
                f'hx-swap-oob="outerHTML:.report-version"') in saved.text
        assert 'id="checklista" class="checklista" hx-swap-oob="true"' in saved.text
        assert 'id="rapportstatus" class="status status-pagar" hx-swap-oob="true">Pågår' in (
            saved.text)

        # The next field posts with the version the partial moved the page to.
        fields = field_form(text, EKHAGEN, "ik-bestallningar", "resultat")
        again = await save(world, "falt", {**fields, "version": str(version),
                                           "value": "Genomförd med anmärkning"}, htmx=True)
        assert again.status_code == 200 and "Sparat" in again.text

    async def test_a_bedomning_other_than_suggested_needs_a_motivering(
            self, world: ApiWorld) -> None:
        await world.post("record-indicator", "anna", report_id=EKHAGEN, item_id=GOAL,
                         indicator=INDICATOR)
        await login(world, "anna")
        text = await page(world)
        assert "Förslag utifrån nyckeltalen: <strong>Helt uppfyllt</strong>" in text
        fields = form(text, f"/rapporter/{EKHAGEN}/bedomning", f'value="{GOAL}"')
        before = len(await history(world))
        refused = await save(world, "bedomning", {**fields, "bedomning": "Delvis uppfyllt"},
                             htmx=True)
        assert refused.status_code == 403 and "kräver en motivering" in refused.text
        assert len(await history(world)) == before

        saved = await save(world, "bedomning", {**fields, "bedomning": "Delvis uppfyllt",
                                                "motivering": "Larmen kom sent i juli"})
        assert saved.status_code == 303
        payload = (await history(world))[-1]["payload"]
        assert (payload["suggestion"], payload["bedomning"], payload["overridden"]) == (
            "Helt uppfyllt", "Delvis uppfyllt", True)
        assert "(avviker)" in await page(world)

    async def test_another_units_chef_cannot_save_into_the_report(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        fields = field_form(await page(world), EKHAGEN, GOAL, "analys")
        await login(world, "bertil")
        fields["csrf_token"] = csrf_of((await world.http.get("/att-gora")).text)
        before = len(await history(world))
        refused = await save(world, "falt", {**fields, "value": "Inte min enhet"})
        assert refused.status_code == 403
        assert len(await history(world)) == before

    async def test_the_avdelningschef_reads_the_report_but_gets_no_form(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        fields = field_form(await page(world), EKHAGEN, GOAL, "analys")
        await login(world, "david")
        text = await page(world)
        assert "/falt" not in text and "Klarmarkera</button>" not in text
        fields["csrf_token"] = csrf_of(text)
        refused = await save(world, "falt", {**fields, "value": "Avdelningens text"})
        assert refused.status_code == 403 and "enhetschef" in refused.text

    async def test_a_form_without_the_csrf_token_is_refused(self, world: ApiWorld) -> None:
        await login(world, "anna")
        fields = field_form(await page(world), EKHAGEN, GOAL, "analys")
        del fields["csrf_token"]
        assert (await save(world, "falt", {**fields, "value": "x"})).status_code == 403


class TestConflict:
    async def test_a_stale_page_shows_the_other_persons_change_and_keeps_mine(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        fields = field_form(await page(world), EKHAGEN, GOAL, "analys")
        moved = await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                                 new_deadline="2022-08-26T16:00:00+02:00",
                                 reason="Sjukdom i ledningen")
        assert moved.status_code == 200, moved.text

        conflict = await save(world, "falt", {**fields, "value": "Min analys"})
        assert conflict.status_code == 409
        assert "Någon annan har ändrat rapporten" in conflict.text
        assert "Gun: Sista dag flyttad" in conflict.text
        assert "Ta deras</a>" in conflict.text and "Min analys" not in await page(world)

        keep = form(conflict.text, f"/rapporter/{EKHAGEN}/falt", "Min analys")
        assert int(keep["version"]) == int(fields["version"]) + 1
        kept = await save(world, "falt", keep)
        assert kept.status_code == 303
        last = (await history(world))[-1]
        assert (last["person_id"], last["payload"]["new"]) == ("anna", "Min analys")

    async def test_htmx_gets_the_conflict_as_a_partial(self, world: ApiWorld) -> None:
        await login(world, "anna")
        fields = field_form(await page(world), EKHAGEN, GOAL, "analys")
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id=GOAL,
                         field="analys", value="Från en annan flik")
        conflict = await save(world, "falt", {**fields, "value": "Härifrån"}, htmx=True)
        assert conflict.status_code == 409 and "<html" not in conflict.text
        assert "Punkt ändrad – Trygg och säker vård (Analys)" in conflict.text
        assert "Från en annan flik" in conflict.text
        assert 'hx-target="closest .sparat"' in conflict.text and "Behåll min" in conflict.text


class TestChecklist:
    async def test_the_checklist_names_what_is_missing_then_klarmarkera_works(
            self, world: ApiWorld) -> None:
        await login(world, "anna")
        text = await page(world)
        assert "Trygg och säker vård: Analys saknas" in text
        assert "Trygg och säker vård: Bedömning saknas" in text
        await save(world, "falt", {**field_form(text, EKHAGEN, GOAL, "analys"),
                                   "value": "Färre fall"})
        text = await page(world)
        await save(world, "bedomning", {
            **form(text, f"/rapporter/{EKHAGEN}/bedomning", f'value="{GOAL}"'),
            "bedomning": "Ej utvärderad"})
        text = await page(world)
        assert "Alla punkter är ifyllda." in text and "saknas" not in text

        # A nyckeltal recorded afterwards moves the suggestion: the motivering is missing now.
        await world.post("record-indicator", "anna", report_id=EKHAGEN, item_id=GOAL,
                         indicator=INDICATOR)
        text = await page(world)
        assert "en annan bedömning kräver en motivering" in text

        klar = form(text, f"/rapporter/{EKHAGEN}/klarmarkera")
        assert "<button>Klarmarkera</button>" in text
        done = await save(world, "klarmarkera", klar)
        assert done.status_code == 303
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "klarmarkerad"
        assert "/falt" not in await page(world)  # klarmarkerad: reopened before it changes

    async def test_klarmarkera_is_disabled_until_the_domain_allows_it(
            self, world: ApiWorld) -> None:
        await login(world, "david")
        text = await page(world, ALDREBOENDE)
        assert "<button disabled>Klarmarkera</button>" in text
        assert "underliggande enheter är godkända" in text
        todo = (await world.http.get("/att-gora")).text
        assert "disabled" in todo and "underliggande enheter är godkända" in todo

        for unit_report, chef in ((EKHAGEN, "anna"), (BJORKLIDEN, "bertil")):
            assert (await world.post("klarmarkera", chef, report_id=unit_report)
                    ).status_code == 200
            assert (await world.post("attestera", "david", report_id=unit_report)
                    ).status_code == 200
        text = await page(world, ALDREBOENDE)
        assert "<button>Klarmarkera</button>" in text
        assert "disabled" not in (await world.http.get("/att-gora")).text
        done = await save(world, "klarmarkera", form(text, f"/rapporter/{ALDREBOENDE}/klarmarkera"),
                          ALDREBOENDE)
        assert done.status_code == 303
        assert (await world.json(f"/api/reports/{ALDREBOENDE}"))["status"] == "klarmarkerad"

    async def test_a_stale_klarmarkera_is_a_conflict(self, world: ApiWorld) -> None:
        await login(world, "anna")
        klar = form(await page(world), f"/rapporter/{EKHAGEN}/klarmarkera")
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id=GOAL,
                         field="analys", value="Ändrat")
        refused = await save(world, "klarmarkera", klar)
        assert refused.status_code == 409 and "ladda om" in refused.text


async def test_a_past_instant_is_asked_for_in_iso_and_the_report_is_read_only(
        world: ApiWorld) -> None:
    await login(world, "anna")
    todo = await world.http.get("/att-gora", params={"as_of": "2022-08-12 10:00"})
    assert todo.status_code == 200
    assert 'placeholder="ÅÅÅÅ-MM-DD TT:MM"' in todo.text and 'value="2022-08-12 10:00"' in todo.text
    past = await world.http.get(f"/rapporter/{EKHAGEN}", params={"as_of": "2022-08-12 10:00"})
    assert past.status_code == 200 and "/falt" not in past.text and "Klarmarkera" not in past.text
