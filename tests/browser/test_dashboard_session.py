"""Sessions in a real browser: the stylesheet loads under the Content-Security-Policy, the
forms carry their CSRF token, and after Logga ut the pages ask for a login again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.slow
ENHETSCHEF = "Cecilia Demoqvist"


def test_a_session_from_login_to_logout(live_server: LiveServer, page: Any) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {ENHETSCHEF}").click()
    page.wait_for_url("**/att-gora")
    header = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(20, 57, 91)"  # /static/arsplan.css applied

    page.get_by_role("button", name="Klarmarkera").first.click()
    page.wait_for_url("**/att-gora")
    assert page.get_by_role("alert").count() == 0

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in")
    page.goto(f"{live_server.url}/att-gora")
    assert page.url.endswith("/logga-in")
    assert refused == []
