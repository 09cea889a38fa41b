"""The underlag from R's compile: previewed on the dashboard, downloaded as .docx."""

from __future__ import annotations

import io
import zipfile

from tests.api.conftest import ApiWorld, auth, report_id
from tests.support.dashboard import sign_in
from tests.support.org import CYCLE

EKHAGEN = report_id("enh-ekhagen")


async def test_the_preview_shows_a_godkand_units_analysis(world: ApiWorld) -> None:
    await world.post("change-item", "anna", report_id=EKHAGEN, item_id="mal-trygg-vard",
                     field="analys", value="Analys <från> Ekhagen")
    await world.post("klarmarkera", "anna", report_id=EKHAGEN)
    await world.post("attestera", "david", report_id=EKHAGEN)
    await sign_in(world.http, "t-gun")
    page = (await world.http.get(f"/cykler/{CYCLE}/underlag")).text
    assert "Delårsbokslut 2022" in page
    assert "Analys &lt;från&gt; Ekhagen" in page  # escaped, not markup


async def test_the_docx_download_is_a_word_document(world: ApiWorld) -> None:
    response = await world.http.get(f"/api/cycles/{CYCLE}/underlag.docx",
                                    headers=auth("gun"))
    assert response.status_code == 200
    assert 'filename="underlag-von-delarsbokslut-2022.docx"' in (
        response.headers["content-disposition"])
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


async def test_an_unknown_cycle_has_no_underlag(world: ApiWorld) -> None:
    response = await world.http.get(
        "/api/cycles/00000000-0000-0000-0000-000000000000/underlag.docx", headers=auth("gun"))
    assert (response.status_code, response.json()["rule"]) == (404, "unknown_id")
