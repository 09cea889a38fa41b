"""The per-aggregate hash chain: any change to a recorded field breaks verification."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.base import Actor, Cause
from domain.chain import GENESIS_HASH, verify_sequence
from domain.organisation import Organisation

CAUSE = Cause(Actor("p1", "controller", "von-forv"), datetime(2022, 1, 1, tzinfo=UTC), "c1")


def history() -> list[object]:
    org = Organisation.register("VON", "VON", CAUSE)
    org.add_unit("von", "VON", "namnd", None, CAUSE)
    org.register_person("p1", "0" * 64, CAUSE)
    return list(org.collect_events())


def test_a_fresh_history_verifies_and_starts_at_genesis() -> None:
    events = history()
    assert verify_sequence(events) is None
    assert events[0].prev_hash == GENESIS_HASH  # type: ignore[attr-defined]
    assert events[1].prev_hash == events[0].chain_hash  # type: ignore[attr-defined]


@given(st.sampled_from(["profile_digest", "person_id"]), st.text(min_size=1, max_size=20))
def test_changing_any_payload_field_is_detected(field: str, value: str) -> None:
    events = history()
    original = getattr(events[2], field)
    if value == original:
        return
    events[2] = dataclasses.replace(events[2], **{field: value})  # type: ignore[type-var]
    broken = verify_sequence(events)
    assert broken is not None and broken.originator_version == 3


def test_changing_the_actor_or_occurred_at_is_detected() -> None:
    for change in ({"actor": Actor("mallory", "controller", "von-forv")},
                   {"occurred_at": datetime(2021, 1, 1, tzinfo=UTC)}):
        events = history()
        events[1] = dataclasses.replace(events[1], **change)  # type: ignore[type-var]
        assert verify_sequence(events) is not None


def test_dropping_an_event_is_detected() -> None:
    events = history()
    del events[1]
    broken = verify_sequence(events)
    assert broken is not None and "missing" in broken.reason
