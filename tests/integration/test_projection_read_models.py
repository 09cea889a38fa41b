"""Att-göra lists, cycle board, audit trail and reminder outbox, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from audit.replay import period_entries
from domain import commands as c
from domain.ids import cycle_id
from projections.audit_trail import (
    BY_ACTOR,
    BY_AGGREGATE,
    BY_CYCLE,
    REPORT_CYCLE,
    AuditTrailNeedsRebuild,
    AuditTrailProjection,
)
from projections.base import Put, digest
from projections.queries import AuditEntry, audit_trail, cycle_board, reminder_outbox, todo_for
from projections.read_models import ReadModels
from projections.reminders import ReminderOutboxProjection
from projections.reporting import ReportingProjection
from projections.runner import catch_up_all, rebuild
from projections.time_travel import as_of_view
from tests.integration.projection_support import (
    BJORKLIDEN,
    EKHAGEN,
    HEMTJANST,
    record_history,
)
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, DELAR_2022

AUG_26 = datetime(2022, 8, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def read_models(app: TestEngine, clock: ManualClock) -> Iterator[ReadModels]:
    record_history(app, clock)
    models = ReadModels.for_app(app)
    catch_up_all(app, models)
    yield models
    models.close()


def _tasks(models: ReadModels, person: str, now: datetime) -> list[tuple[str, str]]:
    return [(t.task, t.unit_id) for t in todo_for(models.view(ReportingProjection), person, now)]


class TestAttGora:
    def test_each_enhetschef_is_asked_to_klarmarkera_with_the_deadline_and_days_late(
            self, read_models: ReadModels) -> None:
        [task] = todo_for(read_models.view(ReportingProjection), "cecilia", AUG_26)
        assert (task.task, task.unit_id, task.unit_name) == (
            "klarmarkera", "enh-hemtjanst-norr", "Hemtjänst Norr")
        assert task.cycle_title == "Delårsbokslut 2022"
        assert task.deadline == datetime.fromisoformat("2022-08-23T23:59:00+02:00")
        # 08-26 14:00 is two days and 14 hours after 08-23 23:59: days passed, not started.
        assert (task.days_late, task.late) == (2, "2 dagar sen")

    def test_attestera_reaches_the_avdelningschef_only_after_klarmarkering(
            self, app: TestEngine, read_models: ReadModels) -> None:
        # Björkliden was sent back, so David has nothing to attest for his enheter yet.
        assert ("attestera", "enh-bjorkliden") not in _tasks(read_models, "david", AUG_26)
        app.execute(c.Klarmarkera(report_id=BJORKLIDEN), "bertil")
        catch_up_all(app, read_models)
        assert ("attestera", "enh-bjorkliden") in _tasks(read_models, "david", AUG_26)
        assert ("klarmarkera", "enh-bjorkliden") not in _tasks(read_models, "bertil", AUG_26)

    def test_attestera_never_reaches_another_avdelning_chef(
            self, app: TestEngine, read_models: ReadModels) -> None:
        app.execute(c.Klarmarkera(report_id=HEMTJANST), "cecilia")
        catch_up_all(app, read_models)
        assert ("attestera", "enh-hemtjanst-norr") in _tasks(read_models, "eva", AUG_26)
        assert ("attestera", "enh-hemtjanst-norr") not in _tasks(read_models, "david", AUG_26)

    def test_a_godkand_report_leaves_every_list(self, read_models: ReadModels) -> None:
        everyone = ["anna", "bertil", "cecilia", "david", "eva", "fredrik"]
        assert not any(t[1] == "enh-ekhagen" for p in everyone
                       for t in _tasks(read_models, p, AUG_26))

    def test_the_ersattare_gets_the_chefs_tasks_during_the_substitution(
            self, app: TestEngine, clock: ManualClock, read_models: ReadModels) -> None:
        # Send Ekhagen back so it needs klarmarkering, then ask during Ida's vikariat
        # for Anna (2022-07-11..24) and after it.
        app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
        catch_up_all(app, read_models)
        in_july = datetime(2022, 7, 15, 9, 0, tzinfo=UTC)
        [task] = todo_for(read_models.view(ReportingProjection), "ida", in_july)
        assert (task.task, task.unit_id, task.on_behalf_of) == (
            "klarmarkera", "enh-ekhagen", "anna")
        assert _tasks(read_models, "anna", in_july) == []
        assert _tasks(read_models, "anna", AUG_26) == [("klarmarkera", "enh-ekhagen")]
        assert _tasks(read_models, "ida", AUG_26) == []


class TestCycleBoard:
    def test_the_board_shows_state_deadline_reminders_escalations_and_times(
            self, read_models: ReadModels) -> None:
        board = cycle_board(read_models.view(ReportingProjection), CYCLE, AUG_26)
        assert board is not None and board.title == "Delårsbokslut 2022"
        rows = {r.unit_id: r for r in board.rows}
        assert [r.unit_kind for r in board.rows][:3] == ["forvaltning", "avdelning", "avdelning"]
        ekhagen, bjorkliden, hemtjanst = (rows["enh-ekhagen"], rows["enh-bjorkliden"],
                                          rows["enh-hemtjanst-norr"])
        assert (ekhagen.status, ekhagen.status_label) == ("godkand", "Godkänd")
        assert ekhagen.klarmarkerad_at == datetime(2022, 8, 22, 10, 0, tzinfo=UTC)
        assert ekhagen.godkand_at == datetime(2022, 8, 25, 9, 0, tzinfo=UTC)
        assert (bjorkliden.status, bjorkliden.klarmarkerad_at) == ("pagar", None)
        assert (hemtjanst.reminders_sent, hemtjanst.escalations) == (2, 1)
        assert (hemtjanst.days_late, hemtjanst.late) == (2, "2 dagar sen")
        assert board.counts == {"ej_paborjad": 4, "pagar": 1, "klarmarkerad": 0, "godkand": 1}
        assert (board.coverage.outside_cycle, board.coverage.without_units_below) == ([], {})
        assert board.coverage.not_reported == [r.unit_id for r in board.rows
                                               if r.unit_id != "enh-ekhagen"]

    def test_the_board_names_the_units_outside_the_cycle(
            self, app: TestEngine, read_models: ReadModels) -> None:
        """Kvarboende's only enhet is left out: the board says so, and who has not reported."""
        app.execute(DELAR_2022.model_copy(update={
            "command_id": "open-manad-2022", "process": "manadsuppfoljning",
            "unit_ids": ["von-forv", "avd-aldreboende", "avd-kvarboende", "enh-ekhagen"]}),
            "gun")
        catch_up_all(app, read_models)
        board = cycle_board(read_models.view(ReportingProjection),
                            cycle_id("VON", "manadsuppfoljning", 2022), AUG_26)
        assert board is not None
        coverage = board.coverage
        assert coverage.units_in_organisation == 6
        assert [(u.unit_id, u.unit_name, u.parent_unit_id) for u in coverage.outside_cycle] == [
            ("enh-bjorkliden", "Björklidens äldreboende", "avd-aldreboende"),
            ("enh-hemtjanst-norr", "Hemtjänst Norr", "avd-kvarboende")]
        assert coverage.not_reported == ["von-forv", "avd-aldreboende", "avd-kvarboende",
                                         "enh-ekhagen"]
        assert coverage.without_units_below == {"avd-kvarboende": ["enh-hemtjanst-norr"]}


