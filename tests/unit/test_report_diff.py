"""The attester's diff: what changed per item field since the last klarmarkering or
återsändning, from the report's own events (no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from domain.base import Actor, AuditedAggregate, Cause
from domain.report_diff import ReportDiff, diff_since_last_review
from domain.unit_report import UnitReport

T0 = datetime(2022, 8, 15, 8, 0, tzinfo=UTC)
CHEF = Actor("anna", "enhetschef", "enh-ekhagen")
ERSATTARE = Actor("ida", "enhetschef", "enh-ekhagen", on_behalf_of="anna")
ATTESTER = Actor("david", "avdelningschef", "avd-aldreboende")
GOAL, CONTROL = "mal-trygg-vard", "ik-bestallningar"
ITEMS: list[dict[str, Any]] = [{"item_id": GOAL, "kind": "mal", "title": "Trygg vård"},
         {"item_id": CONTROL, "kind": "internkontroll", "title": "Beställningar",
          "values": {"kommentar": "Från mallen"}}]


class Report:
    """A report driven through its methods, one minute per step."""

    def __init__(self) -> None:
        self.minute = 0
        self.aggregate = UnitReport.open(uuid4(), "VON", "enh-ekhagen", "enhet",
                                         "avd-aldreboende", T0 + timedelta(days=30), ITEMS,
                                         self.cause(CHEF))

    def cause(self, actor: Actor) -> Cause:
        self.minute += 1
        return Cause(actor, T0 + timedelta(minutes=self.minute))

    def change(self, field: str, value: str | None, item: str = GOAL,
               actor: Actor = CHEF) -> None:
        self.aggregate.change_item(item, field, value, self.cause(actor))

    def klarmarkera(self) -> None:
        self.aggregate.klarmarkera(self.cause(CHEF), {})

    def atersand(self) -> None:
        self.aggregate.atersand("Komplettera analysen", None, self.cause(ATTESTER))

    def events(self) -> list[AuditedAggregate.Event]:
        return [e for e in self.aggregate.pending_events if isinstance(e, AuditedAggregate.Event)]

    def diff(self) -> ReportDiff:
        diff = diff_since_last_review(self.events())
        assert diff is not None
        return diff


def test_no_diff_before_the_first_klarmarkering() -> None:
    report = Report()
    report.change("analys", "Utkast")
    assert diff_since_last_review(report.events()) is None


def test_the_first_klarmarkering_shows_everything_written_against_the_opened_values() -> None:
    report = Report()
    report.change("analys", "Utkast")
    report.change("analys", "Färre fall", actor=ERSATTARE)
    report.change("kommentar", "Åtgärdat", item=CONTROL)
    report.aggregate.set_bedomning(GOAL, "Ej utvärderad", None, report.cause(CHEF))
    report.klarmarkera()
    diff = report.diff()
    assert diff.first and diff.since is None
    assert diff.klarmarkerad_at == T0 + timedelta(minutes=6)
    # Items in the report's order, fields in the kind's order.
    assert [(ch.item_id, ch.field, ch.before, ch.after) for ch in diff.changes] == [
        (GOAL, "analys", None, "Färre fall"),
        (GOAL, "bedomning", None, "Ej utvärderad"),
        (CONTROL, "kommentar", "Från mallen", "Åtgärdat")]
    analys = diff.changes[0]
    assert (analys.person_id, analys.on_behalf_of, analys.times) == ("ida", "anna", 2)
    assert analys.at == T0 + timedelta(minutes=3)


def test_after_atersand_only_the_changes_since_then_count() -> None:
    report = Report()
    report.change("analys", "Första")
    report.change("kommentar", "Oförändrad", item=CONTROL)
    report.klarmarkera()
    report.atersand()
    at = T0 + timedelta(minutes=report.minute)
    report.change("analys", "Andra")
    report.klarmarkera()
    diff = report.diff()
    assert not diff.first and diff.since_atersand and diff.since == at
    assert [(ch.field, ch.before, ch.after) for ch in diff.changes] == [
        ("analys", "Första", "Andra")]


def test_a_reopening_does_not_start_a_new_window() -> None:
    report = Report()
    report.change("analys", "Första")
    report.klarmarkera()
    since = report.aggregate.klarmarkerad_at
    report.aggregate.reopen("Glömde en sak", report.cause(CHEF))
    report.change("atgard", None, item=CONTROL)  # no value to no value: nothing
    report.change("analys", "Rättad")
    report.klarmarkera()
    diff = report.diff()
    assert (diff.since, diff.since_atersand) == (since, False)
    assert [(ch.before, ch.after) for ch in diff.changes] == [("Första", "Rättad")]


def test_a_field_changed_and_changed_back_is_left_out() -> None:
    report = Report()
    report.change("kommentar", "Tillfälligt", item=CONTROL)
    report.change("kommentar", "Från mallen", item=CONTROL)
    report.change("analys", "  ")
    report.klarmarkera()
    assert report.diff().changes == ()


def _indicator(*utfall: dict[str, Any]) -> dict[str, Any]:
    return {"indicator_id": "insatstid", "name": "Insatstid larm", "direction": "lower",
            "malvarde": "20", "utfall": list(utfall)}


def test_a_changed_nyckeltal_figure_shows_per_period_and_an_unchanged_one_does_not() -> None:
    report = Report()
    report.aggregate.record_indicator(GOAL, _indicator(
        {"period": "2021", "totalt": "22.5", "kvinnor": None, "man": None}), report.cause(CHEF))
    report.klarmarkera()
    report.atersand()
    report.aggregate.record_indicator(GOAL, _indicator(
        {"period": "2021", "totalt": "22.5", "kvinnor": None, "man": None},
        {"period": "2022", "totalt": "18", "kvinnor": "17.5", "man": None}), report.cause(CHEF))
    report.klarmarkera()
    assert [(ch.field, ch.before, ch.after) for ch in report.diff().changes] == [
        ("Nyckeltal «Insatstid larm» 2022", None, "totalt 18, kvinnor 17,5")]
