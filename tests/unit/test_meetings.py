"""Sammanträden: ärendelista, continuous §§, anmälningslista, justering, anslag."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain import delegation_commands as dc
from domain import system_commands as sc
from domain.cycle import BESLUT_RECORDED, Cycle
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from domain.legal_time import overklagandetid_last_day
from domain.meeting import Meeting
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine, fact_key
from tests.support.org import CYCLE, build_organisation, open_delar_2022
from tests.support.stores import MEMORY_ENV
from tests.unit.von_delegation import (
    FORVALTNINGSCHEF,
    LEDAMOT,
    ORDFORANDE,
    SEKRETERARE,
    STF_FORVALTNINGSCHEF,
    decide,
    ledger,
    load_von,
)
from tests.unit.von_meetings import (
    ANMALAN_DNR,
    add,
    ansla_protokoll,
    compile_anmalningslista,
    hold,
    justera,
    remind_justering,
    schedule,
)

SEPT = date(2022, 9, 27)
AT = datetime(2022, 9, 20, 8, tzinfo=UTC)


@pytest.fixture
def von(clock: ManualClock) -> TestEngine:
    app = TestEngine(env=dict(MEMORY_ENV), clock=clock)
    load_von(app)
    return app


def meeting(app: TestEngine, mid: UUID) -> Meeting:
    return app.get(mid, Meeting)


class TestArendelista:
    def test_diarienummer_must_be_in_the_namnds_format(self, von: TestEngine) -> None:
        mid = schedule(von, SEPT)
        with pytest.raises(InvalidInputError):
            add(von, mid, "2022.228 SN", "Fel nämnd")
        with pytest.raises(ValueError):
            add(von, mid, "228/2022", "Fel format")

    def test_only_the_secretary_or_ordforande_keeps_the_list(self, von: TestEngine) -> None:
        mid = schedule(von, SEPT)
        with pytest.raises(NotAuthorisedError):
            von.execute(dc.AddArende(meeting_id=mid, dnr="2022.228 VON", rubrik="x"),
                        FORVALTNINGSCHEF)

    def test_the_list_is_locked_once_the_meeting_is_held(self, von: TestEngine) -> None:
        mid = schedule(von, SEPT)
        add(von, mid, "2022.228 VON", "Redovisning av avvikelser")
        hold(von, mid)
        with pytest.raises(RuleViolationError) as refused:
            add(von, mid, "2022.229 VON", "Delårsbokslut")
        assert refused.value.rule == "arendelista_last"


class TestParagraphs:
    def test_paragraphs_run_on_across_the_years_meetings(self, von: TestEngine) -> None:
        aug, sept = schedule(von, date(2022, 8, 30)), schedule(von, SEPT)
        for dnr in ("2022.190 VON", "2022.199 VON"):
            add(von, aug, dnr, "Ärende")
        for dnr in ("2022.228 VON", "2022.227 VON", "2022.229 VON"):
            add(von, sept, dnr, "Ärende")
        hold(von, aug)
        hold(von, sept)
        numbers = [a.paragraph for m in (aug, sept) for a in meeting(von, m).arenden]
        assert numbers == [1, 2, 3, 4, 5]

    def test_an_earlier_meeting_cannot_be_numbered_after_a_later_one(
            self, von: TestEngine) -> None:
        aug, sept = schedule(von, date(2022, 8, 30)), schedule(von, SEPT)
        add(von, aug, "2022.190 VON", "Ärende")
        add(von, sept, "2022.228 VON", "Ärende")
        hold(von, sept)
        with pytest.raises(RuleViolationError) as refused:
            von.execute(dc.OpenProtokoll(meeting_id=aug), SEKRETERARE)
        assert refused.value.rule == "paragraf_ordning"

    def test_opening_the_protokoll_twice_takes_no_new_numbers(self, von: TestEngine) -> None:
        mid = schedule(von, SEPT)
        add(von, mid, "2022.228 VON", "Ärende")
        cmd = dc.OpenProtokoll(meeting_id=mid)
        von.execute(cmd, SEKRETERARE)
        assert von.execute(cmd, SEKRETERARE).duplicate
        with pytest.raises(RuleViolationError):
            von.execute(dc.OpenProtokoll(meeting_id=mid), SEKRETERARE)


class TestAnmalan:
    def test_each_anmalningspliktigt_beslut_lands_on_exactly_one_list(
            self, von: TestEngine) -> None:
        early = decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 1),
                       laglighetsprovning=True).aggregate_id
        late = decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 25),
                      laglighetsprovning=False).aggregate_id
        decide(von, FORVALTNINGSCHEF, "2.1.3", date(2022, 9, 2))  # anmäls ej
        sept, octo = schedule(von, SEPT), schedule(von, date(2022, 10, 25))
        compile_anmalningslista(von, sept, AT)
        compile_anmalningslista(von, sept, AT)  # a retried activity adds nothing
        compile_anmalningslista(von, octo, AT)
        assert meeting(von, sept).anmalningslista == [early]
        assert meeting(von, octo).anmalningslista == [late]
        assert meeting(von, sept).arende(ANMALAN_DNR).rubrik == "Anmälan av delegationsbeslut 2022"

    def test_the_protokoll_records_the_listed_beslut_as_anmalda(self, von: TestEngine) -> None:
        beslut = decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 1),
                        laglighetsprovning=True).aggregate_id
        mid = schedule(von, SEPT)
        add(von, mid, "2022.228 VON", "Redovisning av avvikelser")
        compile_anmalningslista(von, mid, AT)
        hold(von, mid)
        assert von.get(beslut, Delegationsbeslut).anmald_paragraph == "§ 2"


class TestJusteringAndAnslag:
    def _held(self, von: TestEngine) -> UUID:
        mid = schedule(von, SEPT)
        add(von, mid, "2022.228 VON", "Redovisning av avvikelser")
        compile_anmalningslista(von, mid, AT)
        hold(von, mid)
        return mid

    def test_justering_needs_both_ordforande_and_justerare(self, von: TestEngine) -> None:
        decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 1), laglighetsprovning=True)
        mid = self._held(von)
        von.execute(dc.Justera(meeting_id=mid, on=date(2022, 9, 30)), ORDFORANDE)
        assert meeting(von, mid).pending_signatories() == ["justerare"]
        with pytest.raises(RuleViolationError):
            ansla_protokoll(von, mid, date(2022, 9, 30), AT)
        with pytest.raises(NotAuthorisedError):
            von.execute(dc.Justera(meeting_id=mid, on=date(2022, 9, 30)), FORVALTNINGSCHEF)
        von.execute(dc.Justera(meeting_id=mid, on=date(2022, 9, 30)), LEDAMOT)
        assert meeting(von, mid).status == "justerat"

    def test_anslag_starts_the_overklagandetid_of_the_anmalda_beslut(
            self, von: TestEngine) -> None:
        appealable = decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 1),
                            laglighetsprovning=True).aggregate_id
        decide(von, ORDFORANDE, "2.1.1", date(2022, 9, 2), laglighetsprovning=False)
        mid = self._held(von)
        justera(von, mid, date(2022, 9, 30))
        anslagna = ansla_protokoll(von, mid, date(2022, 10, 3), AT)
        assert [beslut_id for beslut_id, _ in anslagna] == [appealable]
        assert von.get(appealable, Delegationsbeslut).overklagande_last_day == date(2022, 10, 24)

    def test_reminders_go_to_whoever_has_not_signed(self, von: TestEngine) -> None:
        mid = self._held(von)
        von.execute(dc.Justera(meeting_id=mid, on=date(2022, 9, 28)), ORDFORANDE)
        assert remind_justering(von, mid, AT) == [LEDAMOT]
        assert meeting(von, mid).reminders == 1


class TestCycleBeslut:
    def test_the_namnds_beslut_on_a_cycle_is_recorded_on_the_cycle(
            self, clock: ManualClock) -> None:
        app = TestEngine(env=dict(MEMORY_ENV), clock=clock)
        build_organisation(app)
        open_delar_2022(app)
        app.execute_system(sc.RecordUnderlagSent(
            command_id=fact_key("underlag"), occurred_at=AT, cycle_id=CYCLE,
            destination="KLK", reference="ref-1", document_sha256="0" * 64))
        cmd = dc.ScheduleMeeting(namnd_code="VON", meeting_date=SEPT,
                                 starts_at=datetime(2022, 9, 27, 12, tzinfo=UTC),
                                 cutoff=date(2022, 9, 20), anmalan_dnr=ANMALAN_DNR)
        mid = app.execute(cmd, "hans").aggregate_id
        app.execute(dc.AddArende(meeting_id=mid, dnr="2022.229 VON", rubrik="Delårsbokslut",
                                 kind="cykelbeslut", cycle_id=CYCLE), "hans")
        app.execute(dc.OpenProtokoll(meeting_id=mid), "hans")
        app.execute(dc.RecordArendeBeslut(
            meeting_id=mid, dnr="2022.229 VON", beslut="Delårsbokslutet godkänns"), "hans")
        cycle = app.get(CYCLE, Cycle)
        assert (cycle.status, cycle.beslut) == (BESLUT_RECORDED, "Delårsbokslutet godkänns")
        last = list(app.aggregate_events(CYCLE))[-1]
        assert (last.paragraph, last.meeting_id) == ("§ 1", str(mid))


def test_overklagandetid_moves_past_weekends_and_helgdagar() -> None:
    assert overklagandetid_last_day(date(2022, 10, 3)) == date(2022, 10, 24)
    assert overklagandetid_last_day(date(2022, 12, 3)) == date(2022, 12, 27)  # lördag → jul
    assert overklagandetid_last_day(date(2022, 5, 27)) == date(2022, 6, 17)
    assert overklagandetid_last_day(date(2022, 6, 3)) == date(2022, 6, 27)  # midsommarafton


class TestAterlamnande:
    def test_a_handed_back_matter_lands_on_the_next_arendelista_once(
            self, von: TestEngine) -> None:
        von.execute(dc.HandBackMatter(
            namnd_code="VON", row_nr="2.1.3", arende_ref="2022.305 VON",
            rubrik="Begäran om avgörande", on=date(2022, 9, 10),
            reason="Principiell beskaffenhet"), FORVALTNINGSCHEF)
        sept, octo = schedule(von, SEPT), schedule(von, date(2022, 10, 25))
        compile_anmalningslista(von, sept, AT)
        compile_anmalningslista(von, octo, AT)
        assert [a.dnr for a in meeting(von, sept).arenden] == ["2022.305 VON", ANMALAN_DNR]
        assert [a.dnr for a in meeting(von, octo).arenden] == [ANMALAN_DNR]

    def test_only_the_delegate_may_hand_a_matter_back(self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError) as refused:
            von.execute(dc.HandBackMatter(
                namnd_code="VON", row_nr="2.1.3", arende_ref="2022.305 VON", rubrik="x",
                on=date(2022, 9, 10), reason="y"), ORDFORANDE)
        assert refused.value.rule == "ej_delegat"

    def test_on_the_vikaries_dates_the_vikarie_hands_back_and_the_delegat_may_not(
            self, von: TestEngine) -> None:
        semester = date(2022, 8, 3)  # the förvaltningschef's vikarie covers 08-01..07
        with pytest.raises(NotAuthorisedError) as refused:
            von.execute(hand_back("2022.306 VON", semester), FORVALTNINGSCHEF)
        assert refused.value.rule == "ersatt_av_vikarie"
        # By id in the domain; the API words it with the name (api.problems.refusal_text).
        assert str(refused.value).startswith(f"{FORVALTNINGSCHEF} har vikarie den 2022-08-03")
        von.execute(hand_back("2022.306 VON", semester), STF_FORVALTNINGSCHEF)
        matter = ledger(von).handed_back["2022.306 VON"]
        assert matter["person_id"] == STF_FORVALTNINGSCHEF

    def test_after_the_vikaries_dates_the_delegat_hands_back_again(
            self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError):
            von.execute(hand_back("2022.307 VON", date(2022, 8, 8)), STF_FORVALTNINGSCHEF)
        von.execute(hand_back("2022.307 VON", date(2022, 8, 8)), FORVALTNINGSCHEF)
        assert "2022.307 VON" in ledger(von).handed_back


def hand_back(arende_ref: str, on: date) -> dc.HandBackMatter:
    return dc.HandBackMatter(namnd_code="VON", row_nr="2.1.3", arende_ref=arende_ref,
                             rubrik="Ansökan om bistånd", on=on,
                             reason="Ärendet är av principiell beskaffenhet")
