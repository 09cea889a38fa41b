"""Filters by type, nämnd, cycle and unit; a grant limits nämnder and personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.base import Actor, Cause
from domain.delegationsbeslut import BeslutFacts, Delegationsbeslut
from domain.errors import InvalidInputError
from domain.ids import organisation_id
from feed.authority import FeedGrant, grant_for_person
from feed.envelope import EventEnvelope
from feed.service import EventFeed, FeedFilter
from tests.feed.conftest import make_feed
from tests.support.engine import TestEngine
from tests.support.org import CYCLE

AUDITOR = FeedGrant("revision", None, personal_data=True)
VON_BI = FeedGrant("von-bi", frozenset({"VON"}), personal_data=False)


def read_all(feed: EventFeed, grant: FeedGrant,
             feed_filter: FeedFilter | None = None) -> list[EventEnvelope]:
    return feed.read(grant, 0, feed_filter, limit=1000).events


@pytest.fixture
def feed(populated: TestEngine, durable_env: dict[str, str]) -> EventFeed:
    return make_feed(populated, durable_env)


class TestFilters:
    def test_events_come_in_log_order(self, feed: EventFeed) -> None:
        positions = [e.position for e in read_all(feed, AUDITOR)]
        assert positions == sorted(positions)
        assert positions == list(range(1, feed.head() + 1))

    def test_filter_by_event_type(self, feed: EventFeed) -> None:
        events = read_all(feed, AUDITOR, FeedFilter(types=frozenset({"UnitReport.Klarmarkerad"})))
        assert [(e.type, e.scope.unit_id) for e in events] == [
            ("UnitReport.Klarmarkerad", "enh-ekhagen")]
        assert events[0].actor.person_id == "anna"

    def test_filter_by_namnd(self, feed: EventFeed) -> None:
        events = read_all(feed, AUDITOR, FeedFilter(namnd_codes=frozenset({"KFN"})))
        assert events
        assert {e.scope.namnd_code for e in events} == {"KFN"}
        assert {e.aggregate.id for e in events} == {organisation_id("KFN")}

    def test_filter_by_cycle_covers_the_cycle_and_its_reports(self, feed: EventFeed) -> None:
        events = read_all(feed, AUDITOR, FeedFilter(cycle_ids=frozenset({CYCLE})))
        assert {e.aggregate.type for e in events} == {"Cycle", "UnitReport"}
        assert {e.scope.cycle_id for e in events} == {CYCLE}

    def test_filter_by_unit(self, feed: EventFeed) -> None:
        events = read_all(feed, AUDITOR, FeedFilter(unit_ids=frozenset({"enh-ekhagen"})))
        types = [e.type for e in events]
        # The unit's report, and the organisation's own facts about that unit.
        assert types.count("UnitReport.ItemChanged") == 2
        assert "UnitReport.Klarmarkerad" in types
        assert "Organisation.UnitAdded" in types
        assert {e.scope.unit_id for e in events} == {"enh-ekhagen"}

    def test_a_narrow_filter_still_moves_the_position_to_the_head(self, feed: EventFeed) -> None:
        page = feed.read(AUDITOR, 0, FeedFilter(types=frozenset({"Cycle.BeslutRecorded"})))
        assert page.events == []
        assert page.next_position == feed.head()

    def test_unknown_event_type_is_refused(self) -> None:
        with pytest.raises(InvalidInputError, match=r"Okända händelsetyper: UnitReport\.Nope"):
            FeedFilter(types=frozenset({"UnitReport.Nope"}))

    def test_page_limit_splits_the_log_without_gaps(self, feed: EventFeed) -> None:
        first = feed.read(AUDITOR, 0, limit=5)
        second = feed.read(AUDITOR, first.next_position, limit=5)
        assert [e.position for e in first.events + second.events] == list(range(1, 11))


class TestAuthority:
    def test_namnd_integration_sees_only_its_own_namnd(self, feed: EventFeed) -> None:
        assert {e.scope.namnd_code for e in read_all(feed, VON_BI)} == {"VON"}
        assert {e.scope.namnd_code for e in read_all(feed, AUDITOR)} == {"VON", "KFN"}

    def test_a_filter_cannot_widen_a_grant(self, feed: EventFeed) -> None:
        assert read_all(feed, VON_BI, FeedFilter(namnd_codes=frozenset({"KFN"}))) == []

    def test_personal_data_is_pseudonymised_without_the_grant(self, feed: EventFeed) -> None:
        only = FeedFilter(types=frozenset({"Organisation.PersonRegistered",
                                           "UnitReport.Klarmarkerad"}))
        clear = {e.event_id: e for e in read_all(feed, AUDITOR, only)}
        hidden = read_all(feed, VON_BI, only)
        anna = next(e for e in hidden if e.type == "Organisation.PersonRegistered"
                    and clear[e.event_id].payload["person_id"] == "anna")
        assert anna.payload["person_id"].startswith("pseudonym-")
        assert "name" not in anna.payload and anna.withheld == []  # names: the directory
        assert anna.actor.person_id == "system"  # the import is not a person
        klar = next(e for e in hidden if e.type == "UnitReport.Klarmarkerad")
        # One person, one pseudonym: the same in every event.
        assert klar.actor.person_id == anna.payload["person_id"]
        assert "anna" not in klar.model_dump_json() + anna.model_dump_json()

    def test_a_person_gets_the_namnder_whose_whole_record_they_read(
            self, populated: TestEngine) -> None:
        """The read policy's whole-record readers: the revisor and the förvaltningschef of
        their own nämnd; a controller reads the förvaltning but not the nämnd's record."""
        when = populated.clock()
        revisor = grant_for_person(populated, "revisor", ["VON", "KFN"], when)
        forvaltningschef = grant_for_person(populated, "kurt", ["VON", "KFN"], when)
        assert revisor == FeedGrant("person:revisor", frozenset({"VON"}), personal_data=True)
        assert forvaltningschef == FeedGrant("person:kurt", frozenset({"KFN"}),
                                             personal_data=True)
        assert grant_for_person(populated, "gun", ["VON", "KFN"], when) is None
        assert grant_for_person(populated, "anna", ["VON", "KFN"], when) is None


