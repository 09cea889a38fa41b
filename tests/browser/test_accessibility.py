"""WCAG 2.1 AA on every dashboard page: axe-core in Debian's chromium, `lang="sv"`, one
`<h1>`, a `<main>` landmark with a skip link to it, and a keyboard-only sign-in.

Public-sector services must meet WCAG 2.1 AA (lagen om tillgänglighet till digital offentlig
service). axe-core comes from the pinned PyPI package axe-playwright-python (its bundled
axe.min.js, MPL-2.0): nothing is fetched at run time except the local app's pages.
"""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from api.app import ROUTERS, create_app
from api.dashboard_base import MACHINE_PATHS
from tests.browser.conftest import LiveServer, serving
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.kommun_world import KLK_CONTROLLER, load_kommun, year_2022
from tests.support.stores import sqlite_env
from tests.unit.von_meetings import schedule

pytestmark = pytest.mark.slow

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ENHETSCHEF = "Cecilia Demoqvist"  # has Klarmarkera
AVDELNINGSCHEF = "Lena Testlund"  # has Attestera and Återsänd
FORVALTNINGSCHEF = "Birgitta Exempelsson"  # reads every page, the underlag too
ENHET = "Bjärkegården"
# The pages every dashboard has: a route list that lost one is a broken list, not a pass.
KNOWN_PAGES = {"/logga-in", "/att-gora", "/cykler", "/cykler/{cycle_id}",
               "/rapporter/{report_id}", "/revision", "/delegationer",
               "/cykler/{cycle_id}/underlag"}


def _returns_html(endpoint: Any) -> bool:
    try:
        returned = typing.get_type_hints(endpoint).get("return")
    except Exception:  # an annotation that does not resolve here: read it as written
        returned = getattr(endpoint, "__annotations__", {}).get("return")
    return returned is HTMLResponse or returned == "HTMLResponse"


def dashboard_pages() -> list[str]:
    """Every GET route answering with an HTML page, from the app's own routers, so a new
    page is checked without being listed here; programs' paths (API, feed, calendar) are
    not pages."""
    return sorted({route.path for router in ROUTERS for route in router.routes
                   if isinstance(route, APIRoute) and "GET" in (route.methods or ())
                   and not route.path.startswith(MACHINE_PATHS)
                   and _returns_html(route.endpoint)})


@pytest.fixture(scope="module")
def axe_script() -> str:
    axe = pytest.importorskip(
        "axe_playwright_python",
        reason="axe-playwright-python is not installed (pip install -e .[dev])")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def log_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/logga-in")
    page.get_by_role("button", name=f"Logga in som {name}").click()
    page.wait_for_url("**/att-gora")


