"""A real API server with the VON demo data, and Debian's chromium driven by Playwright.

Never a downloaded browser: without /usr/bin/chromium (``make browser`` installs it
where apt-get can) these tests skip and say why.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.auth import dev_tokens
from cli.demo import NAMND_CODE, DemoData, load_demo_data
from infrastructure.person_directory import person_names
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--lang=sv-SE"]
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "von"


@dataclass
class LiveServer:
    url: str
    app: TestEngine
    demo: DemoData


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(api: Any, name: str) -> Iterator[str]:
    """``api`` served by uvicorn on a free local port in a thread; yields its URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"))
    demo = load_demo_data(app, DATA)
    tokens = dev_tokens(app.organisation(NAMND_CODE), person_names(app.store, NAMND_CODE))
    api = create_app(app, app.bus, tokens, namnd_code=NAMND_CODE)
    with serving(api, "browser-test-api") as url:
        yield LiveServer(url, app, demo)
    app.close()


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The screenshots' folder: pytest's temporary one (the last runs' are kept), never the
    working tree."""
    return tmp_path_factory.mktemp("screenshots", numbered=False)
