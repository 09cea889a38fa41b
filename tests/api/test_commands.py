"""Every domain command over HTTP, as the person the token names."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.api.conftest import ApiWorld, report_id
from tests.support.org import CYCLE

EKHAGEN = report_id("enh-ekhagen")


async def status_of(world: ApiWorld, rid: str) -> str:
    report: dict[str, str] = await world.json(f"/api/reports/{rid}")
    return report["status"]


class TestKlarmarkera:
    async def test_the_enhetschef_klarmarkerar_her_report(
            self, world: ApiWorld) -> None:
        response = await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        assert response.status_code == 200
        assert response.json()["version"] == 2
        assert await status_of(world, EKHAGEN) == "klarmarkerad"

    async def test_repeating_a_command_id_records_nothing_new(
            self, world: ApiWorld) -> None:
        once = {"report_id": EKHAGEN, "command_id": "k-1"}
        first = (await world.post("klarmarkera", "anna", **once)).json()
        again = (await world.post("klarmarkera", "anna", **once)).json()
        assert (first["duplicate"], again["duplicate"]) == (False, True)
        assert again["version"] == first["version"]
        assert len(await world.json(f"/api/history/{EKHAGEN}")) == 2


class TestAttestation:
    async def test_the_avdelningschef_godkanner_a_klarmarkerad_report(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        response = await world.post("attestera", "david", report_id=EKHAGEN)
        assert response.status_code == 200
        assert await status_of(world, EKHAGEN) == "godkand"

    async def test_the_earlier_godkann_path_still_attests(self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        response = await world.post("godkann", "david", report_id=EKHAGEN)
        assert response.status_code == 200
        assert await status_of(world, EKHAGEN) == "godkand"

    async def test_atersand_with_a_reason_returns_the_report_to_pagar(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        response = await world.post("atersand", "david", report_id=EKHAGEN,
                              reason="Analysen av sjukfrånvaron saknas")
        assert response.status_code == 200
        assert await status_of(world, EKHAGEN) == "pagar"
        last = (await world.json(f"/api/history/{EKHAGEN}"))[-1]
        assert last["payload"]["reason"] == "Analysen av sjukfrånvaron saknas"
        assert (last["person_id"], last["role"]) == ("david", "avdelningschef")


class TestEditing:
    async def test_change_item_records_the_new_value(
            self, world: ApiWorld) -> None:
        response = await world.post("change-item", "anna", report_id=EKHAGEN,
                              item_id="mal-trygg-vard", field="analys",
                              value="Målet är delvis uppfyllt.")
        assert response.status_code == 200, response.text
        items = (await world.json(f"/api/reports/{EKHAGEN}"))["items"]
        values = {i["item_id"]: i["values"] for i in items}
        assert values["mal-trygg-vard"]["analys"] == "Målet är delvis uppfyllt."
        assert await status_of(world, EKHAGEN) == "pagar"

    async def test_reopen_lets_the_chef_edit_a_klarmarkerad_report(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        response = await world.post("reopen", "anna", report_id=EKHAGEN, reason="Fel siffra")
        assert response.status_code == 200
        assert await status_of(world, EKHAGEN) == "pagar"


class TestDeadlines:
    async def test_the_controller_moves_a_report_deadline(
            self, world: ApiWorld) -> None:
        response = await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                              new_deadline="2022-08-26T23:59:00+02:00",
                              reason="Ny enhetschef")
        assert response.status_code == 200, response.text
        deadline = (await world.json(f"/api/reports/{EKHAGEN}"))["deadline"]
        assert datetime.fromisoformat(deadline) == datetime(2022, 8, 26, 21, 59, tzinfo=UTC)

    async def test_the_controller_moves_a_cycle_level_deadline(
            self, world: ApiWorld) -> None:
        response = await world.post("move-cycle-deadline", "gun", cycle_id=str(CYCLE),
                                    level="enhet", new_deadline="2022-08-25T23:59:00+02:00",
                                    reason="Helgdag")
        assert response.status_code == 200, response.text
        cycle = (await world.json(f"/api/cycles/{CYCLE}"))
        assert (datetime.fromisoformat(cycle["deadlines"]["enhet"])
                == datetime(2022, 8, 25, 21, 59, tzinfo=UTC))


class TestOpenCycle:
    BODY = {"namnd_code": "VON", "process": "arsbokslut", "year": 2022,
            "title": "Årsbokslut 2022", "enhet_deadline": "2023-01-19",
            "avdelning_deadline": "2023-01-26", "forvaltning_deadline": "2023-02-08",
            "underlag_date": "2023-02-09", "beslut_date": "2023-02-20"}

    async def test_the_controller_opens_a_cycle_with_a_report_per_unit(
            self, world: ApiWorld) -> None:
        response = await world.post("open-cycle", "gun", **self.BODY)
        assert response.status_code == 200, response.text
        cycle = (await world.json(f"/api/cycles/{response.json()['aggregate_id']}"))
        assert cycle["title"] == "Årsbokslut 2022"
        assert {r["unit_id"] for r in cycle["rows"]} >= {"enh-ekhagen", "avd-kvarboende",
                                                            "von-forv"}
        titles = [c["title"] for c in (await world.json("/api/cycles"))]
        assert titles == ["Delårsbokslut 2022", "Årsbokslut 2022"]


class TestOpenApi:
    async def test_every_command_is_documented_with_its_model_and_problems(
            self, world: ApiWorld) -> None:
        spec = (await world.http.get("/openapi.json")).json()
        for path, model in (("klarmarkera", "Klarmarkera"), ("atersand", "Atersand"),
                            ("open-cycle", "OpenCycle")):
            post = spec["paths"][f"/api/commands/{path}"]["post"]
            ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith(f"/{model}")
            assert {"401", "403", "404", "409", "413", "422"} <= set(post["responses"])


class TestReportContent:
    INDICATOR = {"indicator_id": "insatstid", "name": "Insatstid trygghetslarm",
                 "direction": "lower", "malvarde": "302",
                 "utfall": [{"period": "2022-08-31", "totalt": "291"}]}

    async def test_the_chef_records_an_indicator_and_a_bedomning(
            self, world: ApiWorld) -> None:
        recorded = await world.post("record-indicator", "anna", report_id=EKHAGEN,
                                    item_id="mal-trygg-vard", indicator=self.INDICATOR)
        assert recorded.status_code == 200, recorded.text
        judged = await world.post("set-bedomning", "anna", report_id=EKHAGEN,
                                  item_id="mal-trygg-vard", bedomning="Helt uppfyllt")
        assert judged.status_code == 200, judged.text
        events = [e["event_type"] for e in await world.json(f"/api/history/{EKHAGEN}")]
        assert events[-2:] == ["UnitReport.IndicatorRecorded", "UnitReport.BedomningSet"]

    async def test_an_indicator_on_an_internkontroll_point_is_refused(
            self, world: ApiWorld) -> None:
        response = await world.post("record-indicator", "anna", report_id=EKHAGEN,
                                    item_id="ik-bestallningar", indicator=self.INDICATOR)
        assert (response.status_code, response.json()["rule"]) == (422, "goal_item")

    async def test_the_chef_records_an_ekonomi_table(self, world: ApiWorld) -> None:
        rows = [{"label": "Intäkter", "role": "intakter", "values": {"utfall": 100}},
                {"label": "Kostnader", "role": "kostnader", "values": {"utfall": -500}},
                {"label": "Netto", "role": "netto", "values": {"utfall": -400}}]
        response = await world.post("record-ekonomi", "anna", report_id=EKHAGEN,
                                    kind="drift", columns={"utfall": "Delår 2022"}, rows=rows)
        assert response.status_code == 200, response.text
        refused = await world.post("record-ekonomi", "bertil", report_id=EKHAGEN,
                                   kind="drift", columns={"utfall": "Delår 2022"}, rows=rows)
        assert refused.status_code == 403