def check_page(page: Any, axe_script: str, screenshots: Path, name: str) -> list[str]:
    """The page's WCAG failures as readable lines (empty when it passes); a screenshot
    goes to pytest's temporary folder."""
    page.screenshot(path=str(screenshots / f"a11y-{name}.png"), full_page=True)
    failures = []
    if page.locator("html").get_attribute("lang") != "sv":
        failures.append(f"{name}: <html> has no lang=\"sv\"")
    if (h1 := page.locator("h1").count()) != 1:
        failures.append(f"{name}: {h1} <h1> (one wanted)")
    if page.locator("main#innehall").count() != 1:
        failures.append(f"{name}: no <main id=\"innehall\"> landmark")
    if page.locator("a.skip[href='#innehall']").count() != 1:
        failures.append(f"{name}: no skip link to the content")
    page.evaluate(axe_script)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", AXE_TAGS)
    for v in result["violations"]:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"])
        failures.append(f"{name}: {v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return failures


def test_the_route_list_finds_every_dashboard_page() -> None:
    pages = dashboard_pages()
    assert set(pages) >= KNOWN_PAGES, KNOWN_PAGES - set(pages)
    assert not [p for p in pages if p.startswith(MACHINE_PATHS)]


def test_every_dashboard_page_meets_wcag_21_aa(live_server: LiveServer, page: Any,
                                               axe_script: str, screenshots: Path) -> None:
    url = live_server.url
    failures: list[str] = []

    # Signed out: the demo login page, and the token form with a refusal after a bad token.
    page.goto(f"{url}/logga-in")
    failures += check_page(page, axe_script, screenshots, "utloggad-logga-in")
    page.locator("input[name=token]").first.evaluate("e => { e.value = 'okänd' }")
    page.get_by_role("button", name="Logga in som").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").count() == 1
    failures += check_page(page, axe_script, screenshots, "utloggad-logga-in-fel")

    # Att göra with tasks in both shapes: Klarmarkera, and Attestera with Återsänd's reason.
    log_in(page, live_server, ENHETSCHEF)
    failures += check_page(page, axe_script, screenshots, "att-gora-enhetschef")
    page.locator("tr").filter(has=page.get_by_role("link", name=ENHET, exact=True)) \
        .get_by_role("button", name="Klarmarkera").click()
    page.wait_for_url("**/att-gora")
    # A page the enhetschef may not read is shown as the error page.
    page.goto(f"{url}/cykler/{live_server.demo.cycle_id}/underlag")
    assert page.get_by_role("alert").count() == 1
    failures += check_page(page, axe_script, screenshots, "fel")
    log_in(page, live_server, AVDELNINGSCHEF)
    assert page.get_by_role("button", name="Återsänd").count() == 1
    failures += check_page(page, axe_script, screenshots, "att-gora-avdelningschef")

    # Every page from the route list, as the person who reads them all.
    log_in(page, live_server, FORVALTNINGSCHEF)
    page.goto(f"{url}/cykler/{live_server.demo.cycle_id}")
    report = page.get_by_role("link", name=ENHET, exact=True).get_attribute("href")
    # The demo has no sammanträde: the secretary plans one for the meeting page.
    meeting = schedule(live_server.app, live_server.app.today() + timedelta(days=14))
    values = {"cycle_id": str(live_server.demo.cycle_id),
              "report_id": report.removeprefix("/rapporter/"), "meeting_id": str(meeting),
              "aggregate_id": str(live_server.demo.cycle_id)}
    now = live_server.app.clock().isoformat()
    checked = []
    for path in dashboard_pages():
        try:
            target = path.format(**values)
        except KeyError as missing:
            pytest.fail(f"{path}: give its parameter {missing} a value from the demo world")
        response = page.goto(f"{url}{target}")
        assert response is not None and response.status == 200, (path, response)
        name = path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "start"
        failures += check_page(page, axe_script, screenshots, name)
        checked.append(path)
        # The "as of" view of a page adds its own controls (the Nu link).
        if page.locator("input[name=as_of]").count():
            response = page.goto(f"{url}{target}?as_of={quote(now)}")
            assert response is not None and response.status == 200, (path, now, response)
            failures += check_page(page, axe_script, screenshots, f"{name}-as-of")
    assert set(checked) >= KNOWN_PAGES
    assert not failures, "WCAG 2.1 AA:\n" + "\n".join(failures)


def test_keyboard_alone_signs_in(live_server: LiveServer, page: Any) -> None:
    """Tab first reaches the skip link, then the sign-in buttons in order; Enter signs in."""
    page.goto(f"{live_server.url}/logga-in")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Till innehållet"
    page.keyboard.press("Enter")
    assert page.url.endswith("#innehall")
    names = []
    for _ in range(3):
        page.keyboard.press("Tab")
        names.append(page.evaluate("() => document.activeElement.textContent.trim()"))
    buttons = page.get_by_role("button").all_inner_texts()
    assert names == buttons[:3] and names[0].startswith("Logga in som ")
    # The focus is visible: the outline of :focus-visible, not the browser's faint default.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    person = names[2].removeprefix("Logga in som ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/att-gora")
    assert page.get_by_role("heading", level=1).inner_text() == f"Att göra för {person}"


def test_the_kommun_page_as_klk_meets_wcag_21_aa(tmp_path: Path, page: Any, axe_script: str,
                                                 screenshots: Path) -> None:
    """Kommunledningskontoret's view with two nämnder, every status and the step form
    (the route list above checks it as VON's förvaltningschef sees it)."""
    clock = ManualClock(datetime(2022, 1, 10, 8, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_kommun(app)
    year_2022(app, clock)
    api = create_app(app, app.bus, {"t-klk": KLK_CONTROLLER})
    page.context.set_extra_http_headers({"Authorization": "Bearer t-klk"})
    with serving(api, "browser-test-kommun") as url:
        page.goto(f"{url}/kommun?year=2022")
        assert page.get_by_role("button", name="Registrera").count() == 1
        failures = check_page(page, axe_script, screenshots, "kommun-klk")
        page.get_by_label("Datum då steget blev klart (ÅÅÅÅ-MM-DD)").fill("28/9")
        page.get_by_role("button", name="Registrera").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").count() == 1
        failures += check_page(page, axe_script, screenshots, "kommun-klk-fel")
    app.close()
    assert not failures, "WCAG 2.1 AA:\n" + "\n".join(failures)
