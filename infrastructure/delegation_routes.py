"""Follower routes for delegation and meeting events (see infrastructure/follower.py)."""

from __future__ import annotations

from typing import Any

from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from domain.meeting_usecases import is_protokoll_anslag
from infrastructure.follower import Delivery, register_route
from infrastructure.timeline import Timeline
from workflows.delegation_payloads import (
    EventNotice,
    MeetingInput,
    OverklagandeInput,
    meeting_workflow_id,
    overklagande_workflow_id,
)
from workflows.meeting import MeetingWorkflow
from workflows.overklagande import OverklagandeWorkflow


def _notice(event: Any) -> EventNotice:
    return EventNotice(event_id=str(event.event_id), version=event.originator_version)


def protokoll_justerat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(meeting_workflow_id(str(event.originator_id)), "justerat", _notice(event))]


def overklagat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(overklagande_workflow_id(str(event.originator_id)), "overklagat",
                     _notice(event))]


def meeting_scheduled(event: Any, timeline: Timeline) -> list[Delivery]:
    """Every scheduled sammanträde gets its MeetingWorkflow, however it was scheduled."""
    mid = str(event.originator_id)
    return [Delivery(meeting_workflow_id(mid), MeetingWorkflow.__name__,
                     MeetingInput(meeting_id=mid), kind="start")]


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


def register_delegation_routes() -> None:
    register_route(Meeting.Scheduled, meeting_scheduled)
    register_route(Delegationsbeslut.Anslaget, beslut_anslaget)
    register_route(Meeting.ProtokollJusterat, protokoll_justerat)
    register_route(Delegationsbeslut.Overklagat, overklagat)


register_delegation_routes()
