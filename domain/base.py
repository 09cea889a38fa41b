"""The audited aggregate base: every event carries who, when, why and its chain link."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain import command_identity
from domain.chain import GENESIS_HASH, compute_hash
from domain.command_identity import SYSTEM_PERSON


@dataclass(frozen=True)
class Actor:
    """Who caused an event, in which role, and on whose behalf.

    ``on_behalf_of`` names the person whose role an ersättare exercises, or the
    nämnd in whose name a delegat decides ("På vård- och omsorgsnämndens vägnar").
    """

    person_id: str
    role: str
    unit_id: str | None = None
    on_behalf_of: str | None = None

    @classmethod
    def system(cls, role: str = "workflow") -> Actor:
        return cls(person_id=SYSTEM_PERSON, role=role)


@dataclass(frozen=True)
class Cause:
    """The envelope fields a command hands to the aggregate for each event."""

    actor: Actor
    occurred_at: datetime
    command_id: str | None = None
    recorded_at: datetime | None = None  # injected clock (simulation); None: now


class AuditedAggregate(Aggregate):
    """Aggregate whose events form a per-aggregate hash chain with audit metadata."""

    class Event(Aggregate.Event):
        event_id: UUID
        actor: Actor
        occurred_at: datetime
        command_id: str | None
        prev_hash: str
        chain_hash: str

        def apply(self, aggregate: Any) -> None:
            """Subclasses override; the chain bookkeeping happens in mutate()."""

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate._last_hash = self.chain_hash
            _remember_command(aggregate, self)
            return aggregate

    class Created(Event, Aggregate.Created):
        def mutate(self, aggregate: Any) -> Any:
            aggregate = Aggregate.Created.mutate(self, aggregate)
            aggregate._last_hash = self.chain_hash
            aggregate._command_versions = {}
            aggregate._command_fingerprints = {}
            _remember_command(aggregate, self)
            return aggregate

    _last_hash: str
    # Command identity (issuer namespace and id) → the version it left, and its fingerprint.
    _command_versions: dict[str, int]
    _command_fingerprints: dict[str, str]

    @classmethod
    def _create_audited(
        cls, event_class: type[Any], *, id: UUID, cause: Cause, **payload: Any
    ) -> Self:
        event = _sealed(
            event_class,
            originator_topic=get_topic(cls),
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            prev_hash=GENESIS_HASH,
            cause=cause,
            payload=payload,
        )
        aggregate: Self = event.mutate(None)
        aggregate.pending_events.append(event)
        return aggregate

    def _record(self, event_class: type[Any], cause: Cause, **payload: Any) -> None:
        event = _sealed(
            event_class,
            originator_id=self.id,
            originator_version=self.version + 1,
            prev_hash=self._last_hash,
            cause=cause,
            payload=payload,
        )
        event.mutate(self)
        self.pending_events.append(event)

    def handled_command(self, identity: str | None) -> bool:
        """Whether a command of this identity (``command_identity.identity``) was recorded."""
        return identity is not None and identity in self._command_versions

    def command_version(self, identity: str) -> int:
        return self._command_versions[identity]

    def command_fingerprint(self, identity: str) -> str | None:
        """None for a command recorded before fingerprints (or from a state kept before)."""
        fingerprints: dict[str, str] = self.__dict__.get("_command_fingerprints", {})
        return fingerprints.get(identity)

    @property
    def last_hash(self) -> str:
        return self._last_hash


def _sealed(
    event_class: type[Any], *, prev_hash: str, cause: Cause, payload: dict[str, Any],
    **envelope: Any,
) -> Any:
    # Recorded-at never precedes occurred-at: a fact is recorded no earlier than it happened
    # (a workflow's fact reaching a store whose clock lags, a simulated skip in time).
    recorded_at = max(cause.recorded_at or event_class.create_timestamp(), cause.occurred_at)
    unsealed = event_class(
        **envelope,
        **payload,
        timestamp=recorded_at,
        event_id=uuid4(),
        actor=cause.actor,
        occurred_at=cause.occurred_at,
        command_id=cause.command_id,
        prev_hash=prev_hash,
        chain_hash="",
    )
    return dataclasses.replace(unsealed, chain_hash=compute_hash(unsealed))


def _remember_command(aggregate: Any, event: Any) -> None:
    if event.command_id is None:
        return
    identity, fingerprint = command_identity.parse(event.command_id, event.actor.person_id)
    aggregate._command_versions[identity] = event.originator_version
    if fingerprint is not None:
        aggregate.__dict__.setdefault("_command_fingerprints", {})[identity] = fingerprint
