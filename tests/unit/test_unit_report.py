"""Report lifecycle and authority, on in-memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import commands as c
from domain.authority import acting_as, unit_names
from domain.base import Actor, Cause
from domain.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    NotAuthorisedError,
    RuleViolationError,
)
from domain.unit_report import GODKAND, KLARMARKERAD, PAGAR, UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report

EKHAGEN = report("enh-ekhagen")
FORVALTNING = report("von-forv")
BJORKLIDEN = report("enh-bjorkliden")
ALDREBOENDE = report("avd-aldreboende")


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def status(app: TestEngine, report_id: object) -> str:
    return app.get(report_id, UnitReport).status  # type: ignore[arg-type]


def edit(report_id: object, value: str = "Analys") -> c.ChangeItem:
    return c.ChangeItem(report_id=report_id, item_id="mal-trygg-vard", field="analys",
                        value=value)


class TestKlarmarkering:
    def test_enhetschef_klarmarkerar_own_report(self, von: TestEngine) -> None:
        von.execute(edit(EKHAGEN), "anna")
        assert status(von, EKHAGEN) == PAGAR
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        assert status(von, EKHAGEN) == KLARMARKERAD

    def test_chef_of_another_enhet_may_not_klarmarkera(self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError) as err:
            von.execute(c.Klarmarkera(report_id=EKHAGEN), "bertil")
        assert status(von, EKHAGEN) != KLARMARKERAD
        assert err.value.rule == "role_not_held"
        # The enhet by name; the person by id (names live in the person directory, and the
        # API words the refusal with the name: api.problems.refusal_text).
        assert str(err.value).startswith(
            "bertil innehar inte rollen enhetschef för Ekhagens äldreboende den ")

    def test_avdelningschef_may_not_klarmarkera_an_enhet_report(self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError):
            von.execute(c.Klarmarkera(report_id=EKHAGEN), "david")

    def test_auditor_can_run_no_command(self, von: TestEngine) -> None:
        for command in (c.Klarmarkera(report_id=EKHAGEN), c.Attestera(report_id=EKHAGEN),
                        edit(EKHAGEN)):
            with pytest.raises(NotAuthorisedError):
                von.execute(command, "revisor")

    def test_vikarie_klarmarkerar_on_behalf_during_the_substitution(
            self, von: TestEngine) -> None:
        on_duty = datetime(2022, 7, 15, 10, tzinfo=UTC)
        von.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=on_duty), "ida")
        last = list(von.aggregate_events(EKHAGEN))[-1]
        assert last.actor.person_id == "ida"
        assert last.actor.on_behalf_of == "anna"
        assert last.actor.role == "enhetschef"

    def test_vikarie_may_not_act_outside_the_substitution_dates(self, von: TestEngine) -> None:
        after = datetime(2022, 7, 25, 10, tzinfo=UTC)
        with pytest.raises(NotAuthorisedError, match="2022-07-25"):
            von.execute(c.Klarmarkera(report_id=EKHAGEN, occurred_at=after), "ida")

    def test_klarmarkering_twice_is_refused(self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        with pytest.raises(RuleViolationError, match="redan klarmarkerad"):
            von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")


class TestAttestation:
    def test_attest_before_klarmarkering_is_refused(self, von: TestEngine) -> None:
        with pytest.raises(RuleViolationError) as err:
            von.execute(c.Attestera(report_id=EKHAGEN), "david")
        assert err.value.rule == "attest_requires_klarmarkering"

    def test_parent_avdelningschef_godkanner(self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        von.execute(c.Attestera(report_id=EKHAGEN), "david")
        assert status(von, EKHAGEN) == GODKAND

    def test_avdelningschef_elsewhere_may_not_godkanna(self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        with pytest.raises(NotAuthorisedError):
            von.execute(c.Attestera(report_id=EKHAGEN), "eva")

    def test_atersand_needs_a_reason_and_returns_the_report_to_pagar(
            self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        with pytest.raises(ValueError):
            c.Atersand(report_id=EKHAGEN, reason="  ")
        von.execute(c.Atersand(report_id=EKHAGEN, reason="Analys saknas för målet"), "david")
        assert status(von, EKHAGEN) == PAGAR
        last = list(von.aggregate_events(EKHAGEN))[-1]
        assert type(last).__name__ == "Atersand"
        assert last.reason == "Analys saknas för målet"

    def test_avdelning_klarmarkering_waits_for_every_enhet_to_be_godkand(
            self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        von.execute(c.Attestera(report_id=EKHAGEN), "david")
        with pytest.raises(RuleViolationError) as err:
            von.execute(c.Klarmarkera(report_id=ALDREBOENDE), "david")
        assert err.value.rule == "children_must_be_godkanda"
        # Named as users know the enhet, not by its id.
        assert str(err.value).endswith("godkända: Björklidens äldreboende")
        von.execute(c.Klarmarkera(report_id=BJORKLIDEN), "bertil")
        von.execute(c.Attestera(report_id=BJORKLIDEN), "david")
        von.execute(c.Klarmarkera(report_id=ALDREBOENDE), "david")
        assert status(von, ALDREBOENDE) == KLARMARKERAD


class TestChanges:
    def test_every_item_change_records_who_old_and_new(self, von: TestEngine) -> None:
        von.execute(edit(EKHAGEN, "Första"), "anna")
        von.execute(edit(EKHAGEN, "Andra"), "anna")
        changes = [e for e in von.aggregate_events(EKHAGEN)
                   if type(e).__name__ == "ItemChanged"]
        assert [(e.old, e.new, e.actor.person_id) for e in changes] == [
            (None, "Första", "anna"), ("Första", "Andra", "anna")]

    def test_edit_after_klarmarkering_needs_a_reopening_with_reason(
            self, von: TestEngine) -> None:
        von.execute(c.Klarmarkera(report_id=EKHAGEN), "anna")
        with pytest.raises(RuleViolationError) as err:
            von.execute(edit(EKHAGEN), "anna")
        assert err.value.rule == "reopen_before_edit"
        von.execute(c.Reopen(report_id=EKHAGEN, reason="Nytt utfall för nyckeltalet"), "anna")
        von.execute(edit(EKHAGEN, "Reviderad analys"), "anna")
        kinds = [type(e).__name__ for e in von.aggregate_events(EKHAGEN)]
        assert kinds[-3:] == ["Klarmarkerad", "Reopened", "ItemChanged"]

    def test_enumerated_fields_accept_only_the_scale(self, von: TestEngine) -> None:
        with pytest.raises(InvalidInputError, match="Helt uppfyllt"):
            von.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard",
                                     field="bedomning", value="Bra"), "anna")


class TestIdempotencyAndConcurrency:
    def test_repeated_command_id_records_nothing_new(self, von: TestEngine) -> None:
        command = c.Klarmarkera(report_id=EKHAGEN, command_id="klar-ekhagen-1")
        first = von.execute(command, "anna")
        again = von.execute(command, "anna")
        assert again.duplicate and again.version == first.version
        assert len(list(von.aggregate_events(EKHAGEN))) == first.version

    def test_stale_expected_version_is_a_conflict(self, von: TestEngine) -> None:
        seen = von.get(EKHAGEN, UnitReport).version  # type: ignore[arg-type]
        von.execute(edit(EKHAGEN, "Annans ändring"), "anna")
        with pytest.raises(ConcurrencyConflictError):
            von.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard",
                                     field="analys", value="Min ändring",
                                     expected_version=seen), "anna")

    def test_two_writers_on_the_same_version_one_wins(
            self, von: TestEngine, store_env: dict[str, str], clock: ManualClock) -> None:
        if store_env["PERSISTENCE_MODULE"].endswith("popo"):
            pytest.skip("two applications cannot share one in-memory store")
        other = TestEngine(env=store_env, clock=clock)
        mine = von.get(EKHAGEN, UnitReport)  # type: ignore[arg-type]
        theirs = other.get(EKHAGEN, UnitReport)  # type: ignore[arg-type]
        now = von.clock()
        anna = acting_as(von.organisation("VON"), "anna", mine.owner_role, mine.unit_id, now)
        cause = Cause(anna, now, recorded_at=now)
        mine.change_item("mal-trygg-vard", "analys", "A", cause)
        theirs.change_item("mal-trygg-vard", "analys", "B", cause)
        other.save(theirs)
        with pytest.raises(ConcurrencyConflictError):
            von.save_changes(mine)
        assert von.get(EKHAGEN, UnitReport).items[  # type: ignore[arg-type]
            "mal-trygg-vard"].values["analys"] == "B"
        other.close()


class TestRefusalWording:
    """The aggregate's own guards, behind the application's role check: they name the units
    and the role the person acted in, as users know them; the rule codes stay the same."""

    def refuse(self, von: TestEngine, report_id: object, act: str, actor: Actor) -> str:
        r = von.get(report_id, UnitReport)  # type: ignore[arg-type]
        cause = Cause(actor, datetime(2022, 8, 20, 8, tzinfo=UTC))
        names = unit_names(von.organisation("VON"))
        with pytest.raises(NotAuthorisedError) as err:
            if act == "klarmarkera":
                r.klarmarkera(cause, {}, names)
            else:
                r.attestera(cause, names)
        return f"{err.value.rule}: {err.value}"

    def test_an_avdelningschef_may_not_klarmarkera_an_enhets_report(
            self, von: TestEngine) -> None:
        assert self.refuse(von, EKHAGEN, "klarmarkera",
                           Actor("david", "avdelningschef", "avd-aldreboende")) == (
            "only_unit_chef_reports: Endast enhetschefen för Ekhagens äldreboende (eller "
            "dennes ersättare) får ändra och klarmarkera rapporten; du agerar som "
            "avdelningschef för Äldreboende")

    def test_the_enhetschef_may_not_attest_the_own_report(self, von: TestEngine) -> None:
        assert self.refuse(von, EKHAGEN, "attestera",
                           Actor("anna", "enhetschef", "enh-ekhagen")) == (
            "only_parent_chef_attests: Endast avdelningschefen för Äldreboende (eller dennes "
            "ersättare) får attestera eller återsända rapporten för Ekhagens äldreboende; du "
            "agerar som enhetschef för Ekhagens äldreboende")

    def test_the_forvaltnings_report_is_not_attested_within_the_forvaltning(
            self, von: TestEngine) -> None:
        assert self.refuse(von, FORVALTNING, "attestera",
                           Actor("erik", "forvaltningschef", "von-forv")) == (
            "only_parent_chef_attests: Rapporten för Vård- och omsorgsförvaltningen attesteras "
            "inte i förvaltningen; den lämnas till kommunledningskontoret")

    def test_a_cycle_command_names_the_person_and_the_roles_that_may(
            self, von: TestEngine) -> None:
        with pytest.raises(NotAuthorisedError) as err:
            von.execute(c.MoveReportDeadline(
                report_id=EKHAGEN, new_deadline=datetime(2022, 8, 30, 15, tzinfo=UTC),
                reason="Sjukdom"), "anna")
        assert err.value.rule == "role_not_held"
        assert str(err.value).startswith(
            "anna har ingen av rollerna förvaltningschef, ställföreträdande förvaltningschef, "
            "controller i VON den ")
