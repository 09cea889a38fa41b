"""The envelopes built from the stored JSON (feed/wire.py) are byte for byte the pydantic ones.

The reference is ``EventFeed.envelope``: decode the domain event, build the model,
``model_dump_json``. Compared over a real cycle's history (bench/cycle_history.py), the feed
scenario (every grant, a pinned version) and generated payloads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.cycle_history import fill_cycle
from bench.workload import Shape
from bootstrap import build_engine
from domain.delegationsbeslut import Delegationsbeslut
from feed.authority import FeedGrant
from feed.catalogue import ENVELOPE_FIELDS, type_name
from feed.envelope import EventEnvelope
from feed.positions import ConsumerPositions
from feed.service import EventFeed, FeedFilter
from feed.upcasting import current_version
from feed.wire import dumps
from tests.feed.conftest import make_feed
from tests.support.engine import TestEngine

CLEAR = FeedGrant("revision", None, personal_data=True)
PSEUDONYMISED = FeedGrant("bi", None, personal_data=False)


def reference(feed: EventFeed, notification: Notification, grant: FeedGrant,
              feed_filter: FeedFilter = FeedFilter()) -> EventEnvelope:
    event = feed.app.mapper.to_domain_event(notification)
    event_type = type_name(notification.topic)
    version = feed_filter.versions.get(event_type, current_version(event_type))
    return feed.envelope(notification.id, event, event_type, feed.scopes.scope(event), version,
                         clear=grant.personal_data)


def notifications(feed: EventFeed) -> list[Notification]:
    return list(feed.app.recorder.select_notifications(start=0, limit=100_000))


def fallbacks(feed: EventFeed, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Positions that went the reference way: the comparison must exercise the wire path."""
    taken: list[int] = []
    reference_way = feed._visible

    def counted(grant: FeedGrant, feed_filter: FeedFilter,
                notification: Notification) -> EventEnvelope | None:
        taken.append(notification.id)
        return reference_way(grant, feed_filter, notification)
    monkeypatch.setattr(feed, "_visible", counted)
    return taken


def assert_same_as_reference(feed: EventFeed, grant: FeedGrant,
                             feed_filter: FeedFilter = FeedFilter()) -> int:
    stored = notifications(feed)
    published = feed.read_published(grant, 0, feed_filter, limit=1000).events
    models = feed.read(grant, 0, feed_filter, limit=1000).events
    assert len(published) == len(models) == min(len(stored), 1000)
    for notification, wire, model in zip(stored, published, models, strict=False):
        expected = reference(feed, notification, grant, feed_filter)
        assert wire.json == expected.model_dump_json().encode(), notification.topic
        assert model == expected
        assert model.model_dump_json() == expected.model_dump_json()
        assert (wire.position, wire.type, wire.version, wire.event_id, wire.namnd_code,
                wire.aggregate_type) == (expected.position, expected.type, expected.version,
                                         str(expected.event_id), expected.scope.namnd_code,
                                         expected.aggregate.type)
        assert wire.model() == expected
    return len(published)


@pytest.mark.parametrize("grant", [CLEAR, PSEUDONYMISED], ids=["clear", "pseudonymised"])
def test_a_real_cycle_history_reads_the_same_bytes_as_the_pydantic_path(
        durable_env: dict[str, str], grant: FeedGrant, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = build_engine(env=durable_env)
    try:
        fill_cycle(engine, 900, Shape(3, 4, 0))
        feed = EventFeed(engine.store, ConsumerPositions.from_env(durable_env), b"secret")
        taken = fallbacks(feed, monkeypatch)
        assert assert_same_as_reference(feed, grant) >= 900
        assert taken == []
    finally:
        engine.store.close()


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
def test_an_encrypted_and_compressed_store_reads_the_same_bytes(
        durable_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**durable_env, "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
           "CIPHER_KEY": AESCipher.create_key(16),
           "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}
    engine = build_engine(env=env)
    try:
        fill_cycle(engine, 200, Shape(2, 2, 0))
        feed = EventFeed(engine.store, ConsumerPositions.from_env(env), b"secret")
        assert feed.app.mapper.cipher is not None and feed.app.mapper.compressor is not None
        taken = fallbacks(feed, monkeypatch)
        assert assert_same_as_reference(feed, PSEUDONYMISED) >= 200
        assert taken == []
    finally:
        engine.store.close()


@pytest.mark.parametrize("grant", [CLEAR, PSEUDONYMISED], ids=["clear", "pseudonymised"])
def test_the_feed_scenario_reads_the_same_bytes_with_every_grant_and_a_pinned_version(
        populated: TestEngine, durable_env: dict[str, str], grant: FeedGrant,
        monkeypatch: pytest.MonkeyPatch) -> None:
    feed = make_feed(populated, durable_env)
    taken = fallbacks(feed, monkeypatch)
    assert assert_same_as_reference(feed, grant) > 40
    pinned = FeedFilter(versions={"UnitReport.ReminderSent": 1})
    assert_same_as_reference(feed, grant, pinned)
    assert taken == []


# Generated payloads: values of every type the store's transcoder writes, nested.

instants = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1),
                        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                                                   timezone(timedelta(hours=-7))]))
leaves = (st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(max_size=12)
          | st.uuids() | instants | st.dates() | st.decimals(allow_nan=False, places=3))
keys = st.text(max_size=8).filter(lambda k: not k.startswith("_"))
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(keys, inner, max_size=3), max_leaves=8)


@pytest.fixture
def scenario_feed(populated: TestEngine, durable_env: dict[str, str]) -> Iterator[EventFeed]:
    yield make_feed(populated, durable_env)


