"""`arsplan migrate`: the owner's role creates every table the engine uses (events,
snapshots, read models, sidecar tables), makes the event tables append-only and grants
the application's role what it needs, so the running services can use a role that may
create, alter, update or delete nothing in the record (deploy/roles.sql)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import make_conninfo

from infrastructure.eventstore import ArsplanStore
from infrastructure.eventstore.environment import CREATE_TABLE
from infrastructure.eventstore.pg_privileges import grant_application_role, protect_append_only
from infrastructure.eventstore.positions import PositionStore
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.notifier import Outbox
from infrastructure.person_directory import migrate_profiles
from infrastructure.sessions import SessionStore
from projections.as_of_checkpoints import checkpoints_for
from projections.read_models import ReadModels


@dataclass(frozen=True)
class Migration:
    append_only: list[str]  # tables whose rows can never change (PostgreSQL only)
    granted_to: str | None


def migrate(env: Mapping[str, str], app_role: str | None = None) -> Migration:
    """Creates what is missing (idempotent); on PostgreSQL also protects the event tables
    and, given ``app_role``, grants it the application's privileges."""
    env = {**env, CREATE_TABLE: "y"}
    store = ArsplanStore(env=env)
    try:
        ReadModels(env).close()
        checkpoints_for(store)
        migrate_profiles(store)  # person_profiles, and names old events recorded
        Outbox(sidecar_for(env, "outbox"))
        PositionStore(sidecar_for(env, "follower"))
        SessionStore(sidecar_for(env, "sessions"))
        if not env.get("PERSISTENCE_MODULE", "").endswith("postgres"):
            return Migration([], None)
        append_only = _event_tables(store)
        schema = env.get("POSTGRES_SCHEMA") or "public"
        with psycopg.connect(_conninfo(env), autocommit=True) as conn:
            protect_append_only(conn, schema, append_only)
            if app_role:
                grant_application_role(conn, schema, app_role, append_only)
        return Migration(append_only, app_role)
    finally:
        store.close()


def _event_tables(store: ArsplanStore) -> list[str]:
    tables = [store.recorder.events_table_name]  # type: ignore[attr-defined]
    if store.snapshots is not None:
        tables.append(store.snapshots.recorder.events_table_name)  # type: ignore[attr-defined]
    return tables


def _conninfo(env: Mapping[str, str]) -> str:
    return make_conninfo(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
                         dbname=env["POSTGRES_DBNAME"], user=env["POSTGRES_USER"],
                         password=env.get("POSTGRES_PASSWORD") or None)
