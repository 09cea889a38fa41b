"""The feed: read events in order after a position, filtered, within a consumer's grant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
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
from feed.wire import StateReader, Unsupported, Wire, actor_of, dumps, envelope_wire

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

    @property
    def narrows(self) -> bool:
        return bool(self.types or self.namnd_codes or self.cycle_ids or self.unit_ids)

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


class PublishedEvent(NamedTuple):
    """One envelope as published: ``json`` is what ``EventEnvelope.model_dump_json()``
    gives (UTF-8), with the fields a broker routes by."""

    position: int
    type: str
    version: int
    event_id: str
    namnd_code: str | None
    aggregate_type: str
    json: bytes

    def model(self) -> EventEnvelope:
        return EventEnvelope.model_validate_json(self.json)


@dataclass(frozen=True)
class PublishedPage:
    events: list[PublishedEvent]
    next_position: int
    head: int


class EventFeed:
    """Reads the application's notification log as envelopes, in notification order."""

    def __init__(self, app: Application[Any], positions: ConsumerPositions,
                 pseudonym_secret: bytes) -> None:
        from feed.scope import ScopeResolver
        self.app = app
        self.positions = positions
        self.scopes = ScopeResolver(app)
        self.pseudonymise = Pseudonymiser(pseudonym_secret)
        self.states = StateReader(app.mapper)
        self._topic_types: dict[str, tuple[str, str]] = {}

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(self, grant: FeedGrant, after: int, feed_filter: FeedFilter | None = None,
             limit: int = 100) -> FeedPage:
        """The next page of envelopes as models."""
        found, position, head = self._scan(grant, after, feed_filter, limit)
        return FeedPage([item if isinstance(item, EventEnvelope)
                         else EventEnvelope.model_validate(item) for item in found],
                        position, head)

    def read_published(self, grant: FeedGrant, after: int,
                       feed_filter: FeedFilter | None = None,
                       limit: int = 100) -> PublishedPage:
        """The same page as JSON, serialised once, for those who send it on."""
        found, position, head = self._scan(grant, after, feed_filter, limit)
        return PublishedPage([_published(item) for item in found], position, head)

    def _scan(self, grant: FeedGrant, after: int, feed_filter: FeedFilter | None,
              limit: int) -> tuple[list[Wire | EventEnvelope], int, int]:
        feed_filter = feed_filter or FeedFilter()
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"limit ska vara 1–{MAX_LIMIT}", rule="limit")
        topics = topics_for(sorted(feed_filter.types))
        events: list[Wire | EventEnvelope] = []
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
                envelope = self._visible_wire(grant, feed_filter, notification)
                position = notification.id
                if envelope is not None:
                    events.append(envelope)
                    if len(events) == limit:
                        break
            scanned += len(batch)
        return events, position, head

    def _visible_wire(self, grant: FeedGrant, feed_filter: FeedFilter,
                      notification: Notification) -> Wire | EventEnvelope | None:
        """The envelope's JSON object built from the stored JSON (feed/wire.py), or the
        model built the reference way when the wire path cannot vouch for the event."""
        try:
            return self._wire(grant, feed_filter, notification)
        except Unsupported:
            return self._visible(grant, feed_filter, notification)

    def _wire(self, grant: FeedGrant, feed_filter: FeedFilter,
              notification: Notification) -> Wire | None:
        state = self.states.state(notification)
        event_type, aggregate = self._types(notification.topic)
        unit = state.get("unit_id")
        if unit is not None and type(unit) is not str:
            raise Unsupported("unit_id")
        aggregate_id = notification.originator_id
        scope, scope_wire = self.scopes.scoped(
            aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id), unit,
            lambda: self.app.mapper.to_domain_event(notification))
        if not grant.allows(scope.namnd_code) or (
                feed_filter.narrows and not feed_filter.matches(event_type, scope)):
            return None
        version = feed_filter.versions.get(event_type, current_version(event_type))
        pseudonymise = None if grant.personal_data else self.pseudonymise
        payload, withheld = published(event_type, self.states.payload(state), pseudonymise)
        actor = actor_of(state)
        person, on_behalf_of = actor["person_id"], actor.get("on_behalf_of")
        if pseudonymise is not None:
            person, on_behalf_of = pseudonymise(person) or "", pseudonymise(on_behalf_of)
        return envelope_wire(
            notification, state, event_type, aggregate, version, scope_wire,
            {"person_id": person, "role": actor["role"], "unit_id": actor.get("unit_id")},
            on_behalf_of, payload if version == 1 else upcast(event_type, 1, payload, to=version),
            withheld)

    def _types(self, topic: str) -> tuple[str, str]:
        """Topic → (event type, aggregate type)."""
        known = self._topic_types.get(topic)
        if known is None:
            event_type = type_name(topic)
            known = self._topic_types[topic] = (event_type, aggregate_type(event_type))
        return known

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



def _published(item: Wire | EventEnvelope) -> PublishedEvent:
    if isinstance(item, EventEnvelope):
        return PublishedEvent(item.position, item.type, item.version, str(item.event_id),
                              item.scope.namnd_code, item.aggregate.type,
                              item.model_dump_json().encode())
    return PublishedEvent(item["position"], item["type"], item["version"], item["event_id"],
                          item["scope"]["namnd_code"], item["aggregate"]["type"],
                          dumps(item))
