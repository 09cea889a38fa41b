"""The controller's walk in a real browser: the cycle's tree and progress, a level's deadline
moved (the page and its burn-down show the new date), and the progress bars following an
enhetschef's klarmarkering live, without reloading the page. axe-core on every stop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain import commands as c
from domain.ids import unit_report_id
from tests.browser.role_server import RoleServer, Walk, role_server
from tests.support.read_world import CECILIAS_UNIT, NAMES, READERS

pytestmark = pytest.mark.slow

CONTROLLER = NAMES[READERS["controller"]]
CECILIA = READERS["enhetschef annan avdelning"]  # enhetschef, Bjärkegården


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RoleServer]:
    with role_server(tmp_path) as built:
        yield built


def enhet_klar(page: Any) -> Any:
    return page.locator('tr[data-niva="enhet"] progress').first


def test_the_controller_moves_a_deadline_and_watches_the_progress_live(
        server: RoleServer, page: Any, screenshots: Path) -> None:
    walk = Walk(page, server, screenshots, "controller")
    world = server.world
    walk.sign_in(CONTROLLER)
    walk.check("att-gora")
    page.get_by_role("link", name="Cykler", exact=True).click()
    page.get_by_role("link", name=world.demo.cycle_title).click()
    page.wait_for_url(f"**/cykler/{world.demo.cycle_id}")
    assert page.locator("#burndown-tabell").count() == 1
    assert page.locator("svg[role=img] path[data-series=klarmarkerade]").count() == 1
    walk.check("cykel")

    # The enheter's deadline moves a week: the deadlines table and the burn-down say so.
    new_day = (world.clock().date() + timedelta(days=30)).isoformat()
    row = page.locator("table.tidsgranser tr").filter(has_text="Enheter")
    row.get_by_label("Ny tidsgräns för enheter").fill(new_day)
    row.get_by_label("Motivering för enheter").fill("Semesterperioden")
    row.get_by_role("button", name="Flytta tidsgränsen för enheter").click()
    page.wait_for_url(f"**/cykler/{world.demo.cycle_id}")
    assert new_day in page.locator("table.tidsgranser").inner_text()
    burndown = page.locator("#burndown-tabell tr").filter(has_text="enheter")
    assert new_day in burndown.inner_text()
    walk.check("tidsgrans-flyttad")

    # Cecilia klarmarkerar Bjärkegården elsewhere: the open page follows by itself.
    page.evaluate("window.notReloaded = true")
    page.wait_for_selector("#cykel-live[data-live-state=ansluten]", state="attached")
    before = int(enhet_klar(page).get_attribute("value"))
    world.app.execute(c.Klarmarkera(report_id=unit_report_id(world.demo.cycle_id,
                                                             CECILIAS_UNIT)), CECILIA)
    page.wait_for_function(
        "n => document.querySelector('tr[data-niva=\"enhet\"] progress').value === n",
        arg=before + 1)
    assert page.evaluate("window.notReloaded") is True
    status = page.get_by_role("status").filter(has_text="Uppdaterat")
    assert f"klarmarkerade {before + 1} av" in status.inner_text()
    walk.check("uppdaterad-direkt")
    walk.assert_accessible()
