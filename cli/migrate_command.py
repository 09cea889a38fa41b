"""`arsplan migrate`: run once per release by the owner's database role."""

from __future__ import annotations

import typer
from rich.console import Console

from bootstrap.migrate import migrate
from infrastructure.settings import get_settings


def migrate_command(
    app_role: str = typer.Option(
        None, help="PostgreSQL role the services run as: granted SELECT/INSERT on the "
                   "append-only event tables and DML on the read models (deploy/roles.sql)"),
) -> None:
    """Create every table (idempotent); on PostgreSQL make the event tables append-only and
    grant the application's role. Run it as the owner's role (ARSPLAN_POSTGRES_DSN)."""
    done = migrate(get_settings().eventsourcing_env(), app_role)
    console = Console()
    if not done.append_only:
        console.print("Tables created (no roles on this store).")
        return
    console.print(f"Append-only: {', '.join(done.append_only)}")
    if done.granted_to:
        console.print(f"Granted to {done.granted_to}: what the services need, no DDL, "
                      "no rewrite of events")
