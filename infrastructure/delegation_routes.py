"""Follower routes for delegation and meeting events (see infrastructure/follower.py)."""

from __future__ import annotations

from typing import Any

from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from infrastructure.follower import Delivery, register_route
from infrastructure.timeline import Timeline
from workflows.delegation_payloads import (
    EventNotice,
    meeting_workflow_id,
    overklagande_workflow_id,
)


def _notice(event: Any) -> EventNotice:
    return EventNotice(event_id=str(event.event_id), version=event.originator_version)


def protokoll_justerat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(meeting_workflow_id(str(event.originator_id)), "justerat", _notice(event))]


def overklagat(event: Any, timeline: Timeline) -> list[Delivery]:
    return [Delivery(overklagande_workflow_id(str(event.originator_id)), "overklagat",
                     _notice(event))]


def register_delegation_routes() -> None:
    register_route(Meeting.ProtokollJusterat, protokoll_justerat)
    register_route(Delegationsbeslut.Overklagat, overklagat)


register_delegation_routes()
