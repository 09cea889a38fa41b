"""The person directory's table, ``person_profiles``, beside the event store's own tables.

SQLite and PostgreSQL keep it in the store's database (one backup, one connection pool);
the in-memory store keeps it in a dict. ``directory_for`` hands out one directory per
store. ``migrate_profiles`` copies the names and e-mail addresses that version-1
``PersonRegistered`` events recorded into the directory where a row is missing; the
events themselves are never rewritten.
"""

from __future__ import annotations

import re
import secrets
import weakref
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from application.person_directory import PersonDirectory, PersonProfile
from domain.chain import AS_RECORDED
from domain.organisation import Organisation
from domain.personal_data import SALT_BYTES
from infrastructure.eventstore.environment import creates_tables
from infrastructure.logging import get_logger

TABLE = "person_profiles"
_COLUMNS = "person_id, name, email, salt, updated_at"


class MemoryPersonDirectory:
    """For the in-memory store: lives as long as the store object."""

    def __init__(self) -> None:
        self._rows: dict[str, PersonProfile] = {}

    def get(self, person_id: str) -> PersonProfile | None:
        return self._rows.get(person_id)

    def get_many(self, person_ids: Iterable[str]) -> dict[str, PersonProfile]:
        return {p: self._rows[p] for p in person_ids if p in self._rows}

    def put(self, profile: PersonProfile) -> None:
        self._rows[profile.person_id] = profile

    def delete(self, person_id: str) -> None:
        self._rows.pop(person_id, None)


def _profile(row: Any) -> PersonProfile:
    return PersonProfile(row["person_id"], row["name"], row["email"], bytes(row["salt"]),
                         datetime.fromisoformat(row["updated_at"]))


def _params(p: PersonProfile) -> tuple[Any, ...]:
    return p.person_id, p.name, p.email, p.salt, p.updated_at.isoformat()


class SQLitePersonDirectory:
    def __init__(self, datastore: SQLiteDatastore, create: bool) -> None:
        self.datastore = datastore
        if create:
            with datastore.transaction(commit=True) as c:
                c.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (person_id TEXT PRIMARY KEY, "
                          "name TEXT NOT NULL, email TEXT, salt BLOB NOT NULL, "
                          "updated_at TEXT NOT NULL)")

    def get(self, person_id: str) -> PersonProfile | None:
        return self.get_many([person_id]).get(person_id)

    def get_many(self, person_ids: Iterable[str]) -> dict[str, PersonProfile]:
        wanted = set(person_ids)
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {_COLUMNS} FROM {TABLE}")
            rows = c.fetchall()
        return {r["person_id"]: _profile(r) for r in rows if r["person_id"] in wanted}

    def put(self, profile: PersonProfile) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"INSERT OR REPLACE INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                      _params(profile))

    def delete(self, person_id: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {TABLE} WHERE person_id = ?", (person_id,))


class PostgresPersonDirectory:
    def __init__(self, datastore: PostgresDatastore, create: bool) -> None:
        self.datastore = datastore
        self.table = Identifier(datastore.schema, TABLE)
        if create:
            with datastore.transaction(commit=True) as c:
                c.execute(SQL("CREATE TABLE IF NOT EXISTS {} (person_id TEXT PRIMARY KEY, "
                              "name TEXT NOT NULL, email TEXT, salt BYTEA NOT NULL, "
                              "updated_at TEXT NOT NULL)").format(self.table))

    def get(self, person_id: str) -> PersonProfile | None:
        return self.get_many([person_id]).get(person_id)

    def get_many(self, person_ids: Iterable[str]) -> dict[str, PersonProfile]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT " + _COLUMNS + " FROM {} WHERE person_id = ANY(%s)")
                      .format(self.table), (list(person_ids),))
            rows = c.fetchall()
        return {r["person_id"]: _profile(r) for r in rows}

    def put(self, profile: PersonProfile) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(SQL("INSERT INTO {} (" + _COLUMNS + ") VALUES (%s, %s, %s, %s, %s) "
                          "ON CONFLICT (person_id) DO UPDATE SET name = EXCLUDED.name, "
                          "email = EXCLUDED.email, salt = EXCLUDED.salt, "
                          "updated_at = EXCLUDED.updated_at").format(self.table),
                      _params(profile))

    def delete(self, person_id: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(SQL("DELETE FROM {} WHERE person_id = %s").format(self.table),
                      (person_id,))


_DIRECTORIES: weakref.WeakKeyDictionary[Any, PersonDirectory] = weakref.WeakKeyDictionary()


def open_directory(datastore: Any, env: Mapping[str, str]) -> PersonDirectory:
    if isinstance(datastore, SQLiteDatastore):
        return SQLitePersonDirectory(datastore, creates_tables(env))
    if isinstance(datastore, PostgresDatastore):
        return PostgresPersonDirectory(datastore, creates_tables(env))
    return MemoryPersonDirectory()


def directory_for(store: Any) -> PersonDirectory:
    """The store's directory, in the store's database (one per store object)."""
    if not isinstance(store, Application):
        store = store.store  # an engine: its store
    directory = _DIRECTORIES.get(store)
    if directory is None:
        datastore = getattr(store.recorder, "datastore", None)
        directory = _DIRECTORIES[store] = open_directory(datastore, store.env)
    return directory


def person_names(store: Any, namnd_code: str) -> dict[str, str]:
    """Person id → name for everyone in the nämnd; "okänd person (id)" once erased."""
    people = store.organisation(namnd_code).people
    profiles = directory_for(store).get_many(people)
    return {pid: profiles[pid].name if pid in profiles else f"okänd person ({pid})"
            for pid in people}


def with_names(message: str, names: Mapping[str, str]) -> str:
    """A domain message (which names people by id) with their names, for users."""
    if not names:
        return message
    ids = "|".join(re.escape(pid) for pid in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<![\w-])(?:{ids})(?![\w-])", lambda m: names[m.group(0)], message)


def person_email(store: Any, person_id: str) -> str | None:
    profile = directory_for(store).get(person_id)
    return profile.email if profile is not None else None


def recorded_profiles(store: Application[Any]) -> Iterator[Any]:
    """Every version-1 PersonRegistered event (it recorded the name and e-mail)."""
    topic = get_topic(Organisation.PersonRegistered)
    start = 1
    while True:
        batch = store.recorder.select_notifications(start, 500, topics=[topic])
        for notification in batch:
            event: Any = store.mapper.to_domain_event(notification)
            if AS_RECORDED in event.__dict__:
                yield event
        if len(batch) < 500:
            return
        start = batch[-1].id + 1


def migrate_profiles(store: Any) -> list[str]:
    """Copies the profiles old events recorded into the directory where a row is missing
    (a fresh salt each: the chain holds no digest for them). Returns the person ids."""
    directory = directory_for(store)
    copied = []
    for event in recorded_profiles(store):
        org = store.get(event.originator_id, Organisation)
        erased = org.people.get(event.person_id, {}).get("erased")
        if not erased and directory.get(event.person_id) is None:
            removed = event.__dict__[AS_RECORDED]["removed"]  # as recorded, unchecked
            directory.put(PersonProfile(event.person_id, removed["name"], removed.get("email"),
                                        secrets.token_bytes(SALT_BYTES), event.timestamp))
            copied.append(event.person_id)
    if copied:
        get_logger().info("person_profiles_migrated", person_ids=copied)
    return copied
