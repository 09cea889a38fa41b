"""Activities of the meeting and överklagande workflows: each step a system command."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from activities.heartbeat import heartbeating
from domain import system_commands as sc
from domain.calendar import end_of_day, local_date
from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from infrastructure.logging import get_logger
from workflows import activity_names as names
from workflows.delegation_payloads import (
    AnslagResult,
    JusteringState,
    LagaKraftRequest,
    LagaKraftResult,
    MeetingPlan,
    MeetingStep,
    OverklagandeInput,
)

FIRST_REMINDER_AFTER = timedelta(days=2)
REMINDER_INTERVAL_HOURS = 48


class DelegationActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    def _meeting(self, meeting_id: UUID | str) -> Meeting:
        return self.deps.store.get(UUID(str(meeting_id)), Meeting)

    async def _record(self, command: sc.SystemCommand) -> tuple[Any, ...]:
        result = await in_domain(lambda: self.deps.bus.execute_system(command))
        return result.recorded

    def _log(self, step: MeetingStep) -> Any:
        return get_logger(meeting_id=step.meeting_id, workflow_id=activity.info().workflow_id)

    @activity.defn(name=names.LOAD_MEETING)
    @heartbeating
    async def load_meeting(self, meeting_id: str) -> MeetingPlan:
        m = await in_domain(lambda: self._meeting(meeting_id))
        tl = self.deps.timeline
        return MeetingPlan(
            meeting_id=meeting_id, cutoff_at=tl.to_workflow(end_of_day(m.cutoff)),
            starts_at=tl.to_workflow(m.starts_at),
            first_reminder_at=tl.to_workflow(m.starts_at + FIRST_REMINDER_AFTER),
            reminder_interval_hours=REMINDER_INTERVAL_HOURS)

    @activity.defn(name=names.COMPILE_ANMALNINGSLISTA)
    @heartbeating
    async def compile_anmalningslista(self, step: MeetingStep) -> int:
        mid = UUID(step.meeting_id)
        await self._record(sc.CompileAnmalningslista(
            command_id=sc.meeting_step_key("anmalningslista", mid),
            occurred_at=self.deps.timeline.to_domain(step.at), meeting_id=mid))
        listed = (await in_domain(lambda: self._meeting(mid))).anmalningslista or []
        self._log(step).info("anmalningslista_compiled", count=len(listed))
        return len(listed)

    @activity.defn(name=names.REMIND_JUSTERING)
    @heartbeating
    async def remind_justering(self, step: MeetingStep) -> JusteringState:
        at = self.deps.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        recorded = await self._record(sc.RemindJustering(
            command_id=sc.meeting_step_key("justering-reminder", mid, at.isoformat()),
            occurred_at=at, meeting_id=mid))
        reminded = next((list(e.to) for e in recorded
                         if isinstance(e, Meeting.JusteringReminderSent)), [])
        status = (await in_domain(lambda: self._meeting(mid))).status
        if reminded:
            self._log(step).info("justering_reminder", to=reminded)
        return JusteringState(status=status, reminded=reminded)

    @activity.defn(name=names.ANSLA_PROTOKOLL)
    @heartbeating
    async def ansla_protokoll(self, step: MeetingStep) -> AnslagResult:
        at = self.deps.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        await self._record(sc.AnslaProtokoll(
            command_id=sc.protokoll_anslag_key(mid), occurred_at=at, meeting_id=mid,
            anslag_date=local_date(at)))

        def anslagna() -> list[Delegationsbeslut]:
            meeting = self._meeting(mid)
            listed = [self.deps.store.get(b, Delegationsbeslut)
                      for b in meeting.anmalningslista or []]
            return [b for b in listed if b.laga_kraft_at is not None
                    and b.anslag_date == meeting.anslag_date]

        beslut = await in_domain(anslagna)
        self._log(step).info("protokoll_anslaget", overklagbara=len(beslut))
        tl = self.deps.timeline
        return AnslagResult(anslagna=[
            OverklagandeInput(beslut_id=str(b.id), laga_kraft_at=tl.to_workflow(b.laga_kraft_at))
            for b in beslut if b.laga_kraft_at is not None])

    @activity.defn(name=names.EXPEDIERA_PROTOKOLL)
    @heartbeating
    async def expediera_protokoll(self, step: MeetingStep) -> list[str]:
        mid = UUID(step.meeting_id)
        await self._record(sc.ExpedieraProtokoll(
            command_id=sc.meeting_step_key("expediering", mid),
            occurred_at=self.deps.timeline.to_domain(step.at), meeting_id=mid))
        return list((await in_domain(lambda: self._meeting(mid))).recipients)

    @activity.defn(name=names.RECORD_LAGA_KRAFT)
    @heartbeating
    async def record_laga_kraft(self, request: LagaKraftRequest) -> LagaKraftResult:
        at = self.deps.timeline.to_domain(request.at)
        bid = UUID(request.beslut_id)
        recorded = await self._record(sc.RecordLagaKraft(
            command_id=sc.laga_kraft_key(bid), occurred_at=at, beslut_id=bid))
        log = get_logger(beslut_id=request.beslut_id, workflow_id=activity.info().workflow_id)
        if not any(isinstance(e, Delegationsbeslut.LagaKraftVunnen) for e in recorded):
            log.info("overklagat_before_timer")  # the signal may still be on its way
            return LagaKraftResult(status="overklagat")
        log.info("laga_kraft", on=local_date(at).isoformat())
        return LagaKraftResult(status="laga_kraft")

    def all(self) -> list[Any]:
        return [self.load_meeting, self.compile_anmalningslista, self.remind_justering,
                self.ansla_protokoll, self.expediera_protokoll, self.record_laga_kraft]
