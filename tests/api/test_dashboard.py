"""The dashboard renders real data and its buttons run the domain's commands."""

from __future__ import annotations

import re
from uuid import UUID

import httpx

from api.app import create_app
from projections.read_models import ReadModels
from tests.api.conftest import ApiWorld, report_id
from tests.support.dashboard import csrf_of, sign_in
from tests.support.org import CYCLE
from tests.support.tamper import StoreTamperer

EKHAGEN = report_id("enh-ekhagen")


async def login(world: ApiWorld, person: str) -> None:
    response = await sign_in(world.http, f"t-{person}")
    assert response.status_code == 303


def task_form(page: str, task: str) -> dict[str, str]:
    form = re.search(rf'action="/att-gora/{task}">(.*?)</form>', page, re.S)
    assert form is not None, page
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1)))


async def click(world: ApiWorld, task: str) -> httpx.Response:
    page = (await world.http.get("/att-gora")).text
    return await world.http.post(f"/att-gora/{task}", data=task_form(page, task))


class TestLogin:
    async def test_a_visitor_without_session_is_sent_to_login(self, world: ApiWorld) -> None:
        response = await world.http.get("/att-gora")
        assert (response.status_code, response.headers["location"]) == (303, "/logga-in")

    async def test_the_login_page_lists_demo_people_with_roles(self, world: ApiWorld) -> None:
        page = (await world.http.get("/logga-in")).text
        assert "Logga in som Anna" in page
        assert "enhetschef Ekhagens äldreboende" in page
        assert "<code>t-david</code>" in page


class TestAttGora:
    async def test_klarmarkera_then_attestera_through_the_buttons(self, world: ApiWorld) -> None:
        await login(world, "anna")
        page = (await world.http.get("/att-gora")).text
        assert "Ekhagens äldreboende" in page and "Delårsbokslut 2022" in page
        assert (await click(world, "klarmarkera")).status_code == 303
        assert "Inget att göra just nu." in (await world.http.get("/att-gora")).text

        await login(world, "david")
        assert "Attestera" in (await world.http.get("/att-gora")).text
        assert (await click(world, "attestera")).status_code == 303
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "godkand"

    async def test_a_refusal_is_shown_on_the_page(self, world: ApiWorld) -> None:
        await login(world, "anna")
        form = task_form((await world.http.get("/att-gora")).text, "klarmarkera")
        await login(world, "bertil")
        form["csrf_token"] = csrf_of((await world.http.get("/att-gora")).text)
        response = await world.http.post("/att-gora/klarmarkera", data=form)
        assert response.status_code == 403
        assert 'role="alert"' in response.text and "enhetschef" in response.text
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "ej_paborjad"

    async def test_a_stale_page_is_a_conflict(self, world: ApiWorld) -> None:
        await login(world, "anna")
        form = task_form((await world.http.get("/att-gora")).text, "klarmarkera")
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id="mal-trygg-vard",
                         field="analys", value="Ändrat i en annan flik")
        response = await world.http.post("/att-gora/klarmarkera", data=form)
        assert response.status_code == 409
        assert "ladda om" in response.text


class TestInjectedText:
    SCRIPT = "<script>alert('xss')</script> & \"citat\""

    async def test_a_script_is_stored_verbatim_and_shown_escaped(self, world: ApiWorld) -> None:
        response = await world.post("change-item", "anna", report_id=EKHAGEN,
                                    item_id="mal-trygg-vard", field="analys", value=self.SCRIPT)
        assert response.status_code == 200, response.text
        report = await world.json(f"/api/reports/{EKHAGEN}")
        values = {item["item_id"]: item["values"] for item in report["items"]}
        assert values["mal-trygg-vard"]["analys"] == self.SCRIPT

        await login(world, "anna")
        page = (await world.http.get(f"/rapporter/{EKHAGEN}")).text
        assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; &amp; &#34;citat&#34;" in page
        assert "<script>alert" not in page


