"""The revisor's walk in a real browser: the chain's status and the seals printed in a
justerat protokoll, "Kontrollera sigill" checked on the server and told in Swedish, one
event's history with its chain links, and the revision page as it looked before the seal.
axe-core on every stop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from audit.seals import published_heads
from domain.calendar import in_stockholm
from tests.browser.role_server import RoleServer, Walk, role_server
from tests.support.read_world import NAMES, OPENED, READERS
from tests.support.sealed_world import justerat_meeting

pytestmark = pytest.mark.slow

REVISOR = NAMES[READERS["revisor"]]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RoleServer]:
    with role_server(tmp_path) as built:
        justerat_meeting(built.world)
        yield built


def test_the_revisor_checks_a_seal_and_follows_the_chain(
        server: RoleServer, page: Any, screenshots: Path) -> None:
    walk = Walk(page, server, screenshots, "revisor")
    (seal,) = published_heads(server.world.app)
    walk.sign_in(REVISOR)
    page.get_by_role("link", name="Revision", exact=True).click()
    page.wait_for_url("**/revision")
    assert "Händelsekedjan är obruten" in page.locator("main").inner_text()
    walk.check("revision")

    page.get_by_role("button", name=f"Kontrollera sigill över {seal.tree_size} händelser").click()
    page.wait_for_url(f"**/revision?sigill={seal.tree_size}#sigillkontroll")
    result = page.locator("#sigillkontroll")
    assert ("Sigillet håller: signaturen är giltig och loggen stämmer med det."
            in result.get_by_role("status").inner_text())
    assert result.locator("li").all_inner_texts() and all(
        text.startswith("Godkänt:") for text in result.locator("li").all_inner_texts())
    walk.check("sigill-kontrollerat")

    # One event's history: every link holds, the previous hash leads to the event before.
    page.locator("main table").last.locator("tbody a, tr a").first.click()
    page.wait_for_url("**/revision/historik/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Historik för ")
    links = page.locator("table.kedja tr td:last-child").all_inner_texts()
    assert links and set(links) == {"Håller"}
    walk.check("historik")

    # As it looked before the sammanträde: the events of then, no seal yet.
    walk.go("/revision")
    before = in_stockholm(OPENED + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    page.get_by_label("Visa som det såg ut").fill(before)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url("**/revision?as_of=*")
    assert "Inga sigill är publicerade ännu" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Kontrollera sigill").count() == 0
    walk.check("som-det-sag-ut")
    walk.assert_accessible()
