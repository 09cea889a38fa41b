"""Payloads of the ÅrsplanWorkflow's messages (its input and status are in payloads.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PlanChange(BaseModel):
    """The follower's word that the stored årsplan changed (e.g. a milestone moved).

    ``event_id`` is the domain event's id: a redelivered event changes nothing.
    """

    model_config = ConfigDict(frozen=True)

    event_id: str
