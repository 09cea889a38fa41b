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
from pydantic import BaseModel, Field

from api.read_access import ReadPolicy, read_policy
from domain.errors import DomainError, InvalidInputError
from feed import position_token
from feed.authority import FeedGrant, grant_for_person, grants_from_json
from feed.envelope import EventEnvelope
from feed.positions import ConsumerPositions, check_consumer_name
from feed.service import EventFeed, FeedFilter
from feed.settings import FeedSettings
from infrastructure.logging import get_logger

router = APIRouter(prefix="/feed", tags=["händelseflöde"])
bearer = HTTPBearer(auto_error=False, description="Integrationens eller personens token")
HEARTBEAT_SECONDS = 15.0
ACK_HEADER = "Feed-Acknowledgement"


class FeedPageOut(BaseModel):
    events: list[EventEnvelope]
    next: str  # hand back as ``after`` (or acknowledge it) to read on
    head: str
    caught_up: bool


class PositionOut(BaseModel):
    consumer: str
    position: str


class AcknowledgeIn(BaseModel):
    position: Annotated[int, Field(ge=0)] | str = Field(
        description="an event's `position` (the number it carries) or a position token "
                    "(a page's `next`, an SSE event's `id`)")

    def resolved(self) -> int:
        if isinstance(self.position, int):
            return self.position
        return position_token.decode(self.position)


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
    return await grant_of(request, credentials.credentials if credentials else None)


