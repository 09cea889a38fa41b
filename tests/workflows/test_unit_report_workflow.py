"""UnitReportWorkflow on the time-skipping server: reminders, deadline, escalation, attest."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from domain.application import Arsplaner
from domain.calendar import STOCKHOLM
from domain.commands import Klarmarkera
from domain.unit_report import UnitReport
from tests.support.clock import ManualClock
from tests.support.org import CYCLE, build_organisation, open_delar_2022, report
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import scenario
from workflows.payloads import UnitReportInput
from workflows.unit_report import UnitReportWorkflow


def at(day: str, hhmm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


def facts(app: Arsplaner, report_id: object) -> list[tuple[str, str, datetime]]:
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
            self, tmp_path: Path, app: Arsplaner, clock: ManualClock,
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
            self, tmp_path: Path, app: Arsplaner, clock: ManualClock,
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
        assert CYCLE is not None
