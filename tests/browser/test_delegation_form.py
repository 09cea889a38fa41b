"""The delegationsbeslut form in Chromium: choosing a row narrows the fields to the row's
own (the amount in its unit), the live check answers with the domain's rule, and the
recorded beslut is in the register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.slow
FORVALTNINGSCHEF = "Birgitta Exempelsson"


def test_a_forvaltningschef_fills_in_a_delegationsbeslut(live_server: LiveServer, page: Any,
                                                        tmp_path: Path) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{live_server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {FORVALTNINGSCHEF}").click()
    page.wait_for_url("**/att-gora")
    page.goto(f"{live_server.url}/delegationer")
    form = page.locator("form.beslutsform")
    check = page.locator("#delegation-provning")

    form.get_by_label("Punkt i delegationsordningen").select_option("3.3.2")
    amount = form.get_by_label("Omfattning i timmar per vecka", exact=True)
    amount.wait_for()  # the row's own fields: no "(punkt …)" any more
    assert form.locator("input[name=original_namndbeslut]").count() == 0
    form.get_by_label("Ärende (diarienummer)").fill("2022.401 VON")
    form.get_by_label("Beslut", exact=True).fill("Personlig assistans, utökning")
    amount.fill("25")
    amount.press("Tab")  # change: htmx asks the domain
    check.get_by_text("utanför din delegation").wait_for()
    assert "rad 3.3.2, 7 § och 9 § 2 punkten LSS" in check.inner_text()
    page.screenshot(path=str(tmp_path / "delegationsbeslut-over-grans.png"), full_page=True)

    amount.fill("15")
    amount.press("Tab")
    check.get_by_text("Kan beslutas av dig som förvaltningschef").wait_for()
    page.screenshot(path=str(tmp_path / "delegationsbeslut-kan-beslutas.png"), full_page=True)
    form.get_by_role("button", name="Registrera beslutet").click()
    page.wait_for_url("**/delegationer?registrerat=*")
    page.get_by_text("Delegationsbeslutet är registrerat.").wait_for()
    row = page.locator("tr").filter(has_text="Personlig assistans, utökning")
    assert "Birgitta Exempelsson (förvaltningschef)" in row.inner_text()
    page.screenshot(path=str(tmp_path / "delegationsbeslut-registrerat.png"), full_page=True)
    assert [m for m in console if "Content Security Policy" in m] == []
