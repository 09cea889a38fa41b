"""Least privilege on the real PostgreSQL: deploy/roles.sql's roles, `arsplan migrate` as
the owner, the engine as the application's role, which records commands and keeps the read
models but can neither rewrite nor delete a stored event, nor change the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from bootstrap.migrate import migrate
from infrastructure.eventstore import ArsplanStore
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.importer import import_organisation
from infrastructure.sessions import SessionStore
from projections.as_of_checkpoints import checkpoints_for
from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from projections.runner import catch_up_all
from projections.time_travel import as_of_view
from tests.support.pg_roles import Roles, deployment_roles
from tests.support.stores import skip_without_postgres

ORGANISATION = Path(__file__).resolve().parents[2] / "data" / "von" / "organisation.yaml"
EVENTS = "arsplan_events"


@pytest.fixture(scope="module")
def roles() -> Iterator[Roles]:
    skip_without_postgres()
    with deployment_roles() as roles:
        done = migrate(roles.env(roles.owner, create_tables=True), roles.app)
        assert EVENTS in done.append_only
        store = ArsplanStore(env=roles.env(roles.app, create_tables=False))
        try:
            assert import_organisation(store, ORGANISATION).version > 1
            models = ReadModels(roles.env(roles.app, create_tables=False))
            assert catch_up_all(store, models) > 0
            models.close()
        finally:
            store.close()
        yield roles


def _refused(conn: psycopg.Connection, statement: str) -> str:
    with pytest.raises(errors.InsufficientPrivilege) as refused:
        conn.execute(statement)
    return str(refused.value)


def test_the_application_role_records_commands_and_keeps_read_models(roles: Roles) -> None:
    with roles.connect(roles.app) as conn:
        last = conn.execute(f"SELECT max(notification_id) FROM {EVENTS}").fetchone()
        tracked = conn.execute("SELECT max(notification_id) FROM reporting_tracking "
                               "WHERE application_name != '__migration__'").fetchone()
    assert last and last[0] > 1
    assert tracked == last


@pytest.mark.parametrize("statement", [
    f"UPDATE {EVENTS} SET topic = topic",
    f"DELETE FROM {EVENTS}",
    f"TRUNCATE {EVENTS}",
])
def test_the_application_role_cannot_rewrite_or_delete_an_event(
        roles: Roles, statement: str) -> None:
    with roles.connect(roles.app) as conn:
        _refused(conn, statement)
        after = conn.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()
    assert after and after[0] > 0


def test_not_even_the_owner_rewrites_an_event(roles: Roles) -> None:
    with roles.connect(roles.owner) as conn:
        assert "append-only" in _refused(conn, f"UPDATE {EVENTS} SET topic = topic")
        assert "append-only" in _refused(conn, f"DELETE FROM {EVENTS}")


@pytest.mark.parametrize("statement", [
    "CREATE TABLE smuggled (x int)",
    f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL",
    f"DROP TRIGGER {EVENTS}_append_only_rows ON {EVENTS}",
    f"DROP TABLE {EVENTS}",
])
def test_the_application_role_cannot_change_the_schema(roles: Roles, statement: str) -> None:
    with roles.connect(roles.app) as conn:
        _refused(conn, statement)


def test_migrate_runs_again_without_harm(roles: Roles) -> None:
    again = migrate(roles.env(roles.owner, create_tables=True), roles.app)
    assert again.append_only == [EVENTS, "arsplan_snapshots"]


def test_the_application_role_keeps_dashboard_sessions(roles: Roles) -> None:
    sessions = SessionStore(sidecar_for(roles.env(roles.app, create_tables=False), "sessions"))
    session_id, _ = sessions.create("p-anna")
    assert sessions.get(session_id) is not None
    sessions.revoke(session_id)
    assert sessions.get(session_id) is None


def test_the_application_role_keeps_as_of_checkpoints(roles: Roles) -> None:
    store = ArsplanStore(env=roles.env(roles.app, create_tables=False))
    try:
        last = store.recorder.select_notifications(store.recorder.max_notification_id(), 1)
        instant = store.mapper.to_domain_event(last[0]).timestamp  # type: ignore[attr-defined]
        as_of_view(store, ReportingProjection, instant, checkpoint_every=1)
        assert checkpoints_for(store).latest(ReportingProjection.name, instant)
    finally:
        store.close()
