"""The event feed over HTTP: paged reads, acknowledgements and a live Server-Sent Events stream.

A consumer names itself; its position is kept per client (the grant behind the
bearer token), so two systems never move each other's positions.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from domain.errors import DomainError, InvalidInputError
from feed import position_token
from feed.authority import FeedGrant, grant_for_person, grants_from_json
from feed.envelope import EventEnvelope
from feed.positions import ConsumerPositions
from feed.service import EventFeed, FeedFilter
from feed.settings import FeedSettings
from infrastructure.logging import get_logger

router = APIRouter(prefix="/feed", tags=["händelseflöde"])
bearer = HTTPBearer(auto_error=False, description="Integrationens eller personens token")
HEARTBEAT_SECONDS = 15.0


class FeedPageOut(BaseModel):
    events: list[EventEnvelope]
    next: str  # hand back as ``after`` (or acknowledge it) to read on
    head: str
    caught_up: bool


class PositionOut(BaseModel):
    consumer: str
    position: str


class AcknowledgeIn(BaseModel):
    position: str


def _settings(request: Request) -> FeedSettings:
    settings = getattr(request.app.state, "feed_settings", None)
    if settings is None:
        settings = request.app.state.feed_settings = FeedSettings()
    return settings


def event_feed(request: Request) -> EventFeed:
    """The app's feed, built on first use over the API's own application and store."""
    feed: EventFeed | None = getattr(request.app.state, "feed", None)
    if feed is None:
        app = request.app.state.store
        feed = EventFeed(app, ConsumerPositions.from_env(dict(app.env)),
                         _settings(request).pseudonym_secret.encode())
        request.app.state.feed = feed
    return feed


async def feed_grant(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> FeedGrant:
    """An integration's token grants what it was configured with; a person's, their roles'."""
    token = credentials.credentials if credentials else None
    state = request.app.state
    grants = getattr(state, "feed_grants", None)
    if grants is None:
        grants = state.feed_grants = grants_from_json(_settings(request).clients)
    if token and token in grants:
        return grants[token]
    person_id = getattr(state, "tokens", {}).get(token) if token else None
    if person_id is None:
        raise HTTPException(401, "Saknad eller okänd token (Authorization: Bearer …)",
                            headers={"WWW-Authenticate": "Bearer"})
    codes = getattr(state, "namnd_codes", None) or [getattr(state, "namnd_code", "VON")]
    grant = await asyncio.to_thread(grant_for_person, state.store, person_id, codes,
                                    datetime.now(tz=UTC))
    if grant is None:
        raise HTTPException(403, f"{person_id} har ingen roll som ger tillgång till flödet")
    return grant


def feed_filter(type: Annotated[list[str] | None, Query()] = None,
                namnd: Annotated[list[str] | None, Query()] = None,
                cycle_id: Annotated[list[UUID] | None, Query()] = None,
                unit_id: Annotated[list[str] | None, Query()] = None,
                version: Annotated[list[str] | None, Query(
                    description="pin a payload version, e.g. UnitReport.ReminderSent:1")] = None,
                ) -> FeedFilter:
    pins: dict[str, int] = {}
    for pin in version or ():
        name, _, number = pin.rpartition(":")
        if not name or not number.isdigit():
            raise InvalidInputError(f"Versionen anges som Typ:nummer, inte {pin!r}",
                                    rule="version_pin")
        pins[name] = int(number)
    return FeedFilter(types=frozenset(type or ()), namnd_codes=frozenset(namnd or ()),
                      cycle_ids=frozenset(cycle_id or ()), unit_ids=frozenset(unit_id or ()),
                      versions=pins)


Feed = Annotated[EventFeed, Depends(event_feed)]
Grant = Annotated[FeedGrant, Depends(feed_grant)]
Filter = Annotated[FeedFilter, Depends(feed_filter)]


def _start(feed: EventFeed, grant: FeedGrant, after: str | None, consumer: str | None) -> int:
    if after is not None:
        return position_token.decode(after)
    return feed.position(grant, consumer) if consumer else 0


@router.get("/events", response_model=FeedPageOut)
def read_events(feed: Feed, grant: Grant, filters: Filter, after: str | None = None,
                consumer: str | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> FeedPageOut:
    """Events after ``after`` (or after the consumer's acknowledged position), in order."""
    page = feed.read(grant, _start(feed, grant, after, consumer), filters, limit)
    return FeedPageOut(events=page.events, next=position_token.encode(page.next_position),
                       head=position_token.encode(page.head),
                       caught_up=page.next_position >= page.head)


@router.get("/consumers/{consumer}", response_model=PositionOut)
def consumer_position(consumer: str, feed: Feed, grant: Grant) -> PositionOut:
    return PositionOut(consumer=consumer,
                       position=position_token.encode(feed.position(grant, consumer)))


@router.post("/consumers/{consumer}/ack", response_model=PositionOut)
def acknowledge(consumer: str, body: AcknowledgeIn, feed: Feed, grant: Grant) -> PositionOut:
    """Everything up to ``position`` is handled; the consumer resumes after it."""
    now = feed.acknowledge(grant, consumer, position_token.decode(body.position))
    get_logger(client_id=grant.client_id, consumer=consumer).debug("feed_ack", position=now)
    return PositionOut(consumer=consumer, position=position_token.encode(now))


@router.get("/stream")
async def stream(request: Request, feed: Feed, grant: Grant, filters: Filter,
                 after: str | None = None, consumer: str | None = None,
                 last_event_id: Annotated[str | None, Header()] = None) -> StreamingResponse:
    """Live tail as Server-Sent Events; each event's ``id`` is its position token, so a
    reconnecting EventSource resumes with Last-Event-ID. Acknowledge separately."""
    start = _start(feed, grant, last_event_id or after, consumer)
    poll = _settings(request).poll_seconds
    return StreamingResponse(_sse(request, feed, grant, filters, start, poll),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _sse(request: Request, feed: EventFeed, grant: FeedGrant, filters: FeedFilter,
               position: int, poll: float) -> AsyncIterator[str]:
    log = get_logger(client_id=grant.client_id)
    idle = 0.0
    yield ": ansluten\n\n"
    with contextlib.suppress(asyncio.CancelledError):
        while not await request.is_disconnected():
            try:
                page = await asyncio.to_thread(feed.read, grant, position, filters, 100)
            except DomainError as error:
                log.warning("feed_stream_refused", rule=error.rule)
                yield f"event: error\ndata: {error}\n\n"
                return
            for envelope in page.events:
                token = position_token.encode(envelope.position)
                yield f"id: {token}\nevent: {envelope.type}\ndata: {envelope.model_dump_json()}\n\n"
            position = page.next_position
            if page.events or position < page.head:
                idle = 0.0
                continue
            await asyncio.sleep(poll)
            idle += poll
            if idle >= HEARTBEAT_SECONDS:
                idle = 0.0
                yield ": väntar\n\n"