class TestNestedFacts:
    def test_a_delegationsbeslut_is_scoped_by_its_facts_and_its_decider_pseudonymised(
            self, populated: TestEngine, feed: EventFeed) -> None:
        facts = BeslutFacts(
            namnd_code="VON", row_nr="3.1", ordning_version=1, lagrum="SoL 4 kap. 1 §",
            arende="Bistånd i form av hemtjänst", arende_ref="VON 2022/17", beslut="Beviljas",
            decided_on=date(2022, 8, 15), decider="anna", delegat_role="enhetschef",
            via="ordinarie", on_behalf_of="ida", vagnar="VON", amount=None, limit_unit=None,
            must_be_anmald=True, laglighetsprovning=False, bradskande=False)
        cause = Cause(Actor("anna", "enhetschef", "enh-ekhagen"),
                      datetime(2022, 8, 15, 10, tzinfo=UTC))
        populated.save(Delegationsbeslut.decide(uuid4(), facts, cause))
        only = FeedFilter(types=frozenset({"Delegationsbeslut.Decided"}))
        [seen] = read_all(feed, VON_BI, only)
        assert seen.scope.namnd_code == "VON"
        assert seen.payload["facts"]["decider"].startswith("pseudonym-")
        assert seen.payload["facts"]["on_behalf_of"].startswith("pseudonym-")
        assert seen.payload["facts"]["arende_ref"] == "VON 2022/17"
        kfn = FeedGrant("kfn", frozenset({"KFN"}))
        assert read_all(feed, kfn, only) == []
