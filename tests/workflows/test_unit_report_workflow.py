"""UnitReportWorkflow on the time-skipping server: reminders, deadline, escalation, attest."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.calendar import STOCKHOLM
from domain.commands import Klarmarkera, MoveReportDeadline
from domain.unit_report import UnitReport
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import scenario
from workflows.payloads import DeadlineChange, UnitReportInput
from workflows.unit_report import UnitReportWorkflow


def at(day: str, hhmm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


def facts(app: TestEngine, report_id: object) -> list[tuple[str, str, datetime]]:
    """(event type, task or recipient, occurred_at in Stockholm) of workflow-made facts."""
    out = []
    for e in app.aggregate_events(report_id):  # type: ignore[arg-type]
        name = type(e).__name__
        if isinstance(e, UnitReport.ReminderSent):
            detail = f"{e.task}->{e.recipient_person_id}{' (sen)' if e.overdue else ''}"
        elif isinstance(e, UnitReport.Escalated):
            detail = f"{e.task}->{e.to_person_id}/{e.to_role}"
        elif isinstance(e, UnitReport.DeadlinePassed | UnitReport.AttestationRequested):
            detail = getattr(e, "task", "") or e.deadline.astimezone(STOCKHOLM).isoformat()
        else:
            detail = ""
        out.append((name, detail, e.occurred_at.astimezone(STOCKHOLM).replace(second=0,
                                                                               microsecond=0)))
    return out


async def start_report(s, unit_id: str):  # type: ignore[no-untyped-def]
    handle = await s.client.start_workflow(
        UnitReportWorkflow.run, UnitReportInput(report_id=str(report(unit_id))),
        id=f"unit-report-{report(unit_id)}", task_queue=s.task_queue)
    await s.settle(handle)
    return handle


class TestRemindersAndEscalation:
    async def test_reminds_three_and_one_working_day_before_then_escalates_and_reminds_daily(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            handle = await start_report(s, "enh-ekhagen")
            await s.advance_to(at("2022-08-26", "09:00"), handle)

        assert facts(app, report("enh-ekhagen"))[1:] == [
            ("ReminderSent", "klarmarkera->anna", at("2022-08-18")),
            ("ReminderSent", "klarmarkera->anna", at("2022-08-22")),
            ("DeadlinePassed", "klarmarkera", at("2022-08-23", "23:59")),
            ("Escalated", "klarmarkera->david/avdelningschef", at("2022-08-23", "23:59")),
            ("ReminderSent", "klarmarkera->anna (sen)", at("2022-08-24")),
            ("ReminderSent", "klarmarkera->anna (sen)", at("2022-08-25")),
            ("ReminderSent", "klarmarkera->anna (sen)", at("2022-08-26")),
        ]

    async def test_klarmarkering_stops_reminders_and_opens_attest_for_the_parent_chef(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            handle = await start_report(s, "enh-ekhagen")
            await s.advance_to(at("2022-08-19", "10:00"), handle)
            await s.act("anna", Klarmarkera(report_id=report("enh-ekhagen"),
                                            occurred_at=at("2022-08-19", "10:00")), handle)
            await s.advance_to(at("2022-08-26", "09:00"), handle)
            status = await handle.query(UnitReportWorkflow.status)

        assert status.phase == "attest"
        assert facts(app, report("enh-ekhagen"))[1:] == [
            ("ReminderSent", "klarmarkera->anna", at("2022-08-18")),
            ("Klarmarkerad", "", at("2022-08-19", "10:00")),
            # Three working days after Friday 19 August: Wednesday 24 August.
            ("AttestationRequested", at("2022-08-24", "23:59").isoformat(),
             at("2022-08-19", "10:00")),
            ("ReminderSent", "attestera->david", at("2022-08-23")),
            ("DeadlinePassed", "attestera", at("2022-08-24", "23:59")),
            ("Escalated", "attestera->fredrik/forvaltningschef", at("2022-08-24", "23:59")),
            ("ReminderSent", "attestera->david (sen)", at("2022-08-25")),
            ("ReminderSent", "attestera->david (sen)", at("2022-08-26")),
        ]


class TestMovedDeadline:
    async def test_moving_the_deadline_moves_reminders_and_the_escalation(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            handle = await start_report(s, "enh-ekhagen")
            await s.advance_to(at("2022-08-19", "12:00"), handle)
            # The controller moves Ekhagen's deadline from 23 to 30 August.
            await s.act("gun", MoveReportDeadline(
                report_id=report("enh-ekhagen"), new_deadline=at("2022-08-30", "23:59"),
                reason="Sjukdom i ledningen", occurred_at=at("2022-08-19", "12:00")), handle)
            await s.advance_to(at("2022-08-31", "09:00"), handle)
            status = await handle.query(UnitReportWorkflow.status)

        assert status.deadline == s.timeline.to_workflow(at("2022-08-30", "23:59"))
        assert facts(app, report("enh-ekhagen"))[1:] == [
            ("ReminderSent", "klarmarkera->anna", at("2022-08-18")),
            ("DeadlineMoved", "", at("2022-08-19", "12:00")),
            ("ReminderSent", "klarmarkera->anna", at("2022-08-25")),
            ("ReminderSent", "klarmarkera->anna", at("2022-08-29")),
            ("DeadlinePassed", "klarmarkera", at("2022-08-30", "23:59")),
            ("Escalated", "klarmarkera->david/avdelningschef", at("2022-08-30", "23:59")),
            ("ReminderSent", "klarmarkera->anna (sen)", at("2022-08-31")),
        ]

    async def test_update_is_rejected_once_the_reports_are_closed(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        # No workflow cache: the restarted worker picks the workflow up from the task queue.
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START,
                            max_cached_workflows=0) as s:
            handle = await start_report(s, "enh-ekhagen")
            change = DeadlineChange(event_id="e1", version=99, deadline_kind="klarmarkering",
                                    new_deadline=s.timeline.to_workflow(at("2022-08-30")))
            # The close signal and the update reach the workflow in one task, the signal
            # first: had the worker ended the workflow on the signal alone, the update would
            # have found no workflow to answer it (a race the test is not about).
            await s.stop_worker()
            await handle.signal(UnitReportWorkflow.close)
            update = asyncio.create_task(
                handle.execute_update(UnitReportWorkflow.move_deadline, change))
            await asyncio.sleep(0.5)  # the update is with the server before the worker is back
            await s.start_worker(max_cached_workflows=0)
            with pytest.raises(WorkflowUpdateFailedError) as failure:
                await update
        assert "avslutad" in str(failure.value.cause)

    async def test_attest_deadline_cannot_be_moved_on_the_forvaltnings_report(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            handle = await start_report(s, "von-forv")
            change = DeadlineChange(event_id="e1", version=99, deadline_kind="attest",
                                    new_deadline=s.timeline.to_workflow(at("2022-09-30")))
            with pytest.raises(WorkflowUpdateFailedError) as failure:
                await handle.execute_update(UnitReportWorkflow.move_deadline, change)
            status = await handle.query(UnitReportWorkflow.status)
        assert "attesteras inte" in str(failure.value.cause)
        assert status.version < 99  # the rejected change was not applied
