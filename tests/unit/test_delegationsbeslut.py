"""Delegationsbeslut on the VON rows: delegat, ersättare, limits, jäv, version in force."""

from __future__ import annotations

from datetime import date

import pytest

from domain.delegation_commands import DeclareJav
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV
from tests.unit.von_delegation import (
    AU_LEDAMOT,
    AVDELNINGSCHEF_MYNDIGHET,
    ENHETSCHEF_BJARKEGARDEN,
    ENHETSCHEF_MYNDIGHET,
    FORVALTNINGSCHEF,
    ORDFORANDE,
    STF_FORVALTNINGSCHEF,
    VICE_ORDFORANDE,
    decide,
    ledger,
    load_von,
)

OCT = date(2022, 10, 3)


@pytest.fixture
def von(clock: ManualClock) -> TestEngine:
    app = TestEngine(env=dict(MEMORY_ENV), clock=clock)
    load_von(app)
    return app


def _refusal(von: TestEngine, error: type[Exception], person: str, row: str, on: date = OCT,
             **fields: object) -> Exception:
    with pytest.raises(error) as refused:
        decide(von, person, row, on, **fields)
    return refused.value


class TestRecording:
    def test_records_the_beslut_pa_namndens_vagnar_with_row_and_lagrum(
            self, von: TestEngine) -> None:
        result = decide(von, FORVALTNINGSCHEF, "3.3.2", OCT, amount=18)
        facts = von.get(result.aggregate_id, Delegationsbeslut).facts
        assert facts.vagnar == "På vård- och omsorgsnämndens vägnar"
        assert (facts.row_nr, facts.lagrum, facts.ordning_version) == (
            "3.3.2", "7 § och 9 § 2 punkten LSS", 2)
        assert (facts.delegat_role, facts.via, facts.must_be_anmald) == (
            "forvaltningschef", "ordinarie", False)

    def test_a_repeated_command_records_nothing_new(self, von: TestEngine) -> None:
        first = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT, command_id="c-1")
        again = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT, command_id="c-1")
        assert again.duplicate and again.aggregate_id == first.aggregate_id

    def test_someone_who_is_not_the_delegat_is_refused(self, von: TestEngine) -> None:
        refused = _refusal(von, NotAuthorisedError, AVDELNINGSCHEF_MYNDIGHET, "2.1.3")
        assert refused.rule == "ej_delegat"  # type: ignore[attr-defined]
        assert "rad 2.1.3, 12 § FL" in str(refused) and "förvaltningschef" in str(refused)


class TestLimits:
    def test_over_the_limit_names_the_right_delegat(self, von: TestEngine) -> None:
        refused = _refusal(von, RuleViolationError, FORVALTNINGSCHEF, "3.3.2", amount=25)
        assert refused.rule == "over_beloppsgrans"  # type: ignore[attr-defined]
        assert "b) arbetsutskottet (AU)" in str(refused) and "7 § och 9 § 2 punkten LSS" in str(
            refused)

    def test_the_arbetsutskott_decides_over_the_limit(self, von: TestEngine) -> None:
        result = decide(von, AU_LEDAMOT, "3.3.2", OCT, amount=25)
        assert von.get(result.aggregate_id, Delegationsbeslut).facts.delegat_role == "au"

    def test_exactly_at_the_limit_is_still_the_lower_delegat(self, von: TestEngine) -> None:
        decide(von, FORVALTNINGSCHEF, "3.3.2", OCT, amount=20)
        assert _refusal(von, RuleViolationError, AU_LEDAMOT, "3.3.2", amount=20)

    def test_a_row_with_a_limit_needs_the_amount(self, von: TestEngine) -> None:
        refused = _refusal(von, InvalidInputError, FORVALTNINGSCHEF, "3.3.2")
        assert refused.rule == "belopp_saknas"  # type: ignore[attr-defined]

    def test_enhetschef_myndighetsavdelningen_means_an_enhetschef_there(
            self, von: TestEngine) -> None:
        decide(von, ENHETSCHEF_MYNDIGHET, "3.3.3", OCT, amount=15)
        refused = _refusal(von, NotAuthorisedError, ENHETSCHEF_BJARKEGARDEN, "3.3.3", amount=15)
        assert refused.rule == "ej_delegat"  # type: ignore[attr-defined]
        over = _refusal(von, RuleViolationError, ENHETSCHEF_MYNDIGHET, "3.3.3", amount=30)
        assert "b) förvaltningschef" in str(over)


