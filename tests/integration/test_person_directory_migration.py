"""A store from before the person directory: version-1 PersonRegistered events (name and
e-mail in the chain) upcast, migrate into the directory, and still verify.

The old events are written as an old version wrote them: the stored state holds name and
e-mail and no class version, their chain hash computed over those fields. SQLite and
PostgreSQL (the ``durable_env`` fixture).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.person_directory import correct_person, erase_person
from audit.verify import verify_store
from bootstrap.migrate import migrate
from domain.base import Actor, Cause
from domain.chain import AS_RECORDED, _canonical
from domain.ids import organisation_id
from domain.organisation import Organisation, RoleAssignment
from feed.positions import ConsumerPositions
from feed.service import EventFeed
from infrastructure.person_directory import directory_for, migrate_profiles, person_names
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine

NOW = datetime(2022, 8, 20, 9, 0, tzinfo=UTC)
CAUSE = Cause(actor=Actor.system("import"), occurred_at=NOW, recorded_at=NOW)
OLD_PEOPLE = {"p-1a2b3c": ("Anna Äldre", "anna@example.se"), "p-4d5e6f": ("Bo Bäck", None)}


def v1_person_registered(app: TestEngine, org: Organisation, person_id: str, name: str,
                         email: str | None) -> StoredEvent:
    """The event as version 1 stored it, chained to the organisation's last event."""
    state: dict[str, Any] = {
        "timestamp": NOW, "event_id": uuid4(), "actor": CAUSE.actor,
        "occurred_at": NOW, "command_id": None, "prev_hash": org.last_hash,
        "person_id": person_id, "name": name, "email": email}
    body = {k: _canonical(v) for k, v in state.items()}
    body |= {"originator_id": str(org.id), "originator_version": org.version + 1,
             "__topic__": get_topic(Organisation.PersonRegistered)}
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    state["chain_hash"] = hashlib.sha256(org.last_hash.encode() + encoded.encode()).hexdigest()
    return StoredEvent(org.id, org.version + 1, get_topic(Organisation.PersonRegistered),
                       app.mapper.transcoder.encode(state))


def old_store(env: dict[str, str]) -> TestEngine:
    app = TestEngine(env=env, clock=ManualClock(NOW))
    org = Organisation.register("VON", "Vård- och omsorgsnämnden", CAUSE)
    org.add_unit("von", "Nämnden", "namnd", None, CAUSE)
    org.add_unit("forv", "Förvaltningen", "forvaltning", "von", CAUSE)
    app.save_changes(org)
    for pid, (name, email) in OLD_PEOPLE.items():
        org = app.get(organisation_id("VON"), Organisation)
        app.recorder.insert_events([v1_person_registered(app, org, pid, name, email)])
    org = app.get(organisation_id("VON"), Organisation)
    org.assign_role(RoleAssignment("a1", "p-1a2b3c", "forvaltningschef", "forv",
                                   date(2022, 1, 1), None), CAUSE)
    app.save_changes(org)
    return app


def test_an_old_store_upcasts_migrates_and_verifies(durable_env: dict[str, str]) -> None:
    app = old_store(durable_env)
    try:
        assert verify_store(app).ok
        org = app.organisation("VON")
        assert org.people == {pid: {"profile_digest": None} for pid in OLD_PEOPLE}
        event = next(e for e in app.aggregate_events(org.id)
                     if isinstance(e, Organisation.PersonRegistered))
        assert not hasattr(event, "name") and event.profile_digest is None
        assert event.__dict__[AS_RECORDED]["removed"]["name"] == "Anna Äldre"
        assert person_names(app, "VON")["p-1a2b3c"] == "okänd person (p-1a2b3c)"

        assert sorted(migrate_profiles(app)) == sorted(OLD_PEOPLE)
        assert person_names(app, "VON") == {pid: n for pid, (n, _) in OLD_PEOPLE.items()}
        assert directory_for(app).get("p-1a2b3c").email == "anna@example.se"  # type: ignore[union-attr]
        assert migrate_profiles(app) == []  # once only
        assert verify_store(app).ok
        # The stored bytes are unchanged: the old name is still in the chain, as recorded.
        stored = app.recorder.select_events(org.id)
        assert any(b"Anna \\u00c4ldre" in s.state or "Anna Äldre".encode() in s.state
                   for s in stored)

        directory = directory_for(app)
        correct_person(app, directory, "VON", "p-4d5e6f", "Bo Bäckström", None, by="p-1a2b3c")
        erase_person(app, directory, "VON", "p-1a2b3c", by="p-1a2b3c")
        assert migrate_profiles(app) == []  # an erased profile is not brought back
        assert person_names(app, "VON") == {"p-1a2b3c": "okänd person (p-1a2b3c)",
                                            "p-4d5e6f": "Bo Bäckström"}
        assert verify_store(app).ok
    finally:
        app.close()


def test_arsplan_migrate_moves_the_old_profiles(durable_env: dict[str, str]) -> None:
    old_store(durable_env).close()
    migrate(durable_env)
    reopened = TestEngine(env=durable_env, clock=ManualClock(NOW))
    try:
        assert person_names(reopened, "VON")["p-4d5e6f"] == "Bo Bäck"
        assert verify_store(reopened).ok
    finally:
        reopened.close()


def test_the_feed_publishes_no_recorded_name_of_an_old_event(
        durable_env: dict[str, str]) -> None:
    app = old_store(durable_env)
    try:
        feed = EventFeed(app, ConsumerPositions.from_env(durable_env), b"s" * 32)
        event = next(e for e in app.aggregate_events(organisation_id("VON"))
                     if isinstance(e, Organisation.PersonRegistered))
        scope = feed.scopes.scope(event)
        envelope = feed.envelope(1, event, "Organisation.PersonRegistered", scope, 1,
                                 clear=True)
        assert envelope.payload == {"person_id": event.person_id, "profile_digest": None}
        assert envelope.withheld == []
        assert "Äldre" not in envelope.model_dump_json()
    finally:
        app.close()
