"""The delegationsbeslut form on /delegationer: a delegat records a beslut through the API's
own command, the live check runs the domain's rules, and the register's filters narrow."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.app import create_app
from domain.delegation_commands import DeclareJav
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.dashboard import SignedIn, csrf_of, signing_in
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_delegation import (
    AU_LEDAMOT,
    FORVALTNINGSCHEF,
    SEKRETERARE,
    STF_FORVALTNINGSCHEF,
    decide,
    load_von,
)

TOKENS = {"t-fc": FORVALTNINGSCHEF, "t-sek": SEKRETERARE,
          "t-stf": STF_FORVALTNINGSCHEF,
          "t-revisor": "p-62c8b8"}
FORM = "Registrera delegationsbeslut"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[SignedIn, TestEngine]]:
    clock = ManualClock(datetime(2022, 10, 3, 8, 0, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_von(app)
    read_models = ReadModels.for_app(app)
    api = create_app(app, app.bus, TOKENS, read_models=read_models)

    yield signing_in(api), app
    read_models.close()
    app.close()


def form_fields(page: str, **values: str) -> dict[str, str]:
    command_id = re.search(r'name="command_id" value="([^"]+)"', page)
    assert command_id is not None, page
    return {"csrf_token": csrf_of(page), "command_id": command_id.group(1),
            "arende_ref": "2022.301 VON", "beslut": "Avslag på begäran om avgörande",
            "decided_on": "2022-10-03", **values}


async def test_a_forvaltningschef_records_a_beslut_that_the_register_shows(
        world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, _ = world
    async with signed_in("t-fc") as http:
        page = (await http.get("/delegationer")).text
        assert FORM in page and 'value="2.1.3"' in page
        assert 'value="2.1.8"' not in page  # the ordförande's row is not offered
        assert "Kan beslutas av dig som" in page
        sent = await http.post("/delegationer/beslut", data=form_fields(page, row_nr="2.1.3"))
        assert sent.status_code == 303
        assert sent.headers["location"].startswith("/delegationer?registrerat=")
        shown = (await http.get(sent.headers["location"])).text
    assert "Delegationsbeslutet är registrerat." in shown
    assert "Avslag på begäran om avgörande" in shown
    assert "Birgitta Exempelsson (förvaltningschef)" in shown


async def test_the_check_names_the_rule_for_an_amount_over_the_limit_and_a_non_delegat(
        world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, _ = world
    async with signed_in("t-fc") as http:
        page = (await http.get("/delegationer")).text
        within = (await http.post("/delegationer/prova", data=form_fields(
            page, row_nr="3.3.2", amount="15"))).text
        over = (await http.post("/delegationer/prova", data=form_fields(
            page, row_nr="3.3.2", amount="25"))).text
        other = (await http.post("/delegationer/prova", data=form_fields(
            page, row_nr="2.1.8"))).text
    assert "Kan beslutas av dig som förvaltningschef (rad 3.3.2" in within
    assert "utanför din delegation" in over and "rad 3.3.2, 7 § och 9 § 2 punkten LSS" in over
    assert "over_beloppsgrans" in over and "arbetsutskottet" in over.lower()
    assert "Birgitta Exempelsson är inte delegat" in other and "ej_delegat" in other
    assert "p-birgitta" not in other  # names, not ids


async def test_an_ersattare_decides_for_an_absent_forvaltningschef(
        world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, _ = world
    async with signed_in("t-stf") as http:
        page = (await http.get("/delegationer")).text
        assert FORM in page and f'value="{FORVALTNINGSCHEF}"' in page
        present = (await http.post("/delegationer/prova", data=form_fields(
            page, row_nr="2.1.3", ersattare_for=FORVALTNINGSCHEF))).text
        sent = await http.post("/delegationer/beslut", data=form_fields(
            page, row_nr="2.1.3", ersattare_for=FORVALTNINGSCHEF, franvaro="frånvaro"))
        shown = (await http.get(sent.headers["location"])).text
    assert "ej_franvarande" in present
    assert sent.status_code == 303
    assert "(ställföreträdande förvaltningschef), ersättare för Birgitta Exempelsson" in shown


async def test_jav_is_refused_by_the_check_and_by_the_form(
        world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, app = world
    app.execute(DeclareJav(namnd_code="VON", arende_ref="2022.301 VON", on=date(2022, 10, 3),
                           grounds="Närstående part"), FORVALTNINGSCHEF)
    async with signed_in("t-fc") as http:
        page = (await http.get("/delegationer")).text
        checked = (await http.post("/delegationer/prova",
                                   data=form_fields(page, row_nr="2.1.3"))).text
        refused = await http.post("/delegationer/beslut", data=form_fields(page, row_nr="2.1.3"))
    assert "har anmält jäv" in checked and "6 kap. 28 § KL" in checked and "jav" in checked
    assert refused.status_code == 403
    assert "har anmält jäv" in refused.text and 'role="alert"' in refused.text
    assert "Avslag på begäran om avgörande</textarea>" in refused.text  # kept as filled in
    assert "Inga delegationsbeslut." in refused.text


async def test_a_bad_date_names_the_field(world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, _ = world
    async with signed_in("t-fc") as http:
        page = (await http.get("/delegationer")).text
        sent = await http.post("/delegationer/beslut",
                               data=form_fields(page, row_nr="2.1.3", decided_on="3/10 2022"))
        checked = (await http.post("/delegationer/prova", data=form_fields(
            page, row_nr="2.1.3", decided_on="2022-02-30"))).text
        filtered = await http.get("/delegationer", params={"decided_from": "igår"})
    assert sent.status_code == 422
    assert "Beslutsdatum: skriv datumet som ÅÅÅÅ-MM-DD" in sent.text
    assert "Beslutsdatum: 2022-02-30 är inget datum" in checked
    assert filtered.status_code == 422 and "Från: skriv datumet som ÅÅÅÅ-MM-DD" in filtered.text


async def test_the_filters_narrow_the_register(world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, app = world
    decide(app, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3), beslut="Beslut om flytt")
    decide(app, AU_LEDAMOT, "3.3.2", date(2022, 10, 3), amount=25,
           beslut="Personlig assistans 25 timmar")
    async with signed_in("t-revisor") as http:
        every = (await http.get("/delegationer")).text
        by_row = (await http.get("/delegationer", params={"row_nr": "3.3.2"})).text
        by_role = (await http.get("/delegationer", params={"delegat_role": "au"})).text
        by_person = (await http.get("/delegationer",
                                    params={"person_id": FORVALTNINGSCHEF})).text
        anmalda = (await http.get("/delegationer", params={"anmald": "ja"})).text
        ej_anmalda = (await http.get("/delegationer", params={"anmald": "nej"})).text
        later = (await http.get("/delegationer", params={"decided_from": "2022-10-04"})).text
    assert FORM not in every  # the revisor decides nothing
    assert "Beslut om flytt" in every and "Personlig assistans 25 timmar" in every
    assert "Personlig assistans 25 timmar" in by_row and "Beslut om flytt" not in by_row
    assert "Personlig assistans 25 timmar" in by_role and "Beslut om flytt" not in by_role
    assert "Beslut om flytt" in by_person and "Personlig assistans" not in by_person
    assert "Inga delegationsbeslut." in anmalda
    assert "Beslut om flytt" in ej_anmalda and "Personlig assistans 25 timmar" in ej_anmalda
    assert "Inga delegationsbeslut." in later
    assert '<option selected>3.3.2</option>' in by_row  # the filter stays as chosen
    async with signed_in("t-revisor") as http:
        first = (await http.get("/delegationer", params={"limit": "1"})).text
        link = re.search(r'<a href="([^"]+)">Nästa sida</a>', first)
        assert link is not None
        second = (await http.get(link.group(1).replace("&amp;", "&"))).text
    assert "Beslut om flytt" in first and "Personlig assistans" not in first
    assert "Personlig assistans 25 timmar" in second and "Nästa sida" not in second


async def test_a_person_without_delegation_gets_no_form_and_is_refused(
        world: tuple[SignedIn, TestEngine]) -> None:
    signed_in, _ = world
    async with signed_in("t-fc") as fc:
        theirs = (await fc.get("/delegationer")).text
    async with signed_in("t-sek") as http:
        page = (await http.get("/delegationer")).text
        assert FORM not in page and "Registret" in page
        data = form_fields(theirs, row_nr="2.1.3") | {"csrf_token": csrf_of(page)}
        sent = await http.post("/delegationer/beslut", data=data)
        without_csrf = await http.post("/delegationer/beslut", data=data | {"csrf_token": "x"})
        after = (await http.get("/delegationer")).text
    assert sent.status_code == 403 and "är inte delegat" in sent.text
    assert FORM not in sent.text
    assert without_csrf.status_code == 403
    assert "Inga delegationsbeslut." in after