class TestOrdningInForce:
    def test_a_row_added_by_the_revision_cannot_be_used_before_it(self, von: TestEngine) -> None:
        refused = _refusal(von, RuleViolationError, FORVALTNINGSCHEF, "3.3.2",
                           date(2022, 6, 1), amount=10)
        assert refused.rule == "rad_saknas_i_gallande_ordning"  # type: ignore[attr-defined]
        assert "§ 2" in str(refused)

    def test_nothing_is_delegated_before_the_first_version(self, von: TestEngine) -> None:
        refused = _refusal(von, RuleViolationError, FORVALTNINGSCHEF, "2.1.3", date(2021, 12, 1))
        assert refused.rule == "ingen_delegationsordning"  # type: ignore[attr-defined]

    def test_verkstallighet_is_not_recorded_as_delegation(self, von: TestEngine) -> None:
        refused = _refusal(von, RuleViolationError, FORVALTNINGSCHEF, "1.9.2")
        assert refused.rule == "verkstallighet_ar_inte_delegation"  # type: ignore[attr-defined]

    def test_a_non_delegable_matter_is_refused(self, von: TestEngine) -> None:
        refused = _refusal(von, RuleViolationError, FORVALTNINGSCHEF, "1.5.1")
        assert refused.rule == "ej_delegerbart_arende"  # type: ignore[attr-defined]
        assert "6 kap. 38 § KL" in str(refused)


class TestErsattare:
    def test_the_vikarie_decides_while_the_delegate_is_on_semester(self, von: TestEngine) -> None:
        semester = date(2022, 8, 3)
        result = decide(von, STF_FORVALTNINGSCHEF, "2.1.3", semester)
        facts = von.get(result.aggregate_id, Delegationsbeslut).facts
        assert (facts.via, facts.on_behalf_of) == ("vikarie", FORVALTNINGSCHEF)
        assert _refusal(von, NotAuthorisedError, FORVALTNINGSCHEF, "2.1.3", semester)

    def test_stallforetradande_decides_only_when_the_forvaltningschef_is_absent(
            self, von: TestEngine) -> None:
        refused = _refusal(von, NotAuthorisedError, STF_FORVALTNINGSCHEF, "2.1.3")
        assert refused.rule == "ej_delegat"  # type: ignore[attr-defined]
        result = decide(von, STF_FORVALTNINGSCHEF, "2.1.3", OCT,
                        ersattare_for=FORVALTNINGSCHEF, franvaro="frånvaro")
        facts = von.get(result.aggregate_id, Delegationsbeslut).facts
        assert (facts.via, facts.delegat_role) == ("ersattare",
                                                   "stallforetradande_forvaltningschef")

    def test_an_ersattare_without_a_stated_absence_is_refused(self, von: TestEngine) -> None:
        refused = _refusal(von, NotAuthorisedError, AVDELNINGSCHEF_MYNDIGHET, "3.3.3",
                           amount=15, ersattare_for=ENHETSCHEF_MYNDIGHET)
        assert refused.rule == "ej_franvarande"  # type: ignore[attr-defined]

    def test_narmaste_chef_decides_when_there_is_no_other_ersattare(self, von: TestEngine) -> None:
        result = decide(von, AVDELNINGSCHEF_MYNDIGHET, "3.3.3", OCT, amount=15,
                        ersattare_for=ENHETSCHEF_MYNDIGHET, franvaro="frånvaro")
        assert von.get(result.aggregate_id, Delegationsbeslut).facts.via == "narmaste_chef"

    def test_vice_ordforande_stands_in_for_the_ordforande_before_the_au(
            self, von: TestEngine) -> None:
        decide(von, VICE_ORDFORANDE, "2.1.8", OCT, ersattare_for=ORDFORANDE, franvaro="frånvaro")
        refused = _refusal(von, NotAuthorisedError, AU_LEDAMOT, "2.1.8",
                           ersattare_for=ORDFORANDE, franvaro="frånvaro")
        assert refused.rule == "ej_delegat"  # type: ignore[attr-defined]

    def test_an_au_ledamot_decides_when_the_vice_ordforande_is_javig_too(
            self, von: TestEngine) -> None:
        von.execute(DeclareJav(namnd_code="VON", arende_ref="2022.301 VON", on=OCT,
                                   grounds="Närstående"), VICE_ORDFORANDE)
        result = decide(von, AU_LEDAMOT, "2.1.8", OCT, ersattare_for=ORDFORANDE,
                        franvaro="frånvaro")
        assert von.get(result.aggregate_id, Delegationsbeslut).facts.delegat_role == "au_ledamot"


