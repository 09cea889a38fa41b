"""The delegationsordning: VON 2022 import, versions in force, what the law forbids."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from application.delegation import OrdningVersionSpec, ensure_delegationsordning
from domain.base import Actor
from domain.delegation import Delegationsordning
from domain.delegation_commands import RevokeDelegation
from domain.delegation_rows import DelegatAlternative, DelegationRow
from domain.errors import NotAuthorisedError, RuleViolationError
from domain.ids import delegationsordning_id
from infrastructure.delegation_import import import_delegationsordning
from infrastructure.importer import DataFileError
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV
from tests.unit.von_delegation import (
    DATA,
    FORVALTNINGSCHEF,
    ORDFORANDE,
    SEKRETERARE,
    decide,
    load_von,
)


@pytest.fixture
def von(clock: ManualClock) -> TestEngine:
    app = TestEngine(env=dict(MEMORY_ENV), clock=clock)
    load_von(app)
    return app


def the_ordning(app: TestEngine) -> Delegationsordning:
    return app.get(delegationsordning_id("VON"), Delegationsordning)


def adopt(app: TestEngine, versions: list[OrdningVersionSpec]) -> None:
    ensure_delegationsordning(app.store, "VON", "Vård- och omsorgsnämnden", versions,
                              Actor.system("import"))


def _version(rows: list[DelegationRow], on: date = date(2023, 1, 1)) -> OrdningVersionSpec:
    return OrdningVersionSpec(on, "2022.005 VON", "§ 99", on, rows)


class TestImportOfTheVonOrdning:
    def test_imports_section_2_1_and_the_personlig_assistans_rows(self, von: TestEngine) -> None:
        ordning = the_ordning(von)
        rows = ordning.version_in_force(date(2022, 10, 1)).rows
        assert {f"2.1.{i}" for i in range(1, 9)} | {"3.3.1", "3.3.2", "3.3.3"} <= set(rows)
        assert rows["2.1.1"].lagrum == "6 kap. 39 § KL" and rows["2.1.1"].bradskande
        band_b = rows["3.3.2"].delegater[1]
        assert (band_b.roles, band_b.over, rows["3.3.2"].limit_unit) == (
            ("au",), 20, "timmar per vecka")

    def test_the_version_in_force_depends_on_the_date(self, von: TestEngine) -> None:
        ordning = the_ordning(von)
        assert ordning.version_in_force(date(2022, 6, 1)).paragraph == "§ 2"
        assert ordning.version_in_force(date(2022, 9, 27)).paragraph == "§ 70"
        assert "3.3.2" not in ordning.version_in_force(date(2022, 9, 26)).rows

    def test_reimporting_changes_nothing(self, von: TestEngine) -> None:
        before = the_ordning(von).version
        import_delegationsordning(von, DATA / "delegationsordning_2022.yaml")
        assert the_ordning(von).version == before

    def test_a_forbidden_row_in_the_file_is_reported_with_file_and_line(
            self, tmp_path: Path, von: TestEngine) -> None:
        text = (DATA / "delegationsordning_2022.yaml").read_text(encoding="utf-8").replace(
            "delegater: [{roles: [au]}], source: \"000 l.17139-17143\"",
            "delegater: [{roles: [enhetschef, ordforande], jointly: true}]")
        bad = tmp_path / "ordning.yaml"
        bad.write_text(text, encoding="utf-8")
        line = next(i for i, t in enumerate(text.splitlines(), 1) if "jointly: true" in t)
        with pytest.raises(DataFileError, match=rf"ordning.yaml:{line}: .*blandad delegering"):
            import_delegationsordning(von, bad)


class TestAdoptionRefusesWhatTheLawForbids:
    @pytest.mark.parametrize(("roles", "rule"), [
        (("forvaltningschef", "ordforande"), "blandad_delegering"),
        (("enhetschef", "avdelningschef"), "delegering_till_grupp_av_anstallda"),
        (("ordforande", "ledamot"), "grupp_utan_utskott"),
    ])
    def test_refuses_joint_delegation_other_than_to_the_arbetsutskott(
            self, von: TestEngine, roles: tuple[str, ...], rule: str) -> None:
        row = DelegationRow("9.1", "Ett ärende", "6 kap. 37 § KL",
                            (DelegatAlternative(roles, jointly=True),))
        with pytest.raises(RuleViolationError) as refused:
            adopt(von, [_version([row])])
        assert refused.value.rule == rule and "6 kap. 37 § KL" in str(refused.value)

    def test_refuses_a_delegat_on_a_matter_that_may_not_be_delegated(
            self, von: TestEngine) -> None:
        row = DelegationRow("1.5.1", "Verksamhetens mål", "6 kap. 38 § KL",
                            (DelegatAlternative(("forvaltningschef",)),), ej_delegerbar=True)
        with pytest.raises(RuleViolationError) as refused:
            adopt(von, [_version([row])])
        assert refused.value.rule == "ej_delegerbart_arende"

    def test_refuses_a_version_in_force_before_the_current_one(self, von: TestEngine) -> None:
        row = DelegationRow("2.1.6", "Mottagande av delgivning", "",
                            (DelegatAlternative(("enhetschef",)),))
        with pytest.raises(RuleViolationError) as refused:
            adopt(von, [_version([row], date(2022, 9, 1))])
        assert refused.value.rule == "version_order"

    def test_accepts_the_arbetsutskott_as_a_group(self, von: TestEngine) -> None:
        row = DelegationRow("9.1", "Ett ärende", "", (DelegatAlternative(("au",), jointly=True),))
        adopt(von, [_version([row])])
        assert the_ordning(von).version_in_force(date(2023, 1, 2)).number == 3


class TestAterkallande:
    def test_a_revoked_delegation_can_no_longer_be_used_from_that_day(
            self, von: TestEngine) -> None:
        von.execute(RevokeDelegation(
            namnd_code="VON", row_nr="2.1.8", from_date=date(2022, 11, 1), dnr="2022.240 VON",
            paragraph="§ 80", reason="Nämnden beslutar själv om kurser"), SEKRETERARE)
        decide(von, ORDFORANDE, "2.1.8", date(2022, 10, 31))
        with pytest.raises(RuleViolationError) as refused:
            decide(von, ORDFORANDE, "2.1.8", date(2022, 11, 1))
        assert refused.value.rule == "delegation_aterkallad" and "§ 80" in str(refused.value)

    def test_revocation_for_one_arende_leaves_the_others_delegated(self, von: TestEngine) -> None:
        von.execute(RevokeDelegation(
            namnd_code="VON", row_nr="2.1.3", from_date=date(2022, 10, 1), dnr="2022.241 VON",
            paragraph="§ 81", arende_ref="2022.301 VON", reason="Nämnden avgör"), SEKRETERARE)
        with pytest.raises(RuleViolationError):
            decide(von, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3))
        decide(von, FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 3), arende_ref="2022.302 VON")

    def test_only_the_namnds_secretary_or_ordforande_records_a_revocation(
            self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError):
            von.execute(RevokeDelegation(
                namnd_code="VON", row_nr="2.1.8", from_date=date(2022, 11, 1),
                dnr="2022.240 VON", paragraph="§ 80", reason="x"), FORVALTNINGSCHEF)
