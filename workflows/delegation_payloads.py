"""Payloads of the meeting and överklagande workflows.

Instants are workflow time (see infrastructure.timeline); activities convert.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True)


class MeetingInput(Payload):
    meeting_id: str


class MeetingPlan(Payload):
    meeting_id: str
    cutoff_at: AwareDatetime
    starts_at: AwareDatetime
    first_reminder_at: AwareDatetime
    reminder_interval_hours: int


class MeetingStep(Payload):
    meeting_id: str
    at: AwareDatetime


class JusteringState(Payload):
    status: str
    reminded: list[str]


class OverklagandeInput(Payload):
    beslut_id: str
    laga_kraft_at: AwareDatetime


class AnslagResult(Payload):
    anslagna: list[OverklagandeInput]


class LagaKraftRequest(Payload):
    beslut_id: str
    at: AwareDatetime


class LagaKraftResult(Payload):
    status: str


class EventNotice(Payload):
    """A domain event forwarded by the follower; workflows dedupe by ``event_id``."""

    event_id: str
    version: int


class MeetingOutcome(Payload):
    anmalda: int
    overklagandetider: int
    reminders: int


class WorkflowStatus(Payload):
    busy: bool
    phase: str

