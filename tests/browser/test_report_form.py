"""The report form in a real browser: htmx (served from /static under the
Content-Security-Policy) saves each field as it changes, the version moves on, and a
bedömning other than the suggestion waits for its motivering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.slow
ENHETSCHEF = "Cecilia Demoqvist"


def test_an_enhetschef_fills_in_the_report(live_server: LiveServer, page: Any,
                                           screenshots: Path, tmp_path: Path) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{live_server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {ENHETSCHEF}").click()
    page.wait_for_url("**/att-gora")
    page.locator('td a[href^="/rapporter/"]').first.click()
    page.wait_for_url("**/rapporter/**")
    first_version = int(page.locator(".report-version-label").inner_text())

    goal = page.locator("section.punkt").filter(has=page.locator("form.bedomning")).first
    analys = goal.locator("form.falt").filter(
        has=page.locator('input[name="field"][value="analys"]'))
    analys.locator("textarea").fill("Färre fallolyckor än i fjol")
    analys.locator("textarea").press("Tab")  # change: htmx posts the field
    saved = goal.locator(".sparat").first
    saved.get_by_text("Sparat").wait_for()
    assert int(page.locator(".report-version-label").inner_text()) == first_version + 1

    bedomning = goal.locator("form.bedomning")
    suggestion = bedomning.locator(".forslag strong").inner_text()
    other = next(o for o in bedomning.locator("option").all_inner_texts()
                 if o not in (suggestion, "– välj –"))
    bedomning.locator("select").select_option(other)
    status = goal.locator(".sparat").last
    status.get_by_text("kräver en motivering").wait_for()
    bedomning.locator("textarea").fill("Bemanningen räckte inte under sommaren")
    bedomning.locator("textarea").press("Tab")
    status.get_by_text("Sparat").wait_for()
    assert int(page.locator(".report-version-label").inner_text()) == first_version + 2
    page.screenshot(path=str(tmp_path / "rapportformular.png"), full_page=True)
    page.screenshot(path=str(screenshots / "rapportformular.png"), full_page=True)

    page.reload()
    assert goal.locator("textarea").first.input_value() == "Färre fallolyckor än i fjol"
    assert bedomning.locator("select").input_value() == other
    assert [m for m in console if "Content Security Policy" in m] == []
    assert wcag_violations(page) == []


def wcag_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the form as the chef sees it."""
    axe = pytest.importorskip("axe_playwright_python",
                              reason="axe-playwright-python is not installed")
    page.evaluate((Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    return [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]]
