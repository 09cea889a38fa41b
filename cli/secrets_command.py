"""`arsplan secrets`: the files docker-compose.yml mounts as Docker secrets, generated once
(random passwords and keys; existing files are kept, so it is safe to run again)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

import typer
from eventsourcing.cipher import AESCipher
from rich.console import Console

from audit.seals import SealKey

OWNER, APP, TEMPORAL = "arsplan_owner", "arsplan_app", "temporal"


def _dsn(role: str, password_file: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        password = (folder / password_file).read_text(encoding="utf-8").strip()
        return f"postgresql://{role}:{password}@postgres:5432/arsplan"
    return make


def _random(_: Path) -> str:
    return secrets.token_urlsafe(32)


# Order matters: the DSNs are made from the passwords written before them.
SECRETS: dict[str, Callable[[Path], str]] = {
    "postgres_password": _random,
    "pg_owner_password": _random,
    "pg_app_password": _random,
    "temporal_db_password": _random,
    "owner_dsn": _dsn(OWNER, "pg_owner_password"),
    "app_dsn": _dsn(APP, "pg_app_password"),
    "encryption_key": lambda _: AESCipher.create_key(32),
    "pseudonym_secret": _random,
    "calendar_secret": _random,
    "api_tokens.json": lambda _: json.dumps({}) + "\n",
}


def secrets_command(
    folder: Path = typer.Option(Path("secrets"), "--dir",
                                help="Folder for the secret files (docker-compose.yml: ./secrets)"),
) -> None:
    """Generate the deployment's secrets: database passwords and DSNs, the payload key, the
    pseudonym and calendar secrets, the seal key and an empty tokens file."""
    # The folder keeps other users of the host out; the files themselves are bind-mounted
    # into containers running as other uids (postgres, arsplan), so they stay readable.
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    console = Console()
    for name, make in SECRETS.items():
        path = folder / name
        if path.exists():
            console.print(f"kept     {path}")
            continue
        path.touch(mode=0o644)
        path.write_text(make(folder), encoding="utf-8")
        console.print(f"created  {path}")
    seal = folder / "seal_key.pem"
    if seal.exists():
        console.print(f"kept     {seal}")
    else:
        SealKey.create(seal)
        seal.chmod(0o644)
        console.print(f"created  {seal}")
    console.print("api_tokens.json is empty: add token → person id pairs, or set "
                  "ARSPLAN_OIDC_JWKS_FILE, so people can sign in.")
