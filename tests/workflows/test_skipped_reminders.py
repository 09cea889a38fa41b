"""A moved deadline's reminders whose moments have passed are not sent late, and the
report's history says which and why."""

from __future__ import annotations

from pathlib import Path

from domain.calendar import STOCKHOLM
from domain.commands import MoveReportDeadline
from domain.unit_report import UnitReport
from projections.audit_trail import AuditTrailProjection
from projections.queries import audit_trail
from projections.read_models import ReadModels
from projections.runner import catch_up_all
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import scenario
from tests.workflows.test_unit_report_workflow import at, start_report

EKHAGEN = report("enh-ekhagen")


async def test_a_deadline_moved_past_a_reminders_moment_records_the_skipped_reminder(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    build_organisation(app)
    open_delar_2022(app)
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
        handle = await start_report(s, "enh-ekhagen")
        await s.advance_to(at("2022-08-24", "12:00"), handle)
        # Past the deadline of 23 August the controller gives Ekhagen until 26 August: the
        # reminder three working days before it (23 August 08:00) can no longer be sent.
        await s.act("gun", MoveReportDeadline(
            report_id=EKHAGEN, new_deadline=at("2022-08-26", "23:59"),
            reason="Sjukdom i ledningen", occurred_at=at("2022-08-24", "12:00")), handle)
        await s.advance_to(at("2022-08-25", "09:00"), handle)

    events = list(app.aggregate_events(EKHAGEN))
    [skipped] = [e for e in events if isinstance(e, UnitReport.RemindersSkipped)]
    assert (skipped.task, skipped.skipped, skipped.deadline) == (
        "klarmarkera", [at("2022-08-23")], at("2022-08-26", "23:59"))
    assert skipped.reason == ("Påminnelsen 2022-08-23 08:00 skickades inte: när tidsgränsen "
                              "flyttades till 2022-08-26 23:59 hade den tidpunkten redan "
                              "passerat")
    # The one that is still ahead is sent.
    sent = {e.occurred_at.astimezone(STOCKHOLM).replace(second=0, microsecond=0)
            for e in events if isinstance(e, UnitReport.ReminderSent) and not e.overdue}
    assert at("2022-08-25") in sent
    # The report's history shows it.
    models = ReadModels.for_app(app)
    try:
        catch_up_all(app, models)
        history = audit_trail(app, models.view(AuditTrailProjection), aggregate_id=EKHAGEN)
    finally:
        models.close()
    assert [e.payload["reason"] for e in history
            if e.event_type == "UnitReport.RemindersSkipped"] == [skipped.reason]