async def grant_of(request: Request, token: str | None) -> FeedGrant:
    """The token's grant now (a live stream asks again): 401 unknown, 403 no longer granted."""
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
@read_policy(ReadPolicy.FEED)
def read_events(feed: Feed, grant: Grant, filters: Filter, after: str | None = None,
                consumer: str | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> FeedPageOut:
    """Events after ``after`` (or after the consumer's acknowledged position), in order."""
    page = feed.read(grant, _start(feed, grant, after, consumer), filters, limit)
    return FeedPageOut(events=page.events, next=position_token.encode(page.next_position),
                       head=position_token.encode(page.head),
                       caught_up=page.next_position >= page.head)


@router.get("/consumers/{consumer}", response_model=PositionOut)
@read_policy(ReadPolicy.FEED)
def consumer_position(consumer: str, feed: Feed, grant: Grant) -> PositionOut:
    return PositionOut(consumer=consumer,
                       position=position_token.encode(feed.position(grant, consumer)))


@router.post("/consumers/{consumer}/ack", response_model=PositionOut)
def acknowledge(consumer: str, body: AcknowledgeIn, feed: Feed, grant: Grant) -> PositionOut:
    """Everything up to ``position`` is handled; the consumer resumes after it. Takes the
    event's ``position`` as it carries it (``{"position": 7}``) or a position token."""
    now = feed.acknowledge(grant, consumer, body.resolved())
    get_logger(client_id=grant.client_id, consumer=consumer).debug("feed_ack", position=now)
    return PositionOut(consumer=consumer, position=position_token.encode(now))


@router.get("/stream")
@read_policy(ReadPolicy.FEED)
async def stream(request: Request, feed: Feed, grant: Grant, filters: Filter,
                 after: str | None = None, consumer: str | None = None,
                 last_event_id: Annotated[str | None, Header()] = None,
                 credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                 ) -> StreamingResponse:
    """Live tail as Server-Sent Events; each event's ``id`` is its position token, so a
    reconnecting EventSource resumes with Last-Event-ID.

    ``?consumer=NAME`` starts after NAME's saved position but does not move it: delivery
    over the stream is not handling, so a consumer that dies with events in hand would
    lose them. Acknowledge what you handled with ``POST /feed/consumers/NAME/ack``
    (at-least-once); the stream's first lines and its ``Feed-Acknowledgement`` header say so.

    A client holds at most ``ARSPLAN_FEED_STREAM_MAX_PER_CLIENT`` streams at once (429
    beyond). A stream ends with ``event: end`` after ``ARSPLAN_FEED_STREAM_MAX_SECONDS``
    (reconnect with Last-Event-ID), and with ``event: error`` when its token no longer
    grants the feed, asked again every ``ARSPLAN_FEED_STREAM_REAUTHORISE_SECONDS``.
    """
    start = _start(feed, grant, last_event_id or after, consumer)
    settings = _settings(request)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if consumer is not None:
        check_consumer_name(consumer)  # it goes into a header
        headers[ACK_HEADER] = f"explicit; POST /feed/consumers/{consumer}/ack"
    open_streams = _open_streams(request)
    if open_streams.get(grant.client_id, 0) >= settings.stream_max_per_client:
        raise HTTPException(429, f"{grant.client_id} har redan {settings.stream_max_per_client} "
                                 "öppna strömmar; stäng en först", headers={"Retry-After": "30"})
    open_streams[grant.client_id] = open_streams.get(grant.client_id, 0) + 1
    token = credentials.credentials if credentials else None
    live = _LiveStream(request, feed, grant, filters, settings, token, open_streams)
    return StreamingResponse(live.events(start, consumer), media_type="text/event-stream",
                             headers=headers)


def _open_streams(request: Request) -> dict[str, int]:
    streams: dict[str, int] | None = getattr(request.app.state, "feed_streams", None)
    if streams is None:
        streams = request.app.state.feed_streams = {}
    return streams


class _LiveStream:
    """One open stream: counted against its client from the route until it ends."""

    def __init__(self, request: Request, feed: EventFeed, grant: FeedGrant, filters: FeedFilter,
                 settings: FeedSettings, token: str | None, open_streams: dict[str, int]) -> None:
        self.request, self.feed, self.grant, self.filters = request, feed, grant, filters
        self.settings, self.token, self.open_streams = settings, token, open_streams
        self.client_id = grant.client_id
        self.log = get_logger(client_id=grant.client_id)

    async def events(self, position: int, consumer: str | None) -> AsyncIterator[str]:
        try:
            async for chunk in self._tail(position, consumer):
                yield chunk
        finally:
            self.open_streams[self.client_id] -= 1

    async def _tail(self, position: int, consumer: str | None) -> AsyncIterator[str]:
        poll, loop = self.settings.poll_seconds, asyncio.get_running_loop()
        opened = asked = loop.time()
        idle = 0.0
        yield ": ansluten\n\n"
        if consumer is not None:
            yield (f": strömmen flyttar inte {consumer}s position; kvittera det som hanterats "
                   f"med POST /feed/consumers/{consumer}/ack {{\"position\": <händelsens "
                   "position>}\n\n")
        with contextlib.suppress(asyncio.CancelledError):
            while not await self.request.is_disconnected():
                if loop.time() - opened >= self.settings.stream_max_seconds:
                    yield "event: end\ndata: tidsgränsen nådd; anslut igen med Last-Event-ID\n\n"
                    return
                if loop.time() - asked >= self.settings.stream_reauthorise_seconds:
                    asked = loop.time()
                    refused = await self._reauthorise()
                    if refused is not None:
                        yield f"event: error\ndata: {refused}\n\n"
                        return
                try:
                    page = await asyncio.to_thread(self.feed.read_published, self.grant,
                                                   position, self.filters, 100)
                except DomainError as error:
                    self.log.warning("feed_stream_refused", rule=error.rule)
                    yield f"event: error\ndata: {error}\n\n"
                    return
                for event in page.events:
                    token = position_token.encode(event.position)
                    yield f"id: {token}\nevent: {event.type}\ndata: {event.json.decode()}\n\n"
                position = page.next_position
                if page.events or position < page.head:
                    idle = 0.0
                    continue
                await asyncio.sleep(poll)
                idle += poll
                if idle >= HEARTBEAT_SECONDS:
                    idle = 0.0
                    yield ": väntar\n\n"

    async def _reauthorise(self) -> str | None:
        """Why the token no longer grants this stream, or None (a narrower grant narrows it)."""
        try:
            now = await grant_of(self.request, self.token)
        except HTTPException as refused:
            self.log.info("feed_stream_revoked", status=refused.status_code)
            return str(refused.detail)
        if now.namnd_codes is not None and not now.namnd_codes:
            return "tokenen ger inte längre tillgång till någon nämnd"
        self.grant = now
        return None
