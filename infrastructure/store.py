"""Constructs the application on the configured event store."""

from __future__ import annotations

from domain.application import Arsplaner, Clock, utc_now
from infrastructure.settings import Settings, get_settings


def build_application(settings: Settings | None = None, clock: Clock = utc_now) -> Arsplaner:
    settings = settings or get_settings()
    return Arsplaner(env=settings.eventsourcing_env(), clock=clock)
