"""Least privilege on PostgreSQL: the event tables refuse every rewrite, and the
application's role gets only what running the engine needs (deploy/roles.sql creates the
roles; `arsplan migrate` applies this as the owner)."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

REFUSE_REWRITE = "arsplan_refuse_rewrite"


def protect_append_only(conn: psycopg.Connection, schema: str, tables: Sequence[str]) -> None:
    """Triggers refusing UPDATE, DELETE and TRUNCATE on the append-only tables, for every
    role including the owner's (ENABLE ALWAYS: also under session_replication_role)."""
    conn.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}.{}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'the event log is append-only: % on %.% refused', "
        "TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; "
        "END $$").format(sql.Identifier(schema), sql.Identifier(REFUSE_REWRITE)))
    function = sql.SQL("{}.{}()").format(sql.Identifier(schema), sql.Identifier(REFUSE_REWRITE))
    for table in tables:
        target = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        for suffix, when in (("rows", "BEFORE UPDATE OR DELETE ON {} FOR EACH ROW"),
                             ("truncate", "BEFORE TRUNCATE ON {} FOR EACH STATEMENT")):
            name = sql.Identifier(f"{table}_append_only_{suffix}")
            conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(name, target))
            conn.execute(sql.SQL("CREATE TRIGGER {} " + when + " EXECUTE FUNCTION {}")
                         .format(name, target, function))
            conn.execute(sql.SQL("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}").format(target, name))


def grant_application_role(conn: psycopg.Connection, schema: str, role: str,
                           append_only: Sequence[str]) -> None:
    """The application's role: SELECT and INSERT on the append-only tables (plus UPDATE,
    which PostgreSQL requires for the EXCLUSIVE table lock eventsourcing takes to number
    notifications gaplessly; the triggers refuse every actual UPDATE), and the usual DML
    on the read models and sidecar tables. No DDL, no DELETE or TRUNCATE of events."""
    who, where = sql.Identifier(role), sql.Identifier(schema)
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who))
    conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(where, who))
    for table in tables_in(conn, schema):
        target = sql.SQL("{}.{}").format(where, sql.Identifier(table))
        conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(target, who))
        privileges = ("SELECT, INSERT, UPDATE" if table in append_only
                      else "SELECT, INSERT, UPDATE, DELETE")
        conn.execute(sql.SQL("GRANT " + privileges + " ON {} TO {}").format(target, who))
    conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}")
                 .format(where, who))


def tables_in(conn: psycopg.Connection, schema: str) -> list[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s "
                        "ORDER BY tablename", (schema,)).fetchall()
    return [str(row[0]) for row in rows]
