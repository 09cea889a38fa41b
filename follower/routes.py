"""Which events the workflows wait for, and what each becomes: a signal, an update or a start.

The composition root passes ``workflow_routes(store)`` to the Follower; adding a route is
one line in that table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.utils import get_topic

from domain.arsplan import Arsplan
from domain.cycle import Cycle
from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from domain.report_flow import is_done, open_task
from domain.system_commands import is_protokoll_anslag
from domain.unit_report import UnitReport
from follower.delivery import Delivery
from infrastructure.eventstore import ArsplanStore
from infrastructure.timeline import Timeline
from workflows.cycle import CycleWorkflow
from workflows.delegation_payloads import EventNotice, MeetingInput, OverklagandeInput
from workflows.ids import (
    arsplan_workflow_id,
    cycle_workflow_id,
    meeting_workflow_id,
    overklagande_workflow_id,
    unit_report_workflow_id,
)
from workflows.meeting import MeetingWorkflow
from workflows.overklagande import OverklagandeWorkflow
from workflows.payloads import (
    BeslutNotice,
    CycleInput,
    DeadlineChange,
    PlanChange,
    ReportEvent,
    ReportEventKind,
)

Route = Callable[[Any, Timeline], list[Delivery]]


def report_event(store: ArsplanStore, kind: ReportEventKind) -> Route:
    """A decision on a report, with the status it leads to and the domain's answers for it."""
    def route(event: UnitReport.StatusEvent, timeline: Timeline) -> list[Delivery]:
        unit_kind = store.get(event.originator_id, UnitReport).unit_kind
        status = event.leads_to
        new_deadline = getattr(event, "new_deadline", None)
        signal = ReportEvent(
            event_id=str(event.event_id), version=event.originator_version, kind=kind,
            new_deadline=timeline.to_workflow(new_deadline) if new_deadline else None,
            status=status, open_task=open_task(unit_kind, status),
            done=is_done(unit_kind, status))
        return [Delivery(unit_report_workflow_id(event.originator_id), "report_event", signal)]
    return route


def deadline_moved(event: Any, timeline: Timeline) -> list[Delivery]:
    change = DeadlineChange(event_id=str(event.event_id), version=event.originator_version,
                            deadline_kind=event.deadline_kind,
                            new_deadline=timeline.to_workflow(event.new))
    return [Delivery(unit_report_workflow_id(event.originator_id), "move_deadline", change,
                     kind="update")]


def beslut_recorded(event: Any, timeline: Timeline) -> list[Delivery]:
    notice = BeslutNotice(event_id=str(event.event_id), version=event.originator_version,
                          beslut=event.beslut, meeting_id=event.meeting_id,
                          paragraph=event.paragraph)
    return [Delivery(cycle_workflow_id(event.originator_id), "beslut_recorded", notice)]


def cycle_opened(event: Any, timeline: Timeline) -> list[Delivery]:
    """Every opened cycle is driven, however it was opened (API, CLI, ÅrsplanWorkflow)."""
    return [Delivery(cycle_workflow_id(event.originator_id), CycleWorkflow.__name__,
                     CycleInput(cycle_id=str(event.originator_id)), kind="start")]


def milestone_moved(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(arsplan_workflow_id(event.namnd_code, event.label), "plan_changed",
                     PlanChange(event_id=str(event.event_id)))]


def _notice(event: Any) -> EventNotice:
    return EventNotice(event_id=str(event.event_id), version=event.originator_version)


def meeting_scheduled(event: Any, timeline: Timeline) -> list[Delivery]:
    """Every scheduled sammanträde gets its MeetingWorkflow, however it was scheduled."""
    mid = str(event.originator_id)
    return [Delivery(meeting_workflow_id(mid), MeetingWorkflow.__name__,
                     MeetingInput(meeting_id=mid), kind="start")]


def protokoll_justerat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(meeting_workflow_id(event.originator_id), "justerat", _notice(event))]


def beslut_anslaget(event: Any, timeline: Timeline) -> list[Delivery]:
    """A beslut anslaget on its own gets its överklagande timer; one anslaget with a
    protokoll already has it as the MeetingWorkflow's child."""
    if is_protokoll_anslag(event.command_id):
        return []
    bid = str(event.originator_id)
    timer = OverklagandeInput(beslut_id=bid,
                              laga_kraft_at=timeline.to_workflow(event.laga_kraft_at))
    return [Delivery(overklagande_workflow_id(bid), OverklagandeWorkflow.__name__, timer,
                     kind="start")]


def overklagat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(overklagande_workflow_id(event.originator_id), "overklagat",
                     _notice(event))]


def workflow_routes(store: ArsplanStore) -> dict[str, Route]:
    """Event topic → route, for every event a workflow waits for."""
    routes: dict[type, Route] = {
        Cycle.Opened: cycle_opened,
        Cycle.BeslutRecorded: beslut_recorded,
        Arsplan.MilestoneMoved: milestone_moved,
        Arsplan.MilestonesAdded: milestone_moved,  # an extended plan may date new cycles
        UnitReport.Klarmarkerad: report_event(store, "klarmarkerad"),
        UnitReport.Godkand: report_event(store, "godkand"),
        UnitReport.Atersand: report_event(store, "atersand"),
        UnitReport.Reopened: report_event(store, "reopened"),
        UnitReport.DeadlineMoved: deadline_moved,
        Meeting.Scheduled: meeting_scheduled,
        Meeting.ProtokollJusterat: protokoll_justerat,
        Delegationsbeslut.Anslaget: beslut_anslaget,
        Delegationsbeslut.Overklagat: overklagat,
    }
    return {get_topic(cls): route for cls, route in routes.items()}
