"""Activities of the meeting and överklagande workflows: thin calls into the application."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from temporalio import activity

from activities.deps import in_domain
from domain.application import Arsplaner
from domain.calendar import end_of_day, local_date
from infrastructure.logging import get_logger
from infrastructure.timeline import REAL_TIME, Timeline
from workflows.delegation_payloads import (
    ANSLA_PROTOKOLL,
    COMPILE_ANMALNINGSLISTA,
    EXPEDIERA_PROTOKOLL,
    LOAD_MEETING,
    RECORD_LAGA_KRAFT,
    REMIND_JUSTERING,
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
    def __init__(self, app: Arsplaner, timeline: Timeline = REAL_TIME) -> None:
        self.app = app
        self.timeline = timeline

    @activity.defn(name=LOAD_MEETING)
    async def load_meeting(self, meeting_id: str) -> MeetingPlan:
        m = await in_domain(lambda: self.app.meeting(UUID(meeting_id)))
        tl = self.timeline
        return MeetingPlan(
            meeting_id=meeting_id, cutoff_at=tl.to_workflow(end_of_day(m.cutoff)),
            starts_at=tl.to_workflow(m.starts_at),
            first_reminder_at=tl.to_workflow(m.starts_at + FIRST_REMINDER_AFTER),
            reminder_interval_hours=REMINDER_INTERVAL_HOURS)

    @activity.defn(name=COMPILE_ANMALNINGSLISTA)
    async def compile_anmalningslista(self, step: MeetingStep) -> int:
        at = self.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        await in_domain(lambda: self.app.compile_anmalningslista(mid, at))
        listed = self.app.meeting(mid).anmalningslista or []
        get_logger(meeting_id=step.meeting_id, workflow_id=activity.info().workflow_id).info(
            "anmalningslista_compiled", count=len(listed))
        return len(listed)

    @activity.defn(name=REMIND_JUSTERING)
    async def remind_justering(self, step: MeetingStep) -> JusteringState:
        at = self.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        reminded = await in_domain(lambda: self.app.remind_justering(mid, at))
        status = self.app.meeting(mid).status
        if reminded:
            get_logger(meeting_id=step.meeting_id, workflow_id=activity.info().workflow_id
                       ).info("justering_reminder", to=reminded)
        return JusteringState(status=status, reminded=reminded)

    @activity.defn(name=ANSLA_PROTOKOLL)
    async def anslaa_protokoll(self, step: MeetingStep) -> AnslagResult:
        at = self.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        anslagna = await in_domain(lambda: self.app.anslaa_protokoll(mid, local_date(at), at))
        get_logger(meeting_id=step.meeting_id, workflow_id=activity.info().workflow_id).info(
            "protokoll_anslaget", overklagbara=len(anslagna))
        return AnslagResult(anslagna=[
            OverklagandeInput(beslut_id=str(a.beslut_id),
                              laga_kraft_at=self.timeline.to_workflow(a.laga_kraft_at))
            for a in anslagna])

    @activity.defn(name=EXPEDIERA_PROTOKOLL)
    async def expediera_protokoll(self, step: MeetingStep) -> list[str]:
        at = self.timeline.to_domain(step.at)
        mid = UUID(step.meeting_id)
        meeting = self.app.meeting(mid)
        recipients = sorted({self.app.delegationsbeslut(b).facts.decider
                             for b in meeting.anmalningslista or []})
        await in_domain(lambda: self.app.expediera_protokoll(mid, recipients, at))
        return recipients

    @activity.defn(name=RECORD_LAGA_KRAFT)
    async def record_laga_kraft(self, request: LagaKraftRequest) -> LagaKraftResult:
        at = self.timeline.to_domain(request.at)
        bid = UUID(request.beslut_id)
        beslut = await in_domain(lambda: self.app.delegationsbeslut(bid))
        log = get_logger(beslut_id=request.beslut_id, workflow_id=activity.info().workflow_id)
        if beslut.overklagat is not None:
            log.info("overklagat_before_timer")  # the signal may still be on its way
            return LagaKraftResult(status="overklagat")
        await in_domain(lambda: self.app.record_laga_kraft(bid, at))
        log.info("laga_kraft", on=local_date(at).isoformat())
        return LagaKraftResult(status="laga_kraft")
