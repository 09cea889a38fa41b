"""The avdelningschef's review in a real browser: the enhetschef klarmarkerar, the
avdelningschef sees what changed, återsänder with a motivering and a new deadline, the
enhetschef changes and klarmarkerar again, and the avdelningschef sees only that change
and attesterar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.test_report_form import wcag_violations

pytestmark = pytest.mark.slow
ENHETSCHEF = "Cecilia Demoqvist"
AVDELNINGSCHEF = "Lena Testlund"
ENHET = "Bjärkegården"


def log_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {name}").click()
    page.wait_for_url("**/att-gora")


def write_analysis_and_klarmarkera(page: Any, url: str, text: str) -> None:
    page.goto(url)
    analys = page.locator("form.falt").filter(
        has=page.locator('input[name="field"][value="analys"]')).first
    analys.locator("textarea").fill(text)
    analys.locator("textarea").press("Tab")
    analys.locator("xpath=following-sibling::div[1]").get_by_text("Sparat").wait_for()
    page.locator("#checklista").get_by_role("button", name="Klarmarkera").click()
    page.wait_for_url(url)
    assert page.locator("#rapportstatus").inner_text() == "Klarmarkerad"


def test_the_avdelningschef_reviews_atersander_and_attesterar(
        live_server: LiveServer, page: Any, screenshots: Path, tmp_path: Path) -> None:
    log_in(page, live_server, ENHETSCHEF)
    report = page.get_by_role("link", name=ENHET, exact=True).first.get_attribute("href")
    url = f"{live_server.url}{report}"
    write_analysis_and_klarmarkera(page, url, "Fler brukare fick sin genomförandeplan")

    log_in(page, live_server, AVDELNINGSCHEF)
    page.goto(url)
    review = page.locator("#granskning")
    review.get_by_text("Ändringar i första klarmarkeringen").wait_for()
    assert "Fler brukare fick sin genomförandeplan" in review.locator("table.diff").inner_text()
    page.screenshot(path=str(tmp_path / "granskning-forsta.png"), full_page=True)
    page.screenshot(path=str(screenshots / "granskning-forsta.png"), full_page=True)
    assert wcag_violations(page) == []

    review.get_by_label("Motivering").fill("Ange hur många, i siffror")
    review.get_by_label("Ny tidsgräns för klarmarkering").fill("2030-01-31")
    review.get_by_role("button", name="Återsänd").click()
    page.wait_for_url(f"{url}#granskning")
    assert page.locator("#rapportstatus").inner_text() == "Pågår"
    assert "2030-01-31 23:59" in page.locator("main").inner_text()
    assert page.locator("#granskning").count() == 0  # nothing to review until klarmarkerad

    log_in(page, live_server, ENHETSCHEF)
    write_analysis_and_klarmarkera(page, url, "42 av 50 brukare fick sin genomförandeplan")

    log_in(page, live_server, AVDELNINGSCHEF)
    page.goto(url)
    review.get_by_text("Ändringar sedan återsändningen").wait_for()
    rows = review.locator("tr.diff-rad")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[2:4] == ["Fler brukare fick sin genomförandeplan",
                          "42 av 50 brukare fick sin genomförandeplan"]
    page.screenshot(path=str(tmp_path / "granskning-efter-atersand.png"), full_page=True)
    review.get_by_role("button", name="Attestera").click()
    page.wait_for_url(f"{url}#granskning")
    assert page.locator("#rapportstatus").inner_text() == "Godkänd"
    page.screenshot(path=str(screenshots / "granskning-attesterad.png"), full_page=True)
