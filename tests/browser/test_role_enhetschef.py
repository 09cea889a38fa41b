"""The enhetschef's whole flow in a real browser, on the running app with the VON demo data
(the Delårsbokslut report template of 2022): the checklist names what is missing; she
imports the Drift table from an .xlsx, enters a nyckeltal's utfall (a figure that does not
read is refused naming the nyckeltal and period, "IU" stays missing) and sees the suggested
bedömning move, writes every analysis, sets every bedömning, and klarmarkerar. Every page
on the way passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from api.auth import dev_token
from tests.browser.conftest import LiveServer
from tests.browser.test_report_form import wcag_violations

pytestmark = pytest.mark.slow
ENHETSCHEF = "Cecilia Demoqvist"
ENHET = "Bjärkegården"
GOAL = "mal-epost-svar-inom-en-dag"
NYCKELTAL = "Andel e-post besvarad inom 1 dygn"
INDICATOR = {"indicator_id": "epost-svar-1-dygn", "name": NYCKELTAL, "direction": "higher",
             "malvarde": "≥90", "unit": "%", "source": "Hypergene",
             "utfall": [{"period": "2021", "totalt": "84"}]}
WRITTEN = ("analys", "text")  # the fields the checklist asks for (dashboard_report)


def log_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {name}").click()
    page.wait_for_url("**/att-gora")


def report_url(page: Any, server: LiveServer) -> str:
    href = page.get_by_role("link", name=ENHET, exact=True).first.get_attribute("href")
    return f"{server.url}{href}"


def record_nyckeltal(page: Any, url: str, server: LiveServer) -> None:
    """The nyckeltal with its målvärde and last year's utfall, recorded through the API as
    the förvaltning's Hypergene import does (with the chef's token: she owns the report)."""
    report_id = url.rsplit("/", 1)[-1]
    answer = page.request.post(
        f"{server.url}/api/commands/record-indicator",
        headers={"Authorization": f"Bearer {dev_token(ENHETSCHEF)}"},
        data={"report_id": report_id, "item_id": GOAL, "indicator": INDICATOR})
    assert answer.status == 200, answer.text()


def drift_xlsx(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Drift"
    for row in (["Belopp i tkr", "Budget 2022", "Delårsbokslut 2022", "Delårsbokslut 2021"],
                ["Verksamhetens intäkter", 1692, 1164, 996],
                ["Personalkostnader", -13790, -8224, -7500],
                ["Övriga kostnader", -10307, -7545, -6146],
                ["Verksamhetens kostnader", -24097, -15769, -13646],
                ["Verksamhetens nettokostnader", -22405, -14605, -12650]):
        sheet.append(row)
    path = folder / "drift-bjarkegarden.xlsx"
    book.save(path)
    return path


def version(page: Any) -> int:
    return int(page.locator(".report-version-label").inner_text())


def gaps(page: Any) -> list[str]:
    texts: list[str] = page.locator("#checklista li.saknas").all_inner_texts()
    return texts


def save_and_wait(form: Any, page: Any, before: int) -> int:
    """Leaves the field (change: htmx posts it) and waits for its "Sparat"."""
    form.locator("xpath=following-sibling::div[1]").get_by_text("Sparat").wait_for()
    now = version(page)
    assert now == before + 1
    return now


def split(form: Any, name: str) -> Any:
    return form.locator(f'input[name="{name}"]')


def change(page: Any, form: Any, name: str, value: str) -> int:
    """Types one figure and leaves the field: htmx posts the period's form at once;
    returns the answer's status once its partial is on the page."""
    with page.expect_response(lambda r: r.url.endswith("/nyckeltal")) as answer:
        split(form, name).fill(value)
        split(form, name).press("Tab")
    page.wait_for_load_state("networkidle")
    status: int = answer.value.status
    return status