def with_payload(feed: EventFeed, topic_suffix: str, **fields: Any) -> Notification:
    """A stored copy of the scenario's first event of that type, some fields replaced."""
    original = next(n for n in notifications(feed) if n.topic.endswith(topic_suffix))
    event = feed.app.mapper.to_domain_event(original)
    changed = object.__new__(type(event))
    object.__setattr__(changed, "__dict__", {**vars(event), **fields})
    stored = feed.app.mapper.to_stored_event(changed)
    return Notification(id=original.id, **{f.name: getattr(stored, f.name)
                                           for f in dataclasses.fields(stored)})


def wire_bytes(feed: EventFeed, notification: Notification, grant: FeedGrant) -> bytes | None:
    found = feed._visible_wire(grant, FeedFilter(), notification)
    if found is None or isinstance(found, EventEnvelope):
        return None
    return dumps(found)


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=values, new=values)
def test_generated_payloads_read_the_same_bytes(scenario_feed: EventFeed, old: Any,
                                                new: Any) -> None:
    stored = with_payload(scenario_feed, "UnitReport.ItemChanged", old=old, new=new)
    for grant in (CLEAR, PSEUDONYMISED):
        expected = reference(scenario_feed, stored, grant).model_dump_json().encode()
        assert wire_bytes(scenario_feed, stored, grant) == expected


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=st.text(min_size=1, max_size=12), reason=values)
def test_generated_person_ids_are_pseudonymised_as_the_pydantic_path_does(
        scenario_feed: EventFeed, person: str, reason: Any) -> None:
    stored = with_payload(scenario_feed, "Organisation.RoleAssigned", person_id=person,
                          substitute_for=person, reason=reason)
    for grant in (CLEAR, PSEUDONYMISED):
        expected = reference(scenario_feed, stored, grant).model_dump_json().encode()
        assert wire_bytes(scenario_feed, stored, grant) == expected


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
@pytest.mark.parametrize("value", [2**70, -2**64, 1.5, 1e16, [1, 2.0]])
def test_numbers_orjson_would_read_differently_go_the_pydantic_way(
        scenario_feed: EventFeed, value: Any) -> None:
    # orjson reads an integer beyond 64 bits as a float: "1e21", not the recorded digits.
    stored = with_payload(scenario_feed, "UnitReport.ItemChanged", new=value)
    found = scenario_feed._visible_wire(CLEAR, FeedFilter(), stored)
    assert isinstance(found, EventEnvelope)
    assert found.model_dump_json() == reference(scenario_feed, stored, CLEAR).model_dump_json()


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
def test_a_uuid_written_in_capitals_reads_as_uuid_prints_it(scenario_feed: EventFeed) -> None:
    stored = with_payload(scenario_feed, "UnitReport.ItemChanged",
                          new=UUID("12345678-1234-5678-1234-567812345678"))
    upper = Notification(**{**{f.name: getattr(stored, f.name)
                               for f in dataclasses.fields(stored)},
                            "state": stored.state.replace(b"12345678123456781234567812345678",
                                                          b"12345678123456781234567812ABCDEF")})
    expected = reference(scenario_feed, upper, CLEAR).model_dump_json().encode()
    assert b"567812abcdef" in expected
    assert wire_bytes(scenario_feed, upper, CLEAR) == expected



@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
def test_an_event_its_class_upcasts_goes_the_pydantic_way(
        scenario_feed: EventFeed, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = with_payload(scenario_feed, "UnitReport.ItemChanged", new="as recorded")
    cls = type(scenario_feed.app.mapper.to_domain_event(stored))

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["new"] = "as upcast"
    monkeypatch.setattr(cls, "class_version", 2, raising=False)
    monkeypatch.setattr(cls, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False)
    expected = reference(scenario_feed, stored, CLEAR)
    assert expected.payload["new"] == "as upcast"
    found = scenario_feed._visible_wire(CLEAR, FeedFilter(), stored)
    assert isinstance(found, EventEnvelope)
    assert found.model_dump_json() == expected.model_dump_json()


@pytest.mark.parametrize("durable_env", ["sqlite"], indirect=True)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(decider=st.text(min_size=1, max_size=8), beslut=values, extra=values,
       decided_on=st.dates())
def test_nested_allow_lists_read_the_same_bytes(scenario_feed: EventFeed, decider: str,
                                                beslut: Any, extra: Any,
                                                decided_on: date) -> None:
    # Delegationsbeslut.Decided carries its facts as one dict with a list of its own.
    template = scenario_feed.app.mapper.to_domain_event(notifications(scenario_feed)[0])
    decided = object.__new__(Delegationsbeslut.Decided)
    object.__setattr__(decided, "__dict__", {
        **{name: value for name, value in vars(template).items() if name in ENVELOPE_FIELDS},
        "originator_id": uuid4(), "originator_version": 1,
        "originator_topic": get_topic(Delegationsbeslut),
        "facts": {"namnd_code": "VON", "beslut": beslut, "decided_on": decided_on,
                  "decider": decider, "on_behalf_of": None, "not_listed": extra}})
    stored = scenario_feed.app.mapper.to_stored_event(decided)
    notification = Notification(id=10_000, **{f.name: getattr(stored, f.name)
                                              for f in dataclasses.fields(stored)})
    for grant in (CLEAR, PSEUDONYMISED):
        expected = reference(scenario_feed, notification, grant).model_dump_json().encode()
        assert wire_bytes(scenario_feed, notification, grant) == expected
