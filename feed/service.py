"""The feed: read events in order after a position, filtered, within a consumer's grant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from domain.command_identity import key_of
from domain.errors import InvalidInputError, RuleViolationError
from feed.allow_list import published
from feed.authority import FeedGrant, Pseudonymiser
from feed.catalogue import ENVELOPE_FIELDS, aggregate_type, event_classes, topics_for, type_name
from feed.envelope import ActorRef, AggregateRef, EventEnvelope, EventScope, jsonable
from feed.positions import ConsumerPositions
from feed.upcasting import current_version, upcast

MAX_LIMIT = 1000
SCAN_BATCH = 500
MAX_SCAN = 20_000  # notifications examined per read, so a narrow filter cannot stall a request


@dataclass(frozen=True)
class FeedFilter:
    """Empty sets match everything."""

    types: frozenset[str] = frozenset()
    namnd_codes: frozenset[str] = frozenset()
    cycle_ids: frozenset[UUID] = frozenset()
    unit_ids: frozenset[str] = frozenset()
    versions: Mapping[str, int] = field(default_factory=dict)  # pinned payload versions

    def __post_init__(self) -> None:
        named = set(self.types) | set(self.versions)
        unknown = sorted(named - set(event_classes()))
        if unknown:
            raise InvalidInputError(f"Okända händelsetyper: {', '.join(unknown)}",
                                    rule="unknown_event_type")
        for event_type, version in self.versions.items():
            if not 1 <= version <= current_version(event_type):
                raise InvalidInputError(
                    f"{event_type} finns i version 1–{current_version(event_type)}, "
                    f"inte {version}", rule="unknown_version")

    def matches(self, event_type: str, scope: EventScope) -> bool:
        return ((not self.types or event_type in self.types)
                and (not self.namnd_codes or scope.namnd_code in self.namnd_codes)
                and (not self.cycle_ids or scope.cycle_id in self.cycle_ids)
                and (not self.unit_ids or scope.unit_id in self.unit_ids))


@dataclass(frozen=True)
class FeedPage:
    events: list[EventEnvelope]
    next_position: int  # read on from here; past every notification examined
    head: int  # the newest notification id in the store when read


class EventFeed:
    """Reads the application's notification log as envelopes, in notification order."""

    def __init__(self, app: Application[Any], positions: ConsumerPositions,
                 pseudonym_secret: bytes) -> None:
        from feed.scope import ScopeResolver
        self.app = app
        self.positions = positions
        self.scopes = ScopeResolver(app)
        self.pseudonymise = Pseudonymiser(pseudonym_secret)

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(self, grant: FeedGrant, after: int, feed_filter: FeedFilter | None = None,
             limit: int = 100) -> FeedPage:
        feed_filter = feed_filter or FeedFilter()
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"limit ska vara 1–{MAX_LIMIT}", rule="limit")
        topics = topics_for(sorted(feed_filter.types))
        events: list[EventEnvelope] = []
        position, scanned = max(after, 0), 0
        head = self.head()
        while len(events) < limit and scanned < MAX_SCAN and position < head:
            batch = self.app.recorder.select_notifications(
                start=position, limit=SCAN_BATCH, stop=head, topics=topics,
                inclusive_of_start=False)
            if not batch:
                position = head
                break
            for notification in batch:
                envelope = self._visible(grant, feed_filter, notification)
                position = notification.id
                if envelope is not None:
                    events.append(envelope)
                    if len(events) == limit:
                        break
            scanned += len(batch)
        return FeedPage(events, position, head)

    def _visible(self, grant: FeedGrant, feed_filter: FeedFilter,
                 notification: Notification) -> EventEnvelope | None:
        event = self.app.mapper.to_domain_event(notification)
        event_type = type_name(notification.topic)
        scope = self.scopes.scope(event)
        if not grant.allows(scope.namnd_code) or not feed_filter.matches(event_type, scope):
            return None
        version = feed_filter.versions.get(event_type, current_version(event_type))
        return self.envelope(notification.id, event, event_type, scope, version,
                             clear=grant.personal_data)

    def envelope(self, position: int, event: Any, event_type: str, scope: EventScope,
                 version: int, clear: bool) -> EventEnvelope:
        # Not "_as_recorded": what an upcast event recorded in its old shape (domain.chain).
        recorded = {name: jsonable(value) for name, value in vars(event).items()
                    if name not in ENVELOPE_FIELDS and not name.startswith("_")}
        payload, withheld = published(event_type, recorded,
                                      None if clear else self.pseudonymise)
        actor, on_behalf_of = event.actor, event.actor.on_behalf_of
        if not clear:
            on_behalf_of = self.pseudonymise(on_behalf_of)
        return EventEnvelope(
            position=position, event_id=event.event_id, type=event_type, version=version,
            occurred_at=event.occurred_at, recorded_at=event.timestamp,
            actor=ActorRef(person_id=actor.person_id if clear
                           else self.pseudonymise(actor.person_id) or "",
                           role=actor.role, unit_id=actor.unit_id),
            on_behalf_of=on_behalf_of, command_id=key_of(event.command_id),
            aggregate=AggregateRef(id=event.originator_id, type=aggregate_type(event_type),
                                   version=event.originator_version),
            scope=scope, payload=upcast(event_type, 1, payload, to=version), withheld=withheld,
            prev_hash=event.prev_hash, chain_hash=event.chain_hash,
        )

    # Consumer positions

    def position(self, grant: FeedGrant, consumer: str) -> int:
        return self.positions.get(grant.client_id, consumer)

    def acknowledge(self, grant: FeedGrant, consumer: str, position: int) -> int:
        """Records that ``consumer`` has handled everything up to ``position``."""
        if position < 0:
            raise InvalidInputError("Positionen kan inte vara negativ", rule="negative_position")
        if position > self.head():
            # Acknowledging events that do not exist yet would silently skip them later.
            raise RuleViolationError(
                f"Positionen {position} ligger efter loggens slut ({self.head()})",
                rule="ack_beyond_head")
        return self.positions.advance(grant.client_id, consumer, position)

