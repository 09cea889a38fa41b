"""The avdelningschef's whole flow in a real browser, on the running app with the VON demo
data: the enhetschef writes (an analysis, a nyckeltal's utfall, the bedömning) and
klarmarkerar; the avdelningschef sees the diff and återsänder with a motivering; the
enhetschef sees why, changes and klarmarkerar again; the avdelningschef sees only the new
change and attesterar. Every page on the way passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.test_report_form import wcag_violations
from tests.browser.test_role_enhetschef import (
    ENHETSCHEF,
    GOAL,
    NYCKELTAL,
    change,
    log_in,
    record_nyckeltal,
    report_url,
)

pytestmark = pytest.mark.slow
AVDELNINGSCHEF = "Lena Testlund"
FIRST = "Svarstiden på e-post har kortats med schemalagd bevakning"
SECOND = "91,5 % fick svar inom ett dygn (93 % av kvinnorna); männens andel saknas i uttaget"
REASON = "Redovisa utfallet för kvinnor och män, och skriv det i analysen"


def write_analysis(page: Any, text: str) -> None:
    analys = page.locator(f"#punkt-{GOAL} form.falt").filter(
        has=page.locator('input[name="field"][value="analys"]'))
    analys.locator("textarea").fill(text)
    analys.locator("textarea").press("Tab")
    analys.locator("xpath=following-sibling::div[1]").get_by_text("Sparat").wait_for()


def klarmarkera(page: Any, url: str) -> None:
    page.locator("#checklista").get_by_role("button", name="Klarmarkera").click()
    page.wait_for_url(url)
    assert page.locator("#rapportstatus").inner_text() == "Klarmarkerad"


def utfall_form(page: Any, period: str) -> Any:
    return page.locator(f"#punkt-{GOAL} form.utfall").filter(
        has=page.locator(f'input[name="period"][value="{period}"]'))


def diff_rows(page: Any) -> list[list[str]]:
    rows = page.locator("#granskning tr.diff-rad")
    return [rows.nth(n).locator("td").all_inner_texts()[1:4] for n in range(rows.count())]


def test_the_avdelningschef_reviews_atersander_and_attesterar(
        live_server: LiveServer, page: Any, screenshots: Path) -> None:
    # The enhetschef writes, enters this year's utfall, sets the bedömning, klarmarkerar.
    log_in(page, live_server, ENHETSCHEF)
    url = report_url(page, live_server)
    record_nyckeltal(page, url, live_server)
    page.goto(url)
    write_analysis(page, FIRST)
    new = page.locator(f"#punkt-{GOAL} form.utfall").last
    year = new.locator('input[name="period"]').input_value()
    assert change(page, new, "totalt", "91,5") == 200
    bedomning = page.locator(f"#punkt-{GOAL} form.bedomning")
    bedomning.locator("select").select_option("Helt uppfyllt")
    bedomning.locator("xpath=following-sibling::div[1]").get_by_text("Sparat").wait_for()
    klarmarkera(page, url)

    # The avdelningschef sees everything written, and återsänder with a motivering.
    log_in(page, live_server, AVDELNINGSCHEF)
    page.goto(url)
    review = page.locator("#granskning")
    review.get_by_text("Ändringar i första klarmarkeringen").wait_for()
    assert ["Analys", "(tomt)", FIRST] in diff_rows(page)
    assert ["Bedömning", "(tomt)", "Helt uppfyllt"] in diff_rows(page)
    read_only = page.locator(f"#punkt-{GOAL}").inner_text()
    assert f"{year}: 91,5" in read_only and "None" not in read_only  # no motivering given
    page.screenshot(path=str(screenshots / "avdelningschef-01-granskning.png"),
                    full_page=True)
    assert wcag_violations(page) == []
    review.get_by_label("Motivering").fill(REASON)
    review.get_by_role("button", name="Återsänd").click()
    page.wait_for_url(f"{url}#granskning")
    assert page.locator("#rapportstatus").inner_text() == "Pågår"
    assert page.locator("#granskning").count() == 0  # nothing to review until klarmarkerad

    # The enhetschef sees why, adds kvinnor to the utfall, rewrites, klarmarkerar again.
    log_in(page, live_server, ENHETSCHEF)
    page.goto(url)
    assert REASON in page.locator("main").inner_text()
    assert change(page, utfall_form(page, year), "kvinnor", "93") == 200
    write_analysis(page, SECOND)
    page.screenshot(path=str(screenshots / "avdelningschef-02-enhetschef-andrar.png"),
                    full_page=True)
    assert wcag_violations(page) == []
    klarmarkera(page, url)

    # The avdelningschef sees only what changed since the återsändning, and attesterar.
    log_in(page, live_server, AVDELNINGSCHEF)
    page.goto(url)
    review.get_by_text("Ändringar sedan återsändningen").wait_for()
    assert diff_rows(page) == [
        ["Analys", FIRST, SECOND],
        [f"Nyckeltal «{NYCKELTAL}» {year}", "totalt 91,5", "totalt 91,5, kvinnor 93"]]
    assert f"{year}: 91,5 (kvinnor 93, män –)" in page.locator(f"#punkt-{GOAL}").inner_text()
    page.screenshot(path=str(screenshots / "avdelningschef-03-ny-granskning.png"),
                    full_page=True)
    assert wcag_violations(page) == []
    review.get_by_role("button", name="Attestera").click()
    page.wait_for_url(f"{url}#granskning")
    assert page.locator("#rapportstatus").inner_text() == "Godkänd"
    page.screenshot(path=str(screenshots / "avdelningschef-04-attesterad.png"), full_page=True)
    assert wcag_violations(page) == []
