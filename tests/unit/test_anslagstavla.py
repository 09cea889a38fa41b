"""The anslagstavla's rules: what is up on a day, from when, until when (8 kap. KL, 13 kap. 5 §)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

from domain.anslagstavla import (
    DELEGATIONSBESLUT,
    PROTOKOLL,
    Beslut,
    Protokoll,
    feed_id,
    notices_up,
    paragraph_range,
)

MEETING = UUID("00000000-0000-0000-0000-00000000aaaa")
JUSTERAT = date(2022, 9, 29)  # a Thursday
FORVARING = "Vård- och omsorgsförvaltningen, kansliet"


def protokoll(justerat_on: date | None = JUSTERAT, anslag_date: date | None = None
              ) -> Protokoll:
    return Protokoll(meeting_id=MEETING, namnd="Vård- och omsorgsnämnden",
                     meeting_date=date(2022, 9, 27), justerat_on=justerat_on,
                     anslag_date=anslag_date, paragraphs=(67, 68, 69, 70, 71, 72),
                     forvaring=FORVARING)


def beslut(anslag_date: date | None = date(2022, 10, 3), laglighetsprovning: bool | None = True,
           listed_on: UUID | None = None) -> Beslut:
    return Beslut(beslut_id=uuid4(), namnd="Vård- och omsorgsnämnden", row_nr="2.1.2",
                  arende="Beslut i ärende som inte är av principiell beskaffenhet",
                  lagrum="6 kap. 37 § KL", arende_ref="2022.301 VON", delegat="Förvaltningschef",
                  decided_on=date(2022, 10, 3), laglighetsprovning=laglighetsprovning,
                  anslag_date=anslag_date, listed_on=listed_on, forvaring=FORVARING)


def up(p: list[Protokoll], b: list[Beslut], on: date) -> list[tuple[str, date, date]]:
    return [(n.kind, n.anslag_date, n.last_day) for n in notices_up(p, b, on)]


class TestProtokoll:
    def test_a_protokoll_not_yet_justerat_is_not_posted(self) -> None:
        assert up([protokoll(justerat_on=None)], [], date(2022, 10, 5)) == []

    def test_the_recorded_anslag_date_counts_and_nothing_is_up_before_it(self) -> None:
        p = protokoll(anslag_date=date(2022, 9, 30))
        assert up([p], [], date(2022, 9, 29)) == []
        assert up([p], [], date(2022, 9, 30)) == [(PROTOKOLL, date(2022, 9, 30),
                                                   date(2022, 10, 21))]

    def test_without_a_recorded_anslag_it_is_up_the_second_day_after_justering(self) -> None:
        p = protokoll()
        assert up([p], [], JUSTERAT + timedelta(days=1)) == []
        assert up([p], [], JUSTERAT + timedelta(days=2)) == [(PROTOKOLL, date(2022, 10, 1),
                                                              date(2022, 10, 24))]

    def test_it_is_up_through_the_last_day_to_appeal_and_down_the_day_after(self) -> None:
        p = protokoll(anslag_date=date(2022, 9, 30))  # three weeks: Friday 2022-10-21
        [notice] = notices_up([p], [], date(2022, 10, 21))
        assert notice.last_day == date(2022, 10, 21) and notice.down_on == date(2022, 10, 22)
        assert up([p], [], date(2022, 10, 22)) == []

    def test_a_last_day_on_a_weekend_runs_to_the_next_weekday(self) -> None:
        p = protokoll(anslag_date=date(2022, 10, 1))  # a Saturday; +3 weeks is Saturday 10-22
        assert up([p], [], date(2022, 10, 24)) == [(PROTOKOLL, date(2022, 10, 1),
                                                    date(2022, 10, 24))]
        assert up([p], [], date(2022, 10, 25)) == []

    def test_the_notice_names_the_namnd_the_paragraphs_and_where_it_is_kept(self) -> None:
        [notice] = notices_up([protokoll(anslag_date=date(2022, 9, 30))], [], date(2022, 10, 3))
        assert notice.title == "Protokoll Vård- och omsorgsnämnden 2022-09-27"
        assert notice.paragraphs == "§§ 67–72" and notice.forvaring == FORVARING
        assert notice.beslut_date == date(2022, 9, 27) and notice.notice_id == MEETING

    def test_paragraph_ranges(self) -> None:
        assert paragraph_range((70, 67, 72)) == "§§ 67–72"
        assert paragraph_range((5,)) == "§ 5"
        assert paragraph_range(()) is None


class TestDelegationsbeslut:
    def test_an_anslaget_beslut_open_to_laglighetsprovning_is_posted_from_its_anslag(
            self) -> None:
        b = beslut()
        assert up([], [b], date(2022, 10, 2)) == []
        assert up([], [b], date(2022, 10, 3)) == [(DELEGATIONSBESLUT, date(2022, 10, 3),
                                                   date(2022, 10, 24))]
        assert up([], [b], date(2022, 10, 24)) != []
        assert up([], [b], date(2022, 10, 25)) == []

    def test_its_last_day_on_a_weekend_runs_to_the_next_weekday(self) -> None:
        b = replace(beslut(anslag_date=date(2022, 10, 1)), decided_on=date(2022, 9, 30))
        assert up([], [b], date(2022, 10, 24)) == [(DELEGATIONSBESLUT, date(2022, 10, 1),
                                                    date(2022, 10, 24))]
        assert up([], [b], date(2022, 10, 25)) == []

    def test_a_beslut_not_open_to_laglighetsprovning_is_not_posted(self) -> None:
        assert up([], [beslut(laglighetsprovning=False)], date(2022, 10, 5)) == []
        assert up([], [beslut(laglighetsprovning=None)], date(2022, 10, 5)) == []

    def test_a_beslut_not_anslaget_is_not_posted(self) -> None:
        assert up([], [beslut(anslag_date=None)], date(2022, 10, 5)) == []

    def test_a_beslut_anslaget_with_the_protokoll_it_was_anmalt_in_is_not_posted_on_its_own(
            self) -> None:
        p = protokoll(anslag_date=date(2022, 10, 3))
        b = beslut(anslag_date=date(2022, 10, 3), listed_on=MEETING)
        assert [k for k, *_ in up([p], [b], date(2022, 10, 5))] == [PROTOKOLL]

    def test_a_listed_beslut_anslaget_on_its_own_before_the_protokoll_keeps_its_notice(
            self) -> None:
        p = protokoll(anslag_date=date(2022, 10, 6))
        b = beslut(anslag_date=date(2022, 10, 3), listed_on=MEETING)
        assert up([p], [b], date(2022, 10, 4)) == [(DELEGATIONSBESLUT, date(2022, 10, 3),
                                                    date(2022, 10, 24))]

    def test_the_notice_names_the_row_arende_lagrum_and_delegat(self) -> None:
        b = beslut()
        [notice] = notices_up([], [b], date(2022, 10, 3))
        assert notice.notice_id == b.beslut_id and notice.arende_ref == "2022.301 VON"
        assert notice.arende == "2.1.2 Beslut i ärende som inte är av principiell beskaffenhet"
        assert notice.title == "Delegationsbeslut Vård- och omsorgsnämnden 2022-10-03, 2022.301 VON"
        assert notice.lagrum == "6 kap. 37 § KL" and notice.delegat == "Förvaltningschef"
        assert notice.beslut_date == date(2022, 10, 3) and notice.forvaring == FORVARING


def test_the_most_recently_posted_notice_comes_first() -> None:
    p = protokoll(anslag_date=date(2022, 9, 30))
    b = beslut(anslag_date=date(2022, 10, 3))
    assert [k for k, *_ in up([p], [b], date(2022, 10, 5))] == [DELEGATIONSBESLUT, PROTOKOLL]


def test_the_feed_id_is_stable_per_namnd() -> None:
    assert feed_id("VON") == feed_id("von") != feed_id("SN")
