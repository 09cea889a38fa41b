"""`arsplan dev` as a person runs it: comes up with the demo data, stops cleanly on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.dashboard import sign_in_sync

REPO = Path(__file__).resolve().parents[2]
ARSPLAN = Path(sys.executable).parent / "arsplan"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found |= {child} | descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def main_job(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    api_port = free_port()
    env = {**os.environ, "ARSPLAN_API_PORT": str(api_port),
           "ARSPLAN_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
           "ARSPLAN_TEMPORAL_UI_PORT": str(free_port()),
           "ARSPLAN_VAR_DIR": str(tmp_path / "var"),
           "ARSPLAN_SQLITE_PATH": str(tmp_path / "var" / "arsplan.sqlite"),
           "ARSPLAN_TEMPORAL_DB": str(tmp_path / "var" / "temporal.sqlite"),
           "ARSPLAN_DROP_DIR": str(tmp_path / "var" / "drop"),
           "ARSPLAN_DATA_DIR": str(REPO / "data")}
    out = (tmp_path / "stdout.txt").open("wb")
    # A session of its own: a failed test kills the whole tree, Temporal's server included.
    process = subprocess.Popen([str(ARSPLAN), "dev"], cwd=tmp_path, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, f"http://127.0.0.1:{api_port}", tmp_path / "stdout.txt"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        out.close()


def wait_for_health(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the API never answered:\n{log.read_text()}")


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_dev_shows_the_demo_tasks_and_stops_cleanly(
        main_job: tuple[subprocess.Popen[bytes], str, Path], stop_signal: signal.Signals) -> None:
    process, base, log = main_job
    wait_for_health(base, process, log)
    assert "Dashboard" in log.read_text() and "dev-sara-demodal" in log.read_text()
    panel = " ".join(log.read_text().replace("│", " ").split())  # the panel's wrapped lines
    # Both nämnder, each with its process templates, on the "Data" line.
    assert "VON rapportmall fordjupad_manadsuppfoljning v1" in panel
    assert "SN organisation v" in panel and "SN rapportmall budget v1" in panel
    assert "KS organisation v" in panel

    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as browser:
        assert "Sara Demodal" in browser.get("/logga-in").text
        page = sign_in_sync(browser, "dev-sara-demodal").text
        assert "Att göra för Sara Demodal" in page
        assert "Schema och resursenheten" in page and "(demo, öppnad" in page
        own = browser.get("/delegationer").text  # an enhetschef sees only her own beslut
        assert "Personlig assistans 25 timmar" not in own
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as secretary:
        sign_in_sync(secretary, "dev-sofia-protokollsson")
        register = secretary.get("/delegationer").text
        assert "Personlig assistans 25 timmar" in register and "ska anmälas" in register
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as klk:
        # Kommunledningskontoret's controller follows every nämnd's underlag on /kommun.
        sign_in_sync(klk, "dev-lisa-ledningsdal")
        kommun = klk.get("/kommun")
        assert kommun.status_code == 200 and "Lisa Ledningsdal" in kommun.text
        assert 'href="/kommun"' in kommun.text and "Vård- och omsorgsnämnden" in kommun.text
    tasks = httpx.get(f"{base}/api/att-gora",
                      headers={"Authorization": "Bearer dev-lena-testlund"}).json()
    assert [t["unit_id"] for t in tasks] == ["avd-aldreboende"]

    children = descendants(process.pid)
    assert children, "the Temporal dev server runs as a child process"
    process.send_signal(stop_signal)
    assert process.wait(timeout=60) == 0, log.read_text()
    assert [pid for pid in children if alive(pid)] == []
    assert "Stoppat." in log.read_text()