class TestJav:
    def test_the_javige_may_not_decide_and_the_ersattare_does(self, von: TestEngine) -> None:
        von.execute(DeclareJav(namnd_code="VON", arende_ref="2022.301 VON", on=OCT,
                                   grounds="Delägare i utföraren"), FORVALTNINGSCHEF)
        refused = _refusal(von, NotAuthorisedError, FORVALTNINGSCHEF, "2.1.3")
        assert refused.rule == "jav" and "6 kap. 28 § KL" in str(refused)  # type: ignore[attr-defined]
        result = decide(von, STF_FORVALTNINGSCHEF, "2.1.3", OCT, ersattare_for=FORVALTNINGSCHEF)
        facts = von.get(result.aggregate_id, Delegationsbeslut).facts
        assert facts.on_behalf_of == FORVALTNINGSCHEF

    def test_jav_in_one_arende_does_not_stop_the_delegate_in_another(
            self, von: TestEngine) -> None:
        von.execute(DeclareJav(namnd_code="VON", arende_ref="2022.301 VON", on=OCT,
                                   grounds="Närstående"), FORVALTNINGSCHEF)
        decide(von, FORVALTNINGSCHEF, "2.1.3", OCT, arende_ref="2022.302 VON")


class TestAnmalningsplikt:
    def test_a_bradskande_ordforandebeslut_always_awaits_anmalan(self, von: TestEngine) -> None:
        result = decide(von, ORDFORANDE, "2.1.1", OCT, laglighetsprovning=False)
        assert von.get(result.aggregate_id, Delegationsbeslut).facts.must_be_anmald
        assert ledger(von).is_pending(result.aggregate_id)

    def test_an_ordforandebeslut_needs_no_laglighetsprovning_flag(
            self, von: TestEngine) -> None:
        """6 kap. 39 § KL: always anmält at the next sammanträde, whatever the answer;
        unstated, it stays unstated (not anslaget on its own)."""
        result = decide(von, ORDFORANDE, "2.1.1", OCT)
        facts = von.get(result.aggregate_id, Delegationsbeslut).facts
        assert (facts.must_be_anmald, facts.laglighetsprovning, facts.anmalan) == (
            True, None, "ska")
        assert ledger(von).is_pending(result.aggregate_id)

    def test_a_row_marked_anmals_ej_never_awaits_anmalan(self, von: TestEngine) -> None:
        result = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT)
        assert not ledger(von).is_pending(result.aggregate_id)

    def test_andring_is_anmald_only_when_laglighetsprovning_applies(self, von: TestEngine) -> None:
        original = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT).aggregate_id
        yes = decide(von, FORVALTNINGSCHEF, "2.1.2", OCT, original_beslut_id=original,
                     laglighetsprovning=True).aggregate_id
        no = decide(von, FORVALTNINGSCHEF, "2.1.2", OCT, original_beslut_id=original,
                    laglighetsprovning=False).aggregate_id
        assert set(ledger(von).pending) == {str(yes)}
        assert no != yes
        refused = _refusal(von, InvalidInputError, FORVALTNINGSCHEF, "2.1.2",
                           original_beslut_id=original)
        assert refused.rule == "laglighetsprovning_saknas"  # type: ignore[attr-defined]


class TestDelegatIUrsprungsarendet:
    def test_only_the_original_decider_or_their_ersattare_reconsiders(
            self, von: TestEngine) -> None:
        original = decide(von, FORVALTNINGSCHEF, "2.1.3", OCT).aggregate_id
        decide(von, FORVALTNINGSCHEF, "2.1.5", OCT, original_beslut_id=original)
        assert _refusal(von, NotAuthorisedError, AVDELNINGSCHEF_MYNDIGHET, "2.1.5",
                        original_beslut_id=original)
        decide(von, STF_FORVALTNINGSCHEF, "2.1.5", OCT, original_beslut_id=original,
               ersattare_for=FORVALTNINGSCHEF, franvaro="frånvaro")