def enter_utfall(page: Any, screenshots: Path) -> None:
    goal = page.locator(f"#punkt-{GOAL}")
    suggestion = goal.locator(f"#forslag-{GOAL} strong")
    assert suggestion.inner_text() == "Ej uppfyllt"  # 84 % last year, målvärde ≥90
    before = version(page)

    # A figure that does not read: refused naming the nyckeltal and the period, nothing saved.
    earlier = goal.locator("form.utfall").filter(has=page.locator("legend",
                                                                  has_text="Utfall 2021"))
    earlier.get_by_label(f"Kvinnor ({NYCKELTAL}, 2021)").wait_for()  # labelled per period
    assert change(page, earlier, "kvinnor", "många") == 422
    refused = earlier.locator("xpath=following-sibling::div[1]").get_by_role("alert")
    assert (f"Nyckeltalet '{NYCKELTAL}', period 2021, kvinnor: 'många' är inget tal"
            in refused.inner_text())
    assert version(page) == before
    # "IU" is a missing value, as before: nothing changes; män is a new figure.
    assert change(page, earlier, "kvinnor", "IU") == 200
    assert version(page) == before
    assert change(page, earlier, "man", "80") == 200
    assert version(page) == before + 1

    # This year's period, one autosave per figure; the suggestion follows at once.
    new = goal.locator("form.utfall").filter(has=page.locator("legend", has_text="Ny period"))
    assert split(new, "period").input_value() != ""  # the cycle's year
    assert change(page, new, "totalt", "91,5") == 200
    assert suggestion.inner_text() == "Helt uppfyllt"
    year = split(new, "period").input_value()
    assert f"{year}: 91,5" in goal.locator(".nyckeltal-summa").inner_text()  # no reload
    assert change(page, new, "kvinnor", "93") == 200
    assert change(page, new, "man", "IU") == 200
    assert version(page) == before + 3
    goal.screenshot(path=str(screenshots / "enhetschef-02-nyckeltal.png"))


def write_everything(page: Any) -> None:
    """Every analysis and text the checklist asks for, then every bedömning as suggested."""
    before = version(page)
    for field in WRITTEN:
        forms = page.locator("form.falt").filter(
            has=page.locator(f'input[name="field"][value="{field}"]'))
        for n in range(forms.count()):
            form = forms.nth(n)
            form.locator("textarea").fill(f"Skrivet av enhetschefen ({field} {n + 1})")
            form.locator("textarea").press("Tab")
            before = save_and_wait(form, page, before)
    chosen = page.locator("form.bedomning")
    for n in range(chosen.count()):
        form = chosen.nth(n)
        form.locator("select").select_option(form.locator(".forslag strong").inner_text())
        before = save_and_wait(form, page, before)


def test_the_enhetschef_fills_and_klarmarkerar_the_report(
        live_server: LiveServer, page: Any, screenshots: Path, tmp_path: Path) -> None:
    log_in(page, live_server, ENHETSCHEF)
    url = report_url(page, live_server)
    record_nyckeltal(page, url, live_server)
    page.goto(url)
    missing = gaps(page)
    assert any("Analys saknas" in g for g in missing)
    assert any("Bedömning saknas" in g for g in missing)
    page.screenshot(path=str(screenshots / "enhetschef-01-checklista.png"), full_page=True)
    assert wcag_violations(page) == []

    # The Drift table from the economy export: the page comes back with the rows counted.
    importer = page.locator("#ekonomi")
    importer.get_by_label("Tabell").select_option("drift")
    importer.get_by_label("Fil från ekonomisystemet").set_input_files(str(drift_xlsx(tmp_path)))
    importer.get_by_role("button", name="Importera").click()
    page.wait_for_url("**importerat=5**")
    assert "Importerat: 5 rader (Drift)" in page.locator("#ekonomi").inner_text()
    assert gaps(page) == missing  # a table is no written analysis

    enter_utfall(page, screenshots)
    write_everything(page)
    checklist = page.locator("#checklista")
    assert gaps(page) == []
    assert "Alla punkter är ifyllda." in checklist.inner_text()
    page.screenshot(path=str(screenshots / "enhetschef-03-ifylld.png"), full_page=True)
    assert wcag_violations(page) == []

    page.reload()  # what was saved is what the page shows
    goal = page.locator(f"#punkt-{GOAL}")
    row = goal.locator("form.utfall").nth(1)
    assert [split(row, s).input_value() for s in ("totalt", "kvinnor", "man")] == [
        "91,5", "93", ""]
    first = goal.locator("form.utfall").first
    assert [split(first, s).input_value() for s in ("totalt", "kvinnor", "man")] == [
        "84", "", "80"]
    checklist.get_by_role("button", name="Klarmarkera").click()
    page.wait_for_url(url)
    assert page.locator("#rapportstatus").inner_text() == "Klarmarkerad"
    assert page.locator("form.utfall").count() == 0  # klarmarkerad: read only
    assert "91,5" in goal.inner_text()
    page.screenshot(path=str(screenshots / "enhetschef-04-klarmarkerad.png"), full_page=True)
    assert wcag_violations(page) == []
