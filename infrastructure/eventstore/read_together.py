"""Several aggregates' events after given versions in one statement (one round trip).

The store's reads use it unless ``READ_TOGETHER`` is off. On PostgreSQL the pairs become
one UNION ALL of indexed look-ups; other stores answer aggregate by aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier


def select_events_after(recorder: ApplicationRecorder,
                        requests: Sequence[tuple[UUID, int | None]]) -> list[StoredEvent]:
    """The stored events of each aggregate after its version (None: all), by aggregate
    and version."""
    inner = getattr(recorder, "inner", recorder)  # under group commit
    if isinstance(inner, PostgresAggregateRecorder) and len(requests) > 1:
        selected: list[StoredEvent] = _select_postgres(inner, requests)
        return selected
    return [e for aggregate_id, after in requests
            for e in recorder.select_events(aggregate_id, gt=after)]


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def _select_postgres(recorder: PostgresAggregateRecorder,
                     requests: Sequence[tuple[UUID, int | None]]) -> list[StoredEvent]:
    shape = tuple(after is None for _, after in requests)
    statement = _statement(recorder.datastore.schema, recorder.events_table_name, shape)
    params: list[Any] = []
    for aggregate_id, after in requests:
        params.append(aggregate_id)
        if after is not None:
            params.append(after)
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(statement, params, prepare=True)
        return [StoredEvent(originator_id=row["originator_id"],
                            originator_version=row["originator_version"],
                            topic=row["topic"], state=bytes(row["state"]))
                for row in curs.fetchall()]


@lru_cache(maxsize=64)
def _statement(schema: str, table: str, all_events: tuple[bool, ...]) -> bytes:
    """Composed once per shape: eventsourcing composes its SQL on every call."""
    select = SQL("SELECT originator_id, originator_version, topic, state FROM {}.{} "
                 "WHERE originator_id = %s").format(Identifier(schema), Identifier(table))
    parts = [select if everything else select + SQL(" AND originator_version > %s")
             for everything in all_events]
    query = SQL(" UNION ALL ").join(parts) + SQL(" ORDER BY 1, 2")
    return query.as_bytes(None)