class TestAuditTrail:
    def test_one_aggregate_shows_every_version_in_order(
            self, app: TestEngine, read_models: ReadModels) -> None:
        entries = audit_trail(app, read_models.view(AuditTrailProjection), aggregate_id=EKHAGEN)
        assert [e.version for e in entries] == [1, 2, 3, 4]
        assert [e.event_type for e in entries] == [
            "UnitReport.Opened", "UnitReport.ItemChanged", "UnitReport.Klarmarkerad",
            "UnitReport.Godkand"]
        assert entries[1].payload["new"] == "Tryggheten ökar"
        assert (entries[3].person_id, entries[3].role) == ("david", "avdelningschef")

    def test_per_actor_and_per_cycle(self, app: TestEngine, read_models: ReadModels) -> None:
        view = read_models.view(AuditTrailProjection)
        davids = audit_trail(app, view, actor="david")
        assert [e.event_type for e in davids] == ["UnitReport.Godkand", "UnitReport.Atersand"]
        in_cycle = audit_trail(app, view, cycle_id=CYCLE)
        assert in_cycle[0].event_type == "Cycle.Opened"
        assert {e.aggregate_id for e in in_cycle} >= {CYCLE, EKHAGEN, HEMTJANST}
        assert all(e.cycle_id == CYCLE for e in in_cycle)

    def test_an_ersattare_is_recorded_acting_on_behalf_of_the_chef(
            self, app: TestEngine, clock: ManualClock, read_models: ReadModels) -> None:
        app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
        app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                                 value="Vikariens text",
                                 occurred_at=datetime(2022, 7, 15, 9, 0, tzinfo=UTC)), "ida")
        catch_up_all(app, read_models)
        [entry] = audit_trail(app, read_models.view(AuditTrailProjection), actor="ida")
        assert (entry.role, entry.unit_id, entry.on_behalf_of) == (
            "enhetschef", "enh-ekhagen", "anna")


    def test_the_view_holds_one_narrow_row_per_event_and_each_reports_cycle(
            self, app: TestEngine, read_models: ReadModels) -> None:
        rows = read_models.view(AuditTrailProjection).rows()
        entries = list(_log_entries(app))
        assert {r.key: r.partition for r in rows if r.kind == BY_ACTOR} == {
            f"{e['aggregate_id']}/{e['version']:010d}": e["person_id"] for e in entries}
        assert all(r.doc == {} for r in rows if r.kind == BY_ACTOR)
        assert {(r.key, r.partition) for r in rows if r.kind == REPORT_CYCLE} == {
            (e["aggregate_id"], e["cycle_id"]) for e in entries
            if e["event_type"] == "UnitReport.Opened"}
        assert {r.kind for r in rows} == {BY_ACTOR, REPORT_CYCLE}

    def test_every_question_answers_the_entries_built_directly_from_the_log(
            self, app: TestEngine, read_models: ReadModels) -> None:
        # Ida acts for Anna, so one person's entries span a vikariat too.
        app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
        app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                                 value="Vikariens text",
                                 occurred_at=datetime(2022, 7, 15, 9, 0, tzinfo=UTC)), "ida")
        catch_up_all(app, read_models)
        view = read_models.view(AuditTrailProjection)
        log = [AuditEntry.model_validate(e) for e in _log_entries(app)]
        assert audit_trail(app, view) == log
        for aggregate in {e.aggregate_id for e in log}:
            assert audit_trail(app, view, aggregate_id=aggregate) == [
                e for e in log if e.aggregate_id == aggregate]
        for person in {e.person_id for e in log}:
            assert audit_trail(app, view, actor=person) == [
                e for e in log if e.person_id == person]
        assert audit_trail(app, view, cycle_id=CYCLE) == [e for e in log if e.cycle_id == CYCLE]
        assert audit_trail(app, view, actor="anna", cycle_id=CYCLE) == [
            e for e in log if e.person_id == "anna" and e.cycle_id == CYCLE]
        assert audit_trail(app, view, aggregate_id=EKHAGEN, actor="ida") == [
            e for e in log if e.aggregate_id == EKHAGEN and e.person_id == "ida"]
        assert len(log) == app.recorder.max_notification_id()

    def test_answers_stop_at_the_position_the_projection_has_reached(
            self, app: TestEngine, read_models: ReadModels) -> None:
        reached = app.recorder.max_notification_id()
        app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
        app.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                                 value="Ny text"), "anna")
        view = read_models.view(AuditTrailProjection)
        log = [AuditEntry.model_validate(e) for e in _log_entries(app)]
        assert audit_trail(app, view) == log[:reached]
        assert audit_trail(app, view, aggregate_id=EKHAGEN) == [
            e for e in log[:reached] if e.aggregate_id == EKHAGEN]
        assert [e.version for e in audit_trail(app, view, aggregate_id=EKHAGEN)] == [1, 2, 3, 4]
        assert audit_trail(app, view, actor="david") == [
            e for e in log[:reached] if e.person_id == "david"]
        catch_up_all(app, read_models)
        assert [e.version for e in audit_trail(app, view, aggregate_id=EKHAGEN)] == [
            1, 2, 3, 4, 5, 6]
        assert audit_trail(app, view) == log

    def test_the_last_entries_read_only_the_logs_tail_and_stop_at_the_position(
            self, app: TestEngine, read_models: ReadModels, monkeypatch: pytest.MonkeyPatch
            ) -> None:
        view = read_models.view(AuditTrailProjection)
        everything = audit_trail(app, view)
        for last in (0, 1, 7, len(everything), len(everything) + 5):
            assert audit_trail(app, view, last=last) == everything[
                max(len(everything) - last, 0):]
        assert audit_trail(app, view, actor="david", last=1) == [
            e for e in everything if e.person_id == "david"][-1:]
        starts: list[int] = []
        select = app.recorder.select_notifications

        def spy(start: int, *args: Any, **kwargs: Any) -> Any:
            starts.append(start)
            return select(start, *args, **kwargs)
        monkeypatch.setattr(app.recorder, "select_notifications", spy)
        app.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera"), "david")
        assert audit_trail(app, view, last=3) == everything[-3:]  # not reached yet
        assert starts == [len(everything) - 3]

    def test_reading_the_stored_json_gives_the_rows_of_the_decoded_events(
            self, app: TestEngine, read_models: ReadModels) -> None:
        # The runner hands the projection raw notifications; as-of views decoded events.
        decoded = as_of_view(app, AuditTrailProjection, datetime.max.replace(tzinfo=UTC))
        assert digest(decoded) == digest(read_models.view(AuditTrailProjection))

    def test_a_trail_of_the_second_layout_answers_but_asks_for_a_rebuild_by_cycle(
            self, app: TestEngine, read_models: ReadModels) -> None:
        # The second layout: entry and by_cycle rows per event, report cycles unpartitioned.
        view = read_models.view(AuditTrailProjection)
        fresh = digest(view)
        questions = [{}, {"aggregate_id": EKHAGEN}, {"actor": "david"}]
        expected = [audit_trail(app, view, **q) for q in questions]  # type: ignore[arg-type]
        view.write_with_tracking(
            [Put(kind, f"{e['aggregate_id']}/{e['version']:010d}", doc, partition, n)
             for n, e in enumerate(_log_entries(app), start=1)
             for kind, doc, partition in ((BY_AGGREGATE, e, e["aggregate_id"]),
                                          (BY_CYCLE, {}, e["cycle_id"]))
             if partition is not None]
            + [Put(REPORT_CYCLE, r.key, r.doc) for r in view.rows() if r.kind == REPORT_CYCLE],
            Tracking("old", 1))
        assert [audit_trail(app, view, **q) for q in questions] == expected  # type: ignore[arg-type]
        with pytest.raises(AuditTrailNeedsRebuild, match="arsplan read-models rebuild"):
            audit_trail(app, view, cycle_id=CYCLE)
        rebuild(app, read_models.projection(AuditTrailProjection))
        assert digest(view) == fresh
        assert audit_trail(app, view, cycle_id=CYCLE)[0].event_type == "Cycle.Opened"

    def test_a_trail_keyed_by_event_id_asks_for_a_rebuild_which_turns_it_into_the_index(
            self, app: TestEngine, read_models: ReadModels) -> None:
        # The first layout's three full copies per event, then caught up by the new code.
        view = read_models.view(AuditTrailProjection)
        fresh = digest(view)
        unfiltered = audit_trail(app, view)
        view.write_with_tracking(
            [Put(kind, e["event_id"], e, e[field], n)
             for n, e in enumerate(_log_entries(app), start=1)
             for kind, field in ((BY_AGGREGATE, "aggregate_id"), (BY_ACTOR, "person_id"),
                                 (BY_CYCLE, "cycle_id")) if e[field] is not None],
            Tracking("old", 1))
        assert audit_trail(app, view) == unfiltered  # read from the log alone
        for question in ({"aggregate_id": EKHAGEN}, {"actor": "david"}, {"cycle_id": CYCLE}):
            with pytest.raises(AuditTrailNeedsRebuild, match="arsplan read-models rebuild"):
                audit_trail(app, view, **question)
        rebuild(app, read_models.projection(AuditTrailProjection))
        assert digest(view) == fresh
        assert [e.version for e in audit_trail(app, view, aggregate_id=EKHAGEN)] == [1, 2, 3, 4]


def _log_entries(app: TestEngine) -> Iterator[dict[str, Any]]:
    return period_entries(app, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))


class TestReminderOutbox:
    def test_every_reminder_is_listed_in_order_and_by_recipient(
            self, read_models: ReadModels) -> None:
        view = read_models.view(ReminderOutboxProjection)
        assert [(r.recipient_person_id, r.overdue) for r in reminder_outbox(view)] == [
            ("bertil", False), ("cecilia", False), ("cecilia", True)]
        cecilias = reminder_outbox(view, recipient="cecilia")
        assert [r.unit_id for r in cecilias] == ["enh-hemtjanst-norr"] * 2
        assert all(r.cycle_id == CYCLE for r in cecilias)
