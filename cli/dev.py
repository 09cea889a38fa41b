"""The main job (`arsplan dev`): everything in one process tree, stopped by Ctrl-C.

Embedded Temporal dev server (subprocess) → SQLite event store → the demo data (VON's
and SN's) and VON's demo cycle → projection runner (thread) → worker and follower → API and
dashboard (uvicorn), all on one asyncio loop. SIGINT/SIGTERM set one stop event;
everything is shut down in reverse order and the Temporal server is terminated.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import uvicorn
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from api.app import create_app
from api.auth import AUDITOR_TOKEN, dev_tokens
from audit.seals import SealKey
from bootstrap import Engine, build_engine, connect
from cli.demo import NAMND_CODE, DemoData, load_demo_data
from domain.ids import organisation_id
from domain.kommun import KOMMUN_CODE
from infrastructure.logging import get_logger
from infrastructure.packaged_data import NAMNDER, kommun_dir, namnd_dir, require_files, von_dir
from infrastructure.person_directory import person_names
from infrastructure.settings import Settings
from infrastructure.tracing import instrument_api
from projections.read_models import ReadModels
from projections.runner import start_in_thread


@dataclass(frozen=True)
class Urls:
    dashboard: str
    api_docs: str
    temporal_ui: str | None


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the main job owns SIGINT/SIGTERM."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.listening.set()


def main_job(settings: Settings, console: Console) -> NoReturn:
    """Runs until SIGINT/SIGTERM, then leaves with 0.

    os._exit: temporalio's runtime threads can abort a normal interpreter exit
    (sdk-python issue 300) after everything already stopped cleanly.
    """
    run_dev(settings, console)
    console.print("Stoppat.")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_dev(settings: Settings, console: Console) -> None:
    from infrastructure.devserver import embedded_temporal

    data = von_dir(settings)
    require_files(data, "organisation.yaml")  # before anything is written
    # The other nämnder the data folder has (SN): their organisation, plan and templates.
    others = [namnd_dir(settings, code) for code in NAMNDER if code != NAMND_CODE]
    others = [f for f in others if (f / "organisation.yaml").is_file()]
    if settings.seal_key_file is None:  # the demo's own key; production names its file
        key_file = settings.var_dir / "seal-key.pem"
        SealKey.load_or_create(key_file)
        settings = settings.model_copy(update={"seal_key_file": key_file})
    engine = build_engine(settings)
    app = engine.store
    kommun = kommun_dir(settings)
    demo = load_demo_data(engine, data, others,
                          kommun if (kommun / "organisation.yaml").is_file() else None)
    # VON's people and KLK's (who follow every nämnd's underlag on /kommun).
    tokens = {**dev_tokens(app.organisation(NAMND_CODE), person_names(app, NAMND_CODE)),
              **(dev_tokens(app.organisation(KOMMUN_CODE), person_names(app, KOMMUN_CODE))
                 if app.exists(organisation_id(KOMMUN_CODE)) else {})}
    read_models = ReadModels.for_app(app)
    projections_stop = threading.Event()
    projections = start_in_thread(app, read_models, projections_stop)
    log = get_logger(cycle_id=str(demo.cycle_id))
    try:
        with embedded_temporal(settings) as temporal:
            base = f"http://{settings.api_host}:{settings.api_port}"
            urls = Urls(f"{base}/", f"{base}/docs", temporal.ui_url)
            asyncio.run(_serve(engine, demo, tokens, read_models, urls, console))
    finally:
        projections_stop.set()
        projections.join(timeout=10)
        read_models.close()
        app.close()
        log.info("dev_stopped")


async def _serve(engine: Engine, demo: DemoData, tokens: dict[str, str],
                 read_models: ReadModels, urls: Urls, console: Console) -> None:
    from worker import run_worker_and_follower

    settings = engine.settings
    stop = asyncio.Event()
    _on_stop_signals(stop.set)
    # The follower starts the demo cycle's workflow from its Opened event, as for any cycle.
    client = await connect(settings)
    api = create_app(engine.store, engine.bus, tokens, read_models=read_models,
                     runner_is_running=True, namnd_code=NAMND_CODE,
                     tree_heads=engine.tree_heads, session_hours=settings.session_hours)
    instrument_api(api, settings)
    server = _QuietServer(uvicorn.Config(api, host=settings.api_host, port=settings.api_port,
                                         log_level="warning", lifespan="off"))
    workers = asyncio.create_task(run_worker_and_follower(engine, client, stop))
    web = asyncio.create_task(server.serve())
    listening = asyncio.create_task(server.listening.wait())
    await asyncio.wait({web, listening}, return_when=asyncio.FIRST_COMPLETED)
    if server.started:
        console.print(_panel(demo, tokens, urls))
    done, _ = await asyncio.wait({web, workers, asyncio.create_task(stop.wait())},
                                 return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    server.should_exit = True
    await asyncio.gather(web, workers, return_exceptions=True)
    for task in done:
        if task in (web, workers) and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def _on_stop_signals(stop: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)


def _panel(demo: DemoData, tokens: dict[str, str], urls: Urls) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_row("Dashboard", urls.dashboard)
    table.add_row("API-dokumentation", urls.api_docs)
    table.add_row("Temporal UI", urls.temporal_ui or "(avstängt)")
    table.add_row("Democykel", f"{demo.cycle_title} ({demo.cycle_id})")
    table.add_row("Data", ", ".join(demo.loaded))
    table.add_row("", "")
    table.add_row("Dev-tokens", "Authorization: Bearer <token>")
    shown = [AUDITOR_TOKEN, "dev-sara-demodal", "dev-lena-testlund", "dev-cecilia-demoqvist",
             "dev-birgitta-exempelsson", "dev-johan-kalkylsson", "dev-lisa-ledningsdal"]
    for token in shown:
        if token in tokens:
            table.add_row("", f"{token}  →  {tokens[token]}")
    table.add_row("", f"… och {len(tokens) - len(shown)} till: se /logga-in")
    return Panel(table, title="Årsplan VON – dev", subtitle="Ctrl-C stoppar allt")
