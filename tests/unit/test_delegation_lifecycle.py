"""After the decision: anslag, överklagande, laga kraft, and the protokoll's order of steps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from application.bus import CommandResult
from domain import delegation_commands as dc
from domain import system_commands as sc
from domain.authority import acting_in_any
from domain.base import Actor, Cause
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV
from tests.unit.von_delegation import (
    FORVALTNINGSCHEF,
    LEDAMOT,
    ORDFORANDE,
    SEKRETERARE,
    decide,
    load_von,
)
from tests.unit.von_meetings import add, schedule

OCT = date(2022, 10, 3)
AT = datetime(2022, 10, 20, tzinfo=UTC)


@pytest.fixture
def von(clock: ManualClock) -> TestEngine:
    app = TestEngine(env=dict(MEMORY_ENV), clock=clock)
    load_von(app)
    return app


def _appealable(von: TestEngine) -> UUID:
    return decide(von, ORDFORANDE, "2.1.1", OCT, laglighetsprovning=True).aggregate_id


def _ansla(von: TestEngine, beslut: UUID, on: date) -> None:
    von.execute(dc.AnslaDelegationsbeslut(beslut_id=beslut, anslag_date=on), SEKRETERARE)


def _overklaga(von: TestEngine, beslut: UUID, on: date) -> None:
    von.execute(dc.RegisterOverklagande(
        beslut_id=beslut, received_on=on, reference="FR mål 1-22"), SEKRETERARE)


def _laga_kraft(von: TestEngine, beslut: UUID, at: datetime) -> CommandResult:
    return von.execute_system(sc.RecordLagaKraft(
        command_id=sc.laga_kraft_key(beslut), occurred_at=at, beslut_id=beslut))


def _rule(excinfo: pytest.ExceptionInfo[Exception]) -> str:
    return str(getattr(excinfo.value, "rule", ""))


class TestAnslagAndLagaKraft:
    def test_only_beslut_open_to_laglighetsprovning_are_anslagna(self, von: TestEngine) -> None:
        beslut = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT).aggregate_id
        with pytest.raises(RuleViolationError) as refused:
            _ansla(von, beslut, OCT)
        assert _rule(refused) == "anslag_kraver_laglighetsprovning"

    def test_a_beslut_is_anslaget_once_and_not_before_it_was_taken(self, von: TestEngine) -> None:
        beslut = _appealable(von)
        with pytest.raises(RuleViolationError) as early:
            _ansla(von, beslut, date(2022, 10, 2))
        assert _rule(early) == "anslag_fore_beslut"
        _ansla(von, beslut, OCT)
        with pytest.raises(RuleViolationError) as again:
            _ansla(von, beslut, date(2022, 10, 4))
        assert _rule(again) == "redan_anslaget"

    def test_the_anslag_needs_the_secretary_or_ordforande(self, von: TestEngine) -> None:
        beslut = _appealable(von)
        with pytest.raises(NotAuthorisedError):
            von.execute(dc.AnslaDelegationsbeslut(
                beslut_id=beslut, anslag_date=OCT), FORVALTNINGSCHEF)

    def test_an_overklagande_needs_the_anslag_and_must_come_in_time(
            self, von: TestEngine) -> None:
        beslut = _appealable(von)
        with pytest.raises(RuleViolationError) as not_posted:
            _overklaga(von, beslut, OCT)
        assert _rule(not_posted) == "ej_anslaget"
        _ansla(von, beslut, OCT)  # last day 2022-10-24
        with pytest.raises(RuleViolationError) as late:
            _overklaga(von, beslut, date(2022, 10, 25))
        assert _rule(late) == "overklagande_for_sent"
        _overklaga(von, beslut, date(2022, 10, 24))
        assert von.get(beslut, Delegationsbeslut).status == "overklagat"

    def test_laga_kraft_only_after_the_overklagandetid_and_without_overklagande(
            self, von: TestEngine) -> None:
        beslut = _appealable(von)
        _ansla(von, beslut, OCT)
        with pytest.raises(RuleViolationError) as running:
            _laga_kraft(von, beslut, datetime(2022, 10, 24, 21, tzinfo=UTC))
        assert _rule(running) == "overklagandetid_lopande"
        _laga_kraft(von, beslut, datetime(2022, 10, 24, 22, tzinfo=UTC))  # 00:00 lokal
        assert von.get(beslut, Delegationsbeslut).laga_kraft_on == date(2022, 10, 25)
        with pytest.raises(RuleViolationError) as after:
            _overklaga(von, beslut, date(2022, 10, 24))
        assert _rule(after) == "redan_laga_kraft"

    def test_an_overklagat_beslut_does_not_gain_laga_kraft(self, von: TestEngine) -> None:
        beslut = _appealable(von)
        _ansla(von, beslut, OCT)
        _overklaga(von, beslut, date(2022, 10, 10))
        # The workflow's timer may still fire: nothing is recorded for an överklagat beslut.
        result = _laga_kraft(von, beslut, datetime(2022, 11, 1, tzinfo=UTC))
        assert result.recorded == ()
        overklagat = von.get(beslut, Delegationsbeslut)
        assert overklagat.status == "overklagat" and overklagat.laga_kraft_on is None
        with pytest.raises(RuleViolationError) as refused:
            overklagat.gain_laga_kraft(Cause(Actor.system(), datetime(2022, 11, 1, tzinfo=UTC)))
        assert _rule(refused) == "overklagat"


class TestProtokollOrder:
    def test_the_cut_off_lies_before_the_meeting(self, von: TestEngine) -> None:
        with pytest.raises(InvalidInputError):
            schedule(von, date(2022, 10, 25), cutoff_days=0)

    def test_beslut_are_recorded_only_while_the_protokoll_is_open(self, von: TestEngine) -> None:
        mid = schedule(von, date(2022, 10, 25))
        add(von, mid, "2022.228 VON", "Ärende")
        cmd = dc.RecordArendeBeslut(meeting_id=mid, dnr="2022.228 VON", beslut="Bifall")
        with pytest.raises(RuleViolationError) as closed:
            von.execute(cmd, SEKRETERARE)
        assert _rule(closed) == "protokoll_ej_oppet"
        von.execute(dc.OpenProtokoll(meeting_id=mid), SEKRETERARE)
        von.execute(cmd, SEKRETERARE)
        with pytest.raises(RuleViolationError) as twice:
            von.execute(dc.RecordArendeBeslut(
                meeting_id=mid, dnr="2022.228 VON", beslut="Avslag"), SEKRETERARE)
        assert _rule(twice) == "redan_beslutat"

    def test_justering_waits_for_every_beslut_and_the_utsedd_justerare(
            self, von: TestEngine) -> None:
        mid = schedule(von, date(2022, 10, 25))
        add(von, mid, "2022.228 VON", "Ärende")
        von.execute(dc.DesignateJusterare(meeting_id=mid, justerare=LEDAMOT), SEKRETERARE)
        von.execute(dc.OpenProtokoll(meeting_id=mid), SEKRETERARE)
        justera = dc.Justera(meeting_id=mid, on=date(2022, 10, 27))
        with pytest.raises(RuleViolationError) as undecided:
            von.execute(justera, ORDFORANDE)
        assert _rule(undecided) == "beslut_saknas"
        von.execute(dc.RecordArendeBeslut(
            meeting_id=mid, dnr="2022.228 VON", beslut="Bifall"), SEKRETERARE)
        with pytest.raises(NotAuthorisedError) as stranger:
            von.execute(justera, SEKRETERARE)
        assert _rule(stranger) == "ej_justerare"
        with pytest.raises(InvalidInputError):
            von.execute(dc.Justera(meeting_id=mid, on=date(2022, 10, 24)), LEDAMOT)
        with pytest.raises(RuleViolationError) as not_posted:
            von.execute_system(sc.ExpedieraProtokoll(
                command_id=sc.meeting_step_key("expediering", mid), occurred_at=AT,
                meeting_id=mid))
        assert _rule(not_posted) == "ej_anslaget"

    def test_a_justerare_must_be_a_member_of_the_namnd(self, von: TestEngine) -> None:
        mid = schedule(von, date(2022, 10, 25))
        with pytest.raises(NotAuthorisedError):
            von.execute(dc.DesignateJusterare(
                meeting_id=mid, justerare=FORVALTNINGSCHEF), SEKRETERARE)

    def test_beslut_not_subject_to_anmalan_never_go_on_a_list(self, von: TestEngine) -> None:
        beslut = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT).aggregate_id
        mid = schedule(von, date(2022, 10, 25))
        with pytest.raises(RuleViolationError) as refused:
            secretary = acting_in_any(von.organisation("VON"), SEKRETERARE,
                                      ("namndsekreterare",), AT)
            von.get(beslut, Delegationsbeslut).place_on_list(
                mid, Cause(secretary, AT, recorded_at=von.clock()))
        assert _rule(refused) == "anmals_ej"
