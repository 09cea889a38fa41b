"""KLK's view across förvaltningar over a real store with two nämnder (VON and SN):
underlag in time, late and missing, the nämnd's beslut, the kommun steps, who sees what,
and a step recorded through the API and the page (tests/support/kommun_world.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.kommun_world import (
    KF_BESLUT,
    KLK_CONTROLLER,
    KOMMUNDIREKTOR,
    KSAU_DIALOG,
    SN_FORVALTNINGSCHEF,
    VON_CONTROLLER,
    VON_ENHETSCHEF,
    load_kommun,
    year_2022,
)
from tests.support.stores import sqlite_env

TOKENS = {"t-klk": KLK_CONTROLLER, "t-kd": KOMMUNDIREKTOR, "t-von": VON_CONTROLLER,
          "t-enh": VON_ENHETSCHEF, "t-sn": SN_FORVALTNINGSCHEF}


@dataclass
class World:
    http: httpx.AsyncClient
    app: TestEngine

    async def overview(self, token: str, **params: str) -> dict[str, Any]:
        response = await self.http.get("/api/kommun", params={"year": "2022", **params},
                                       headers=bearer(token))
        assert response.status_code == 200, response.text
        return {p["process"]: p for p in response.json()["processes"]}

    async def record(self, token: str, **body: Any) -> httpx.Response:
        return await self.http.post("/api/commands/record-kommun-steg", json=body,
                                    headers=bearer(token))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock(datetime(2022, 1, 10, 8, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_kommun(app)
    year_2022(app, clock)
    api = create_app(app, app.bus, TOKENS)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        yield World(http, app)
    app.close()


def rows(process: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {r["namnd_code"]: (r["underlag_status"], r["beslut_status"])
            for r in process["namnder"]}


def steps(process: dict[str, Any]) -> dict[str, tuple[str, str | None, str | None]]:
    return {s["milestone_id"]: (s["status"], s["done_on"], s["reference"])
            for s in process["steps"]}


async def test_klk_sees_every_namnds_underlag_and_the_kommun_steps(world: World) -> None:
    seen = await world.overview("t-klk")
    delar = seen["delarsbokslut"]
    assert delar["title"] == "Delårsbokslut 2022"
    assert rows(delar) == {"VON": ("i_tid", "i_tid"), "SN": ("for_sent", "saknas_forsenad")}
    von = next(r for r in delar["namnder"] if r["namnd_code"] == "VON")
    assert von["underlag_deadline"] == "2022-09-13T23:59:00+02:00"
    assert von["underlag_sent_at"] == "2022-09-13T12:00:00+02:00"
    assert von["beslut"] == "Nämnden beslutar enligt förslaget"
    assert von["underlag_status_text"] == "Inkommet i tid"
    assert steps(delar) == {KSAU_DIALOG: ("i_tid", "2022-09-27", "KSAU § 201"),
                            KF_BESLUT: ("kommande", None, None)}
    # Opened with no underlag, and not opened at all: both missing past their day.
    assert rows(seen["fordjupad_manadsuppfoljning"]) == {
        "VON": ("saknas_forsenad", "saknas_forsenad"), "SN": ("saknas_forsenad",
                                                            "saknas_forsenad")}
    assert rows(seen["arsbokslut"]) == {"VON": ("ej_forfallen", "ej_forfallen"),
                                        "SN": ("ej_forfallen", "ej_forfallen")}
    assert list(steps(seen["arsbokslut"])) == ["k-2023-02-20-dialog-arsredovisning"]


async def test_as_of_an_instant_reads_what_was_recorded_then(world: World) -> None:
    seen = await world.overview("t-klk", as_of="2022-09-14T12:00:00+02:00")
    delar = seen["delarsbokslut"]
    assert rows(delar) == {"VON": ("i_tid", "ej_forfallen"),
                           "SN": ("saknas_forsenad", "ej_forfallen")}
    assert steps(delar)[KSAU_DIALOG] == ("kommande", None, None)


async def test_a_namnds_readers_see_their_own_rows_and_no_kommun_steps(world: World) -> None:
    von = await world.overview("t-von")
    assert {code for p in von.values() for code in rows(p)} == {"VON"}
    assert not [s for p in von.values() for s in p["steps"]]
    # An enhetschef reads the plan (rows of cycles not opened yet), not the underlag.
    enhetschef = await world.overview("t-enh")
    assert list(enhetschef) == ["arsbokslut"] and rows(enhetschef["arsbokslut"]) == {
        "VON": ("ej_forfallen", "ej_forfallen")}
    # SN's förvaltningschef reads SN's rows while holding the role (the data file dates it).
    sn = await world.overview("t-sn")
    holds = bool(world.app.organisation("SN").roles_of(SN_FORVALTNINGSCHEF, date(2022, 9, 28)))
    assert {code for p in sn.values() for code in rows(p)} == ({"SN"} if holds else set())
    assert not [s for p in sn.values() for s in p["steps"]]


async def test_klk_records_a_step_through_the_api_once(world: World) -> None:
    body = {"command_id": "kf-1", "milestone_id": KF_BESLUT, "done_on": "2022-09-28",
            "reference": "KF § 140"}
    first = await world.record("t-klk", **body)
    assert first.status_code == 200, first.text
    again = await world.record("t-klk", **body)
    assert again.json()["duplicate"] is True
    assert again.json()["version"] == first.json()["version"] == 1
    seen = await world.overview("t-klk")
    assert steps(seen["delarsbokslut"])[KF_BESLUT] == ("i_tid", "2022-09-28", "KF § 140")


@pytest.mark.parametrize(("token", "milestone", "status", "rule"), [
    ("t-von", KF_BESLUT, 403, "role_not_held"),
    ("t-kd", KF_BESLUT, 403, "role_not_held"),  # kommundirektören is not KLK's controller
    ("t-klk", "k-2099-01-01-okand", 422, "unknown_kommun_step"),
    ("t-klk", "f-delar-2022-underlag-klk", 422, "not_a_kommun_step"),
    ("t-klk", KSAU_DIALOG, 403, "kommun_step_already_done"),
])
async def test_refusals_name_their_rule(world: World, token: str, milestone: str,
                                        status: int, rule: str) -> None:
    response = await world.record(token, milestone_id=milestone, done_on="2022-09-28")
    assert (response.status_code, response.json()["rule"]) == (status, rule), response.text
    assert milestone in response.json()["detail"] or rule in ("role_not_held",
                                                              "kommun_step_already_done")


async def test_the_page_shows_status_words_and_records_a_step(world: World) -> None:
    page = await world.http.get("/kommun?year=2022", headers=bearer("t-klk"))
    assert page.status_code == 200, page.text
    for words in ("Delårsbokslut 2022", "Inkommet i tid", "Inkommet för sent",
                  "Saknas – försenat", "Ej förfallet", "Klart i tid", "Kommande",
                  "Registrera att ett steg är klart", "Socialnämnden"):
        assert words in page.text, words
    bad = await world.http.post("/kommun", data={"milestone_id": KF_BESLUT, "done_on": "28/9",
                                                 "year": "2022"}, headers=bearer("t-klk"))
    assert bad.status_code == 422 and "Datum då steget blev klart" in bad.text
    done = await world.http.post("/kommun", data={
        "milestone_id": KF_BESLUT, "done_on": "2022-09-28", "reference": "KF § 140",
        "command_id": "form-1", "year": "2022"}, headers=bearer("t-klk"))
    assert done.status_code == 303 and done.headers["location"] == f"/kommun?year=2022#{KF_BESLUT}"
    after = await world.http.get("/kommun?year=2022", headers=bearer("t-klk"))
    assert "KF § 140" in after.text


async def test_the_page_offers_the_form_only_to_klk(world: World) -> None:
    page = await world.http.get("/kommun?year=2022", headers=bearer("t-von"))
    assert page.status_code == 200
    assert "Registrera att ett steg är klart" not in page.text
    refused = await world.http.post("/kommun", data={"milestone_id": KF_BESLUT,
                                                     "done_on": "2022-09-28"},
                                    headers=bearer("t-von"))
    assert refused.status_code == 403 and "role_not_held" in refused.text


async def test_klk_has_the_kommun_view_in_its_menu_and_is_named(world: World) -> None:
    klk = await world.http.get("/att-gora", headers=bearer("t-klk"))
    assert 'href="/kommun"' in klk.text
    assert "Inloggad som <strong>Lisa Ledningsdal</strong>" in klk.text
    chef = await world.http.get("/att-gora", headers=bearer("t-enh"))
    assert chef.status_code == 200 and 'href="/kommun"' not in chef.text


async def test_a_bad_instant_is_a_problem_naming_as_of(world: World) -> None:
    response = await world.http.get("/api/kommun", params={"as_of": "igår"},
                                    headers=bearer("t-klk"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "as_of" in response.text
