"""The role walks' server: the VON demo with a seal key on a manual clock
(tests/support/sealed_world.py) behind uvicorn, and a walk that photographs and checks
every page it stops at with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serving
from tests.browser.test_accessibility import AXE_TAGS, check_page
from tests.support.sealed_world import SealedWorld, sealed_world


@dataclass
class RoleServer:
    url: str
    world: SealedWorld


@contextmanager
def role_server(folder: Path) -> Iterator[RoleServer]:
    with sealed_world(folder) as world, serving(world.api, "role-walk-api") as url:
        yield RoleServer(url, world)


def axe_source() -> str:
    axe = pytest.importorskip(
        "axe_playwright_python",
        reason="axe-playwright-python is not installed (pip install -e .[dev])")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class Walk:
    """One role's walk through the dashboard: every page it stops at is photographed and
    checked (axe-core, lang, one h1, the landmark); failures are asserted at the end."""

    def __init__(self, page: Any, server: RoleServer, screenshots: Path, role: str) -> None:
        self.page, self.server, self.screenshots, self.role = page, server, screenshots, role
        self.axe = axe_source()
        self.failures: list[str] = []
        self.steps = 0

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.server.url}{path}")
        assert response is not None and response.status == 200, (path, response)

    def sign_in(self, name: str) -> None:
        self.page.goto(f"{self.server.url}/logga-in")
        self.page.get_by_role("button", name=f"Logga in som {name}", exact=True).click()
        self.page.wait_for_url("**/att-gora")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Logga ut").click()
        self.page.wait_for_url("**/logga-in")

    def check(self, name: str) -> None:
        """The dashboard page as it is now."""
        self.steps += 1
        self.failures += check_page(self.page, self.axe, self.screenshots,
                                    f"{self.role}-{self.steps:02d}-{name}")

    def check_document(self, name: str) -> None:
        """A page that is not the dashboard's (a printable list): axe-core alone."""
        self.steps += 1
        label = f"{self.role}-{self.steps:02d}-{name}"
        self.page.screenshot(path=str(self.screenshots / f"a11y-{label}.png"), full_page=True)
        self.page.evaluate(self.axe)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})", AXE_TAGS)
        for v in result["violations"]:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"])
            self.failures.append(f"{label}: {v['id']} ({v['impact']}): {v['help']} -> {targets}")

    def assert_accessible(self) -> None:
        assert not self.failures, "WCAG 2.1 AA:\n" + "\n".join(self.failures)
