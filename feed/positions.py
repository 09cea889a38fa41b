"""Durable consumer positions, on eventsourcing's tracking recorders.

Positions live in the same database as the event store (SQLite file or
PostgreSQL schema), in a ``tracking`` table whose single row per consumer only
ever moves forward, so a late or repeated acknowledgement is harmless.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    Tracking,
    TrackingRecorder,
)
from eventsourcing.utils import Environment

from domain.errors import InvalidInputError

CONSUMER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_consumer_name(name: str) -> str:
    if not CONSUMER_NAME.match(name):
        raise InvalidInputError(
            f"Ogiltigt konsumentnamn {name!r}: 1–64 tecken, bokstäver, siffror, . _ -",
            rule="consumer_name")
    return name


class ConsumerPositions:
    """Where each (client, consumer) has acknowledged up to: 0 before the first event."""

    def __init__(self, recorder: TrackingRecorder) -> None:
        self.recorder = recorder

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConsumerPositions:
        factory = InfrastructureFactory.construct(Environment(name="feed", env=env))
        return cls(factory.tracking_recorder())

    @staticmethod
    def key(client_id: str, consumer: str) -> str:
        return f"feed:{client_id}:{check_consumer_name(consumer)}"

    def get(self, client_id: str, consumer: str) -> int:
        return self.recorder.max_tracking_id(self.key(client_id, consumer)) or 0

    def advance(self, client_id: str, consumer: str, position: int) -> int:
        """Moves the position forward to ``position``; never back. Returns the position now."""
        current = self.get(client_id, consumer)
        if position <= current:
            return current
        # A concurrent acknowledgement may get there first; positions only grow.
        with contextlib.suppress(IntegrityError):
            self.recorder.insert_tracking(Tracking(self.key(client_id, consumer), position))
        return self.get(client_id, consumer)
