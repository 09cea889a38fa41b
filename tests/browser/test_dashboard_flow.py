"""The dashboard in a real browser: klarmarkera, attestera, and the cycle board follows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer

ENHETSCHEF = "Cecilia Demoqvist"  # enhetschef, Bjärkegården
AVDELNINGSCHEF = "Lena Testlund"  # avdelningschef, Äldreboende
ENHET = "Bjärkegården"

pytestmark = pytest.mark.slow


@pytest.fixture
def shot(page: Any, screenshots: Path) -> Callable[[str], None]:
    def take(name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    return take


def log_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {name}").click()
    page.wait_for_url("**/att-gora")
    assert page.get_by_role("heading", level=1).inner_text() == f"Att göra för {name}"


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in")


def task_row(page: Any, unit_name: str) -> Any:
    return page.locator("tr").filter(
        has=page.get_by_role("link", name=unit_name, exact=True))


def board_status(page: Any, server: LiveServer, unit_name: str) -> str:
    page.get_by_role("link", name="Cykler", exact=True).click()
    page.get_by_role("link", name=server.demo.cycle_title).click()
    page.wait_for_url(f"**/cykler/{server.demo.cycle_id}")
    status: str = task_row(page, unit_name).locator(".status").inner_text()
    return status


def test_klarmarkering_and_attest_in_the_browser_update_the_cycle_board(
        live_server: LiveServer, page: Any, shot: Callable[[str], None]) -> None:
    # The enhetschef sees her report on the board as not started, then klarmarkerar it.
    log_in(page, live_server, ENHETSCHEF)
    shot("01-att-gora-enhetschef")
    assert board_status(page, live_server, ENHET) == "Ej påbörjad"
    page.get_by_role("link", name="Att göra", exact=True).click()
    task_row(page, ENHET).get_by_role("button", name="Klarmarkera").click()
    page.wait_for_url("**/att-gora")
    assert task_row(page, ENHET).count() == 0
    shot("02-klarmarkerad")
    log_out(page)

    # The avdelningschef now has Attestera for that enhet, and godkänner.
    log_in(page, live_server, AVDELNINGSCHEF)
    attest = task_row(page, ENHET)
    assert attest.get_by_role("button", name="Attestera").count() == 1
    assert attest.get_by_role("button", name="Klarmarkera").count() == 0
    shot("03-att-gora-avdelningschef")
    attest.get_by_role("button", name="Attestera").click()
    page.wait_for_url("**/att-gora")
    assert task_row(page, ENHET).count() == 0

    # The cycle board shows the report godkänd.
    assert board_status(page, live_server, ENHET) == "Godkänd"
    assert "Godkänd: 1" in page.locator("main").inner_text()
    shot("04-cykeltavla")

    # The report's page shows it godkänd, with both steps in its history.
    page.get_by_role("link", name=ENHET, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == f"{ENHET} Godkänd"
    history = page.locator("table").last.inner_text()
    assert ENHETSCHEF in history and AVDELNINGSCHEF in history
    shot("05-rapport")


def test_a_refusal_is_shown_on_the_page_in_swedish(
        live_server: LiveServer, page: Any, shot: Callable[[str], None]) -> None:
    # The avdelningschef's Klarmarkera waits until her enheter are godkända, saying why.
    log_in(page, live_server, AVDELNINGSCHEF)
    row = task_row(page, "Äldreboende")
    assert row.get_by_role("button", name="Klarmarkera").is_disabled()
    assert "Kan inte klarmarkera innan alla underliggande enheter är godkända" in (
        row.inner_text())
    shot("06-vagrad-klarmarkering")
