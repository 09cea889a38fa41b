"""The report form's nyckeltal: the enhetschef enters utfall per period (totalt, kvinnor,
män) as a browser without JavaScript and as htmx do; each change is a ``RecordIndicator``
at the version the page showed, a missing value stays missing, a figure that does not read
is refused naming the nyckeltal and the period, and a stale page shows the conflict."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import ApiWorld
from tests.api.test_report_form import EKHAGEN, GOAL, form, history, login, page, save
from tests.support.dashboard import csrf_of

INDICATOR = {"indicator_id": "insatstid", "name": "Insatstid larm", "direction": "lower",
             "malvarde": "302", "utfall": [{"period": "2021", "totalt": "320,5"}]}
ACTION = f"/rapporter/{EKHAGEN}/nyckeltal"


async def with_indicator(world: ApiWorld) -> str:
    """Records the nyckeltal through the API, signs anna in, returns her page."""
    recorded = await world.post("record-indicator", "anna", report_id=EKHAGEN, item_id=GOAL,
                                indicator=INDICATOR)
    assert recorded.status_code == 200, recorded.text
    await login(world, "anna")
    return await page(world)


def utfall_form(text: str, period: str | None) -> dict[str, str]:
    """The hidden fields of one period's form; None: the form for a new period."""
    if period is None:
        return form(text, ACTION, 'value="insatstid"', "<legend>Ny period</legend>")
    return form(text, ACTION, 'value="insatstid"', f'name="period" value="{period}"')


async def last_utfall(world: ApiWorld) -> list[dict[str, Any]]:
    last = (await history(world))[-1]
    assert last["event_type"] == "UnitReport.IndicatorRecorded"
    utfall: list[dict[str, Any]] = last["payload"]["indicator"]["utfall"]
    return utfall


async def post(world: ApiWorld, fields: dict[str, str], htmx: bool = False
               ) -> httpx.Response:
    return await save(world, "nyckeltal", fields, htmx=htmx)


class TestEntering:
    async def test_a_new_period_is_added_and_the_suggestion_moves(
            self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        assert "<legend>Utfall 2021</legend>" in text and 'value="320,5"' in text
        assert "Förslag utifrån nyckeltalen: <strong>Ej uppfyllt</strong>" in text
        assert '<input type="text" name="period" value="2022"' in text  # the cycle's year
        saved = await post(world, {**utfall_form(text, None), "period": "2022",
                                   "totalt": "291", "kvinnor": "IU", "man": ""}, htmx=True)
        assert saved.status_code == 200, saved.text
        assert "Sparat" in saved.text and "<html" not in saved.text
        # The goal's suggested bedömning is swapped in beside the chosen one.
        assert ('id="forslag-mal-trygg-vard" hx-swap-oob="true">Förslag utifrån nyckeltalen: '
                "<strong>Helt uppfyllt</strong>") in saved.text
        # So is the summary of what is recorded (no split given: none shown).
        assert 'id="nyckeltal-mal-trygg-vard" class="nyckeltal-summa" hx-swap-oob="true"' in (
            saved.text)
        assert "2021: 320,5, 2022: 291</div>" in saved.text
        assert await last_utfall(world) == [
            {"period": "2021", "totalt": "320.5", "kvinnor": None, "man": None, "note": None},
            {"period": "2022", "totalt": "291", "kvinnor": None, "man": None, "note": None}]
        last = (await history(world))[-1]
        assert (last["person_id"], last["role"]) == ("anna", "enhetschef")

    async def test_iu_or_an_emptied_field_is_missing_never_zero(self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        saved = await post(world, {**utfall_form(text, "2021"), "totalt": "IU",
                                   "kvinnor": " 150 ", "man": "170,5"})
        assert saved.status_code == 303
        assert await last_utfall(world) == [
            {"period": "2021", "totalt": None, "kvinnor": "150", "man": "170.5", "note": None}]
        text = await page(world)
        assert "Förslag utifrån nyckeltalen: <strong>Ej utvärderad</strong>" in text

    async def test_a_figure_that_does_not_read_names_the_nyckeltal_and_period(
            self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        before = len(await history(world))
        refused = await post(world, {**utfall_form(text, None), "period": "2022",
                                     "totalt": "291", "kvinnor": "många"}, htmx=True)
        assert refused.status_code == 422
        assert ("Nyckeltalet &#39;Insatstid larm&#39;, period 2022, kvinnor: &#39;många&#39; "
                "är inget tal") in refused.text
        assert len(await history(world)) == before  # totalt was not saved either

    async def test_a_new_period_needs_its_period_and_a_value(self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        before = len(await history(world))
        nameless = await post(world, {**utfall_form(text, None), "period": " ",
                                      "totalt": "291"}, htmx=True)
        assert nameless.status_code == 422 and "ange perioden" in nameless.text
        # Typing only the period records nothing yet (an empty period is no utfall).
        typed = await post(world, {**utfall_form(text, None), "period": "2023"}, htmx=True)
        assert typed.status_code == 204
        assert len(await history(world)) == before

    async def test_an_unknown_nyckeltal_is_refused(self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        before = len(await history(world))
        refused = await post(world, {**utfall_form(text, "2021"), "indicator_id": "okand",
                                     "totalt": "1"}, htmx=True)
        assert refused.status_code == 404 and "okand" in refused.text
        assert len(await history(world)) == before

    async def test_the_avdelningschef_gets_no_form_and_cannot_post(
            self, world: ApiWorld) -> None:
        fields = utfall_form(await with_indicator(world), "2021")
        await login(world, "david")
        text = await page(world)
        assert ACTION not in text and "Insatstid larm" in text
        refused = await post(world, {**fields, "csrf_token": csrf_of(text), "totalt": "1"})
        assert refused.status_code == 403 and "enhetschef" in refused.text


class TestConflict:
    async def test_a_stale_page_shows_the_change_and_keeps_mine(
            self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        fields = utfall_form(text, "2021")
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id=GOAL,
                         field="analys", value="Från en annan flik")
        conflict = await post(world, {**fields, "totalt": "300"}, htmx=True)
        assert conflict.status_code == 409 and "<html" not in conflict.text
        assert "Från en annan flik" in conflict.text and "Behåll min" in conflict.text

        keep = form(conflict.text, ACTION, 'value="300"')
        assert int(keep["version"]) == int(fields["version"]) + 1
        assert (await post(world, keep, htmx=True)).status_code == 200
        assert (await last_utfall(world))[0]["totalt"] == "300"
        assert "Från en annan flik" in await page(world)  # theirs is kept as well

    async def test_two_tabs_entering_utfall_see_each_others_nyckeltal(
            self, world: ApiWorld) -> None:
        text = await with_indicator(world)
        assert (await post(world, {**utfall_form(text, "2021"), "totalt": "318"},
                           htmx=True)).status_code == 200
        stale = await post(world, {**utfall_form(text, None), "period": "2022",
                                   "totalt": "291"}, htmx=True)
        assert stale.status_code == 409
        assert ("Nyckeltal registrerat – Trygg och säker vård: nyckeltal "
                "<q>Insatstid larm</q>") in stale.text
        assert (await post(world, form(stale.text, ACTION, 'value="291"'),
                           htmx=True)).status_code == 200
        assert [u["totalt"] for u in await last_utfall(world)] == ["318", "291"]
