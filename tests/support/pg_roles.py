"""deploy/roles.sql applied for one test: an owner and an application role of their own
(unique names, a schema of their own), dropped afterwards."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from infrastructure.eventstore.environment import CREATE_TABLE, postgres_env
from tests.support.stores import POSTGRES_DSN, REQUIRE_POSTGRES, skip_or_fail

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "roles.sql"
# Trust authentication here: the passwords only have to be non-default ones.
PASSWORD = "not-a-default-password"


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str
    schema: str

    def dsn(self, role: str) -> str:
        return POSTGRES_DSN.replace("postgres@", f"{role}:{PASSWORD}@", 1)

    def env(self, role: str, *, create_tables: bool) -> dict[str, str]:
        return {"PERSISTENCE_MODULE": "eventsourcing.postgres", **postgres_env(self.dsn(role)),
                "POSTGRES_SCHEMA": self.schema, CREATE_TABLE: "y" if create_tables else "n"}

    def connect(self, role: str) -> psycopg.Connection:
        conn = psycopg.connect(self.dsn(role), autocommit=True)
        conn.execute(f'SET search_path TO "{self.schema}"')
        return conn


@contextlib.contextmanager
def deployment_roles() -> Iterator[Roles]:
    psql = shutil.which("psql")
    if psql is None:
        skip_or_fail("psql (postgresql-client) is not installed", REQUIRE_POSTGRES)
    suffix = uuid.uuid4().hex[:10]
    roles = Roles(f"arsplan_owner_{suffix}", f"arsplan_app_{suffix}", f"lp_{suffix}")
    variables = {"db": "test", "schema": roles.schema, "owner_role": roles.owner,
                 "owner_password": PASSWORD, "app_role": roles.app, "app_password": PASSWORD}
    args = [psql, POSTGRES_DSN, "-q", "-f", str(ROLES_SQL)]
    for name, value in variables.items():
        args += ["-v", f"{name}={value}"]
    subprocess.run(args, check=True, capture_output=True, text=True)
    try:
        yield roles
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{roles.schema}" CASCADE')
            for role in (roles.app, roles.owner):
                conn.execute(f'DROP OWNED BY "{role}" CASCADE')
                conn.execute(f'DROP ROLE "{role}"')