class TestBoardAndAudit:
    async def test_the_board_shows_each_units_status(self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "gun")
        page = (await world.http.get(f"/cykler/{CYCLE}")).text
        row = re.search(r"Ekhagens äldreboende</a>.*?</tr>", page, re.S)
        assert row is not None and "Klarmarkerad" in row.group(0)
        assert "Klarmarkerad: 1" in page and "Ej påbörjad: 5" in page

    async def test_the_board_as_of_shows_the_past(self, world: ApiWorld) -> None:
        before = world.clock.advance(minutes=1)
        world.clock.advance(minutes=1)
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "gun")
        page = (await world.http.get(f"/cykler/{CYCLE}",
                                     params={"as_of": before.isoformat()})).text
        assert "Ej påbörjad: 6" in page

    async def test_the_report_page_shows_items_and_history(self, world: ApiWorld) -> None:
        await world.post("atersand", "david", report_id=EKHAGEN, reason="x")  # refused
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "anna")
        page = (await world.http.get(f"/rapporter/{EKHAGEN}")).text
        assert "Trygg och säker vård" in page
        assert "<td>Klarmarkerad</td>" in page and "<td>Anna</td>" in page

    async def test_revision_shows_an_intact_chain_then_the_broken_link(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "revisor")
        page = (await world.http.get("/revision")).text
        assert "Händelsekedjan är obruten" in page and "<td>Klarmarkerad</td>" in page

    async def test_revision_shows_where_the_chain_is_broken(self, world: ApiWorld) -> None:
        # The live check walks what it has not checked yet (in a new process: everything);
        # a rewrite of events it already checked is for the full walk, arsplan verify.
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        StoreTamperer(world.env).delete(UUID(EKHAGEN), 1)
        await login(world, "revisor")
        page = (await world.http.get("/revision")).text
        assert "FEL:" in page and f"aggregate {EKHAGEN} version 2" in page


class TestTimeTravelAndErrors:
    async def test_att_gora_as_of_a_swedish_local_time(self, world: ApiWorld) -> None:
        world.clock.advance(hours=1)
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "anna")
        assert "Inget att göra just nu." in (await world.http.get("/att-gora")).text
        # 10:00 in Stockholm is 08:00 UTC: after opening (08:00), before klarmarkering (09:00).
        then = (await world.http.get("/att-gora", params={"as_of": "2022-08-12T10:00"})).text
        assert "Ekhagens äldreboende" in then and "Som det såg ut 2022-08-12 10:00" in then
        assert "<button>Klarmarkera</button>" not in then

    async def test_a_bad_instant_is_a_422_page(self, world: ApiWorld) -> None:
        await login(world, "anna")
        response = await world.http.get("/att-gora", params={"as_of": "igår"})
        assert response.status_code == 422
        assert "Ogiltig tidpunkt: igår" in response.text

    async def test_an_unknown_cycle_is_a_404_page_not_json(self, world: ApiWorld) -> None:
        await login(world, "anna")
        response = await world.http.get("/cykler/00000000-0000-0000-0000-000000000000")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Det gick inte" in response.text


async def test_with_real_tokens_the_login_page_lists_no_one(world: ApiWorld) -> None:
    read_models = ReadModels.for_app(world.app)
    api = create_app(world.app, world.app.bus, {"s3cret-anna": "anna"}, read_models=read_models,
                     dev_login=False)
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        page = (await http.get("/logga-in")).text
        assert "s3cret" not in page and "Anna" not in page and 'type="password"' in page
        await sign_in(http, "s3cret-anna")
        assert "Att göra för Anna" in (await http.get("/att-gora")).text
        refused = await sign_in(http, "guess")
        assert refused.status_code == 401
    read_models.close()


class TestAtersand:
    async def test_the_avdelningschef_atersander_with_a_reason(self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "david")
        form = task_form((await world.http.get("/att-gora")).text, "atersand")
        form["reason"] = "Analysen av sjukfrånvaron saknas"
        assert (await world.http.post("/att-gora/atersand", data=form)).status_code == 303
        report = await world.json(f"/api/reports/{EKHAGEN}")
        assert report["status"] == "pagar"
        await login(world, "anna")
        assert "Ekhagens äldreboende" in (await world.http.get("/att-gora")).text

    async def test_atersand_without_a_reason_is_refused_on_the_page(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        await login(world, "david")
        form = task_form((await world.http.get("/att-gora")).text, "atersand")
        response = await world.http.post("/att-gora/atersand", data={**form, "reason": " "})
        assert response.status_code == 422 and "En motivering krävs" in response.text
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "klarmarkerad"


async def test_the_report_page_shows_indicators_and_ekonomi_slips(world: ApiWorld) -> None:
    await world.post("record-indicator", "anna", report_id=EKHAGEN, item_id="mal-trygg-vard",
                     indicator={"indicator_id": "insatstid", "name": "Insatstid larm",
                                "direction": "lower", "malvarde": "302",
                                "utfall": [{"period": "2022-08-31", "totalt": "291"}]})
    rows = [{"label": "Intäkter", "role": "intakter", "values": {"utfall": 100}},
            {"label": "Kostnader", "role": "kostnader", "values": {"utfall": -500}},
            {"label": "Netto", "role": "netto", "values": {"utfall": -300}}]  # should be -400
    await world.post("record-ekonomi", "anna", report_id=EKHAGEN, kind="drift",
                     columns={"utfall": "Delår 2022"}, rows=rows)
    await login(world, "anna")
    page = (await world.http.get(f"/rapporter/{EKHAGEN}")).text
    assert "Nyckeltal Insatstid larm: målvärde 302" in page and "2022-08-31: 291" in page
    assert "Ekonomi: summor som inte stämmer" in page and "-400" in page
