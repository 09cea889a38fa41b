"""`ARSPLAN_ENV=production arsplan api`: without its secrets it exits naming each one; with
them (the application's own PostgreSQL role, deploy/roles.sql) it serves, and neither the
dev tokens nor the dev login page exist."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from eventsourcing.cipher import AESCipher

from api.sessions import LOGIN_NONCE_COOKIE
from audit.seals import SealKey
from bootstrap.migrate import migrate
from tests.support.dashboard import csrf_of
from tests.support.pg_roles import Roles, deployment_roles
from tests.support.stores import POSTGRES_DSN, skip_without_postgres

REPO = Path(__file__).resolve().parents[2]
TOKEN = "prod-token-7c1e4b0a9d"


def _env(**settings: str) -> dict[str, str]:
    """The process environment without the developer's ARSPLAN_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARSPLAN_", "POSTGRES_"))}
    return {**env, "ARSPLAN_ENV": "production", **settings}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from cli.main import app; app()", *args],
                          env={**env, "PYTHONPATH": str(REPO)}, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_without_secrets_it_names_each_missing_one(tmp_path: Path) -> None:
    done = _run(["api", "--port", "1"], _env(), tmp_path)
    assert done.returncode == 1
    for missing in ("ARSPLAN_API_TOKENS_FILE", "ARSPLAN_FEED_PSEUDONYM_SECRET",
                    "ARSPLAN_ENCRYPTION_KEY", "ARSPLAN_SEAL_KEY_FILE", "ARSPLAN_EVENT_STORE"):
        assert missing in done.stderr, missing
    assert not list(tmp_path.iterdir()), "nothing created before refusing"


def test_the_superuser_and_a_default_password_are_refused(tmp_path: Path) -> None:
    dsn = POSTGRES_DSN.replace("postgres@", "postgres:arsplan@", 1)
    done = _run(["worker"], _env(ARSPLAN_EVENT_STORE="postgres", ARSPLAN_POSTGRES_DSN=dsn),
                tmp_path)
    assert done.returncode == 1
    assert "not the superuser postgres" in done.stderr
    assert "not a default one" in done.stderr
    assert "ARSPLAN_API_TOKENS_FILE" not in done.stderr  # the worker signs nobody in


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def production(tmp_path: Path) -> Iterator[tuple[dict[str, str], Roles]]:
    skip_without_postgres()
    with deployment_roles() as roles:
        migrate(roles.env(roles.owner, create_tables=True), roles.app)
        (tmp_path / "tokens.json").write_text(json.dumps({TOKEN: "p-5abbb7"}))
        SealKey.create(tmp_path / "seal-key.pem")
        yield _env(ARSPLAN_EVENT_STORE="postgres", ARSPLAN_POSTGRES_DSN=roles.dsn(roles.app),
                   ARSPLAN_POSTGRES_SCHEMA=roles.schema, ARSPLAN_CREATE_TABLES="false",
                   ARSPLAN_API_TOKENS_FILE=str(tmp_path / "tokens.json"),
                   ARSPLAN_SEAL_KEY_FILE=str(tmp_path / "seal-key.pem"),
                   ARSPLAN_ENCRYPTION_KEY=AESCipher.create_key(16),
                   ARSPLAN_FEED_PSEUDONYM_SECRET="a-secret-of-the-deployment",
                   ARSPLAN_DATA_DIR=str(REPO / "data")), roles


def test_with_its_secrets_it_serves_and_refuses_the_dev_tokens(
        production: tuple[dict[str, str], Roles], tmp_path: Path) -> None:
    env, _ = production
    imported = _run(["import"], env, tmp_path)
    assert imported.returncode == 0, imported.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import app; app()", "api", "--port", str(port)],
        env={**env, "PYTHONPATH": str(REPO)}, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, server)
        me = httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {TOKEN}"})
        assert me.status_code == 200 and me.json()["person_id"] == "p-5abbb7"
        dev = httpx.get(f"{base}/api/me", headers={"Authorization": "Bearer dev-sara-demodal"})
        assert dev.status_code == 401
        login = httpx.get(f"{base}/logga-in")
        assert "dev-sara-demodal" not in login.text
        assert "Secure" in login.headers["set-cookie"]  # the login form's nonce cookie
        # Sent back by hand: over plain HTTP no client returns a Secure cookie.
        nonce = csrf_of(login.text)
        signed_in = httpx.post(f"{base}/logga-in", data={"token": TOKEN, "csrf_token": nonce},
                               headers={"Cookie": f"{LOGIN_NONCE_COOKIE}={nonce}"})
        assert signed_in.status_code == 303 and "Secure" in signed_in.headers["set-cookie"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(base: str, server: subprocess.Popen[str]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail(f"arsplan api exited: {server.stderr.read() if server.stderr else ''}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("arsplan api did not answer /health")
