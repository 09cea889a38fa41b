"""Importing an ekonomi table on the report form: the enhetschef uploads the economy
export as a browser does (multipart, CSRF token, the page's version), the table is recorded
with RecordEkonomi, and a file that does not read is refused whole with sheet/row/column."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from api import dashboard_ekonomi_import
from tests.api.conftest import ApiWorld
from tests.api.test_report_form import EKHAGEN, form, history, login, page
from tests.support.dashboard import csrf_of

ACTION = f"/rapporter/{EKHAGEN}/ekonomi"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Belopp i tkr", "Budget 2023", "Delårsbokslut 2023", "Delårsbokslut 2022"]
DRIFT: list[list[Any]] = [
    HEADER,
    ["Verksamhetens intäkter", 16924, 11646, 9965],
    ["Personalkostnader", -137901, -82243, -75000],
    ["Övriga kostnader", -103070, -75455, -61467],
    ["Verksamhetens kostnader", -240971, -157698, -136467],
    ["Verksamhetens nettokostnader", -224047, -146052, -126502],
]


def xlsx(rows: list[list[Any]], sheet: str = "Drift") -> bytes:
    book = Workbook()
    assert book.active is not None
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(world: ApiWorld, fields: dict[str, str], name: str, data: bytes,
                 kind: str = "drift", mime: str = XLSX) -> httpx.Response:
    return await world.http.post(ACTION, data={**fields, "kind": kind},
                                 files={"fil": (name, data, mime)})


async def import_form(world: ApiWorld) -> dict[str, str]:
    return form(await page(world), ACTION)


async def test_a_good_xlsx_is_recorded_with_the_enhetschef_as_actor(world: ApiWorld) -> None:
    await login(world, "anna")
    fields = await import_form(world)
    done = await upload(world, fields, "ekonomi.xlsx", xlsx(DRIFT))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/rapporter/{EKHAGEN}?importerat=5&tabell=drift#ekonomi"
    last = (await history(world))[-1]
    assert (last["event_type"], last["person_id"], last["role"]) == (
        "UnitReport.EkonomiRecorded", "anna", "enhetschef")
    assert last["version"] == int(fields["version"]) + 1
    table = last["payload"]["table"]
    assert table["columns"] == {"budget": "Budget 2023", "utfall": "Delårsbokslut 2023",
                                "utfall_fg": "Delårsbokslut 2022"}
    assert [r["role"] for r in table["rows"]] == [
        "intakter", "kostnadsgrupp", "kostnadsgrupp", "kostnader", "netto"]

    shown = await world.http.get(done.headers["location"])
    assert "Importerat: 5 rader (Drift)" in shown.text
    # The domain's slip check is on the page: Utfall's groups give -157 698, Netto is stated
    # -146 052 = 11 646 - 157 698; all hold, so no slip is listed.
    assert "summor som inte stämmer" not in shown.text


async def test_a_slip_in_the_file_is_recorded_and_flagged(world: ApiWorld) -> None:
    await login(world, "anna")
    rows = [list(r) for r in DRIFT]
    rows[4][1] = -250971  # Verksamhetens kostnader's Budget, 10 000 off its groups
    done = await upload(world, await import_form(world), "ekonomi.xlsx", xlsx(rows))
    assert done.status_code == 303
    shown = (await world.http.get(done.headers["location"])).text
    assert "Ekonomi: summor som inte stämmer" in shown
    assert "Verksamhetens kostnader, Budget: angivet -250971, beräknat -240971" in shown


async def test_a_bad_cell_is_named_and_nothing_is_recorded(world: ApiWorld) -> None:
    await login(world, "anna")
    rows = [list(r) for r in DRIFT]
    rows[3][2] = "12 3x4"
    before = len(await history(world))
    refused = await upload(world, await import_form(world), "ekonomi.xlsx", xlsx(rows))
    assert refused.status_code == 422
    assert ("ekonomi.xlsx: Blad Drift, rad 4, kolumn C (Delårsbokslut 2023): "
            "&#39;12 3x4&#39; är inte ett belopp") in refused.text
    assert 'id="ekonomi"' in refused.text  # the form is there to try again
    assert len(await history(world)) == before


async def test_a_file_that_is_not_xlsx_is_a_message_not_a_traceback(world: ApiWorld) -> None:
    await login(world, "anna")
    before = len(await history(world))
    refused = await upload(world, await import_form(world), "ekonomi.xlsx", b"%PDF-1.7 ...")
    assert refused.status_code == 422 and "Filen är ingen Excel-fil (.xlsx)" in refused.text
    assert len(await history(world)) == before


async def test_another_units_chef_is_refused(world: ApiWorld) -> None:
    await login(world, "anna")
    fields = await import_form(world)
    await login(world, "bertil")
    fields["csrf_token"] = csrf_of((await world.http.get("/att-gora")).text)
    before = len(await history(world))
    refused = await upload(world, fields, "ekonomi.xlsx", xlsx(DRIFT))
    assert refused.status_code == 403
    assert len(await history(world)) == before


async def test_the_avdelningschef_reads_but_cannot_import(world: ApiWorld) -> None:
    await login(world, "anna")
    fields = await import_form(world)
    await login(world, "david")
    text = await page(world)
    assert ACTION not in text
    fields["csrf_token"] = csrf_of(text)
    refused = await upload(world, fields, "ekonomi.xlsx", xlsx(DRIFT))
    assert refused.status_code == 403 and "enhetschef" in refused.text


async def test_a_csv_export_works(world: ApiWorld) -> None:
    await login(world, "anna")
    text = "\r\n".join([
        "Belopp i tkr;Budget 2023;Prognos helår 2023;Delårsbokslut 2023",
        "Reinvestering;600;600;372",
        "Inventarier;400;400;213",
        "IT-utrustning;200;200;159",
        "Totala utgifter;600;600;372"])
    done = await upload(world, await import_form(world), "investeringar.csv",
                        text.encode("cp1252"), kind="investeringar", mime="text/csv")
    assert done.status_code == 303, done.text
    last = (await history(world))[-1]
    assert (last["event_type"], last["person_id"]) == ("UnitReport.EkonomiRecorded", "anna")
    assert last["payload"]["table"]["kind"] == "investeringar"
    assert "Importerat: 4 rader (Investeringar)" in (
        await world.http.get(done.headers["location"])).text


async def test_a_stale_page_is_asked_to_reload(world: ApiWorld) -> None:
    await login(world, "anna")
    fields = await import_form(world)
    await world.post("change-item", "anna", report_id=EKHAGEN, item_id="mal-trygg-vard",
                     field="analys", value="Från en annan flik")
    before = len(await history(world))
    refused = await upload(world, fields, "ekonomi.xlsx", xlsx(DRIFT))
    assert refused.status_code == 409 and "Ladda om sidan och importera filen igen" in (
        refused.text)
    assert len(await history(world)) == before


async def test_a_file_over_the_limit_is_refused_with_a_message(
        world: ApiWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_ekonomi_import, "MAX_UPLOAD_BYTES", 1024)
    await login(world, "anna")
    refused = await upload(world, await import_form(world), "ekonomi.csv", b"x" * 2048,
                           mime="text/csv")
    assert refused.status_code == 413 and "Filen är för stor" in refused.text


async def test_a_file_over_the_apis_body_limit_reaches_the_page(world: ApiWorld) -> None:
    """The app-wide body limit (256 KiB) would answer JSON; the upload path has its own."""
    await login(world, "anna")
    big = b"Rad;Budget;Utfall\n" + b"x" * (300 * 1024)
    answer = await upload(world, await import_form(world), "ekonomi.csv", big, mime="text/csv")
    assert answer.headers["content-type"].startswith("text/html"), answer.status_code
    assert "Importerat" not in answer.text and "kan inte läsas som CSV" in answer.text
