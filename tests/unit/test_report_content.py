"""Indicators, bedömning with suggestion and override, and ekonomi on a UnitReport."""

from __future__ import annotations

from typing import Any

import pytest

from domain import commands as c
from domain.errors import InvalidInputError, NotAuthorisedError, RuleViolationError
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
MAL = "mal-trygg-vard"
INSATSTID = c.IndicatorInput(  # seed 004, l.430: lower is better, reached
    indicator_id="insatstid", name="Genomsnittlig insatstid, antal dagar", direction="lower",
    malvarde="302", source="Lifecare",
    utfall=[c.UtfallInput(period="2022", totalt="318"),
            c.UtfallInput(period="2023-08-31", totalt="291", kvinnor="282", man="300")])


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def report(app: TestEngine) -> UnitReport:
    return app.get(EKHAGEN, UnitReport)


def record(app: TestEngine, indicator: c.IndicatorInput = INSATSTID, person: str = "anna") -> None:
    app.execute(c.RecordIndicator(report_id=EKHAGEN, item_id=MAL, indicator=indicator), person)


class TestIndicators:
    def test_recorded_indicator_keeps_splits_and_missing_values(self, von: TestEngine) -> None:
        record(von, INSATSTID.model_copy(update={"utfall": [
            c.UtfallInput(period="2022", totalt="IU"),
            c.UtfallInput(period="2023", totalt="291", kvinnor="282", man="-")]}))
        stored = report(von).indicators[MAL]["insatstid"]
        assert stored["utfall"][0]["totalt"] is None
        assert stored["utfall"][1] == {"period": "2023", "totalt": "291", "kvinnor": "282",
                                       "man": None, "note": None}

    def test_only_the_enhetschef_records_indicators(self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError):
            record(von, person="bertil")

    def test_indicators_belong_to_goals_only(self, von: TestEngine) -> None:
        with pytest.raises(InvalidInputError) as err:
            von.execute(c.RecordIndicator(report_id=EKHAGEN, item_id="ik-bestallningar",
                                          indicator=INSATSTID), "anna")
        assert err.value.rule == "goal_item"

    def test_a_klarmarkerad_report_must_be_reopened_first(self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        with pytest.raises(RuleViolationError) as err:
            record(von)
        assert err.value.rule == "reopen_before_edit"


class TestBedomning:
    def test_following_the_suggestion_needs_no_motivering(self, von: TestEngine) -> None:
        record(von)
        von.execute(c.SetBedomning(report_id=EKHAGEN, item_id=MAL, bedomning="Helt uppfyllt"),
                    "anna")
        r = report(von)
        assert r.assessments[MAL] == {"suggestion": "Helt uppfyllt", "bedomning": "Helt uppfyllt",
                                      "overridden": False, "motivering": None}
        assert r.items[MAL].values["bedomning"] == "Helt uppfyllt"

    def test_override_without_motivering_is_refused(self, von: TestEngine) -> None:
        record(von)
        for motivering in (None, "   "):
            with pytest.raises(RuleViolationError) as err:
                von.execute(c.SetBedomning(report_id=EKHAGEN, item_id=MAL,
                                           bedomning="Delvis uppfyllt", motivering=motivering),
                            "anna")
            assert err.value.rule == "override_requires_motivering"
        assert MAL not in report(von).assessments

    def test_override_with_motivering_records_both(self, von: TestEngine) -> None:
        record(von)
        von.execute(c.SetBedomning(report_id=EKHAGEN, item_id=MAL, bedomning="Delvis uppfyllt",
                                   motivering="Insatstiden ökar igen under hösten"), "anna")
        event = list(von.aggregate_events(EKHAGEN))[-1]
        assert type(event).__name__ == "BedomningSet"
        assert (event.suggestion, event.bedomning, event.overridden, event.motivering) == (
            "Helt uppfyllt", "Delvis uppfyllt", True, "Insatstiden ökar igen under hösten")

    def test_without_indicators_the_suggestion_is_ej_utvarderad(self, von: TestEngine) -> None:
        with pytest.raises(RuleViolationError):
            von.execute(c.SetBedomning(report_id=EKHAGEN, item_id=MAL, bedomning="Helt uppfyllt"),
                        "anna")
        von.execute(c.SetBedomning(report_id=EKHAGEN, item_id=MAL, bedomning="Ej utvärderad"),
                    "anna")

    def test_bedomning_cannot_bypass_the_suggestion_via_change_item(self, von: TestEngine) -> None:
        with pytest.raises(RuleViolationError) as err:
            von.execute(c.ChangeItem(report_id=EKHAGEN, item_id=MAL, field="bedomning",
                                     value="Helt uppfyllt"), "anna")
        assert err.value.rule == "bedomning_via_assessment"


def drift(kostnader_utfall: int) -> c.RecordEkonomi:
    def row(label: str, role: str, utfall: int) -> dict[str, Any]:
        return {"label": label, "role": role, "values": {"utfall": utfall}}
    return c.RecordEkonomi.model_validate({
        "report_id": EKHAGEN, "kind": "drift", "columns": {"utfall": "Delår 2023"},
        "rows": [row("Intäkter", "intakter", 100), row("Personal", "kostnadsgrupp", -300),
                 row("Övrigt", "kostnadsgrupp", -200),
                 row("Kostnader", "kostnader", kostnader_utfall),
                 row("Netto", "netto", 100 + kostnader_utfall)]})


class TestEkonomi:
    def test_a_slip_is_saved_and_flagged_with_the_expected_value(self, von: TestEngine) -> None:
        von.execute(drift(kostnader_utfall=-520), "anna")
        r = report(von)
        assert r.ekonomi["drift"]["rows"][3]["values"]["utfall"] == "-520"
        [slip] = r.arithmetic_slips
        assert (slip["row"], slip["stated"], slip["expected"]) == ("Kostnader", "-520", "-500")

    def test_rounding_is_recorded_but_is_no_slip(self, von: TestEngine) -> None:
        von.execute(drift(kostnader_utfall=-501), "anna")
        r = report(von)
        assert [f["rounding"] for f in r.ekonomi_flags["drift"]] == [True]
        assert r.arithmetic_slips == []
