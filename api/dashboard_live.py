"""Live updates for the dashboard's boards and lists, as Server-Sent Events.

A page region (the cycle page's progress and tree, the att-göra list) names its stream;
``templates/static/live.js`` listens and, on ``event: changed``, fetches the region again
with htmx (the page's own route answers an ``HX-Request`` with the region only). The
message carries only the log position: what changed is read through the page, under its
read policy. Without JavaScript the page is as the server rendered it.

A stream is the signed-in person's (session or bearer token), asks the read policy again
every ``ARSPLAN_FEED_STREAM_REAUTHORISE_SECONDS`` (``event: stop`` when the person signed
out or may no longer read the page: the browser closes it), ends with ``event: end`` after
``ARSPLAN_FEED_STREAM_MAX_SECONDS`` (the browser reconnects with Last-Event-ID), and a
person holds at most ``ARSPLAN_FEED_STREAM_MAX_PER_CLIENT`` streams at once (429 beyond).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.utils import get_topic
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from api.auth import Principal, event_store, request_principal
from api.dashboard_base import viewer
from api.read_access import Reader, ReadPolicy, page_reader, read_policy
from domain.cycle import Cycle
from domain.errors import NotAuthorisedError, NotFoundError
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from feed.settings import FeedSettings
from infrastructure.eventstore import ArsplanStore

router = APIRouter(include_in_schema=False)
HEARTBEAT_SECONDS = 15.0
BATCH = 500
RETRY_MILLISECONDS = 5000
# What the att-göra list is made of: the reports, the cycles, the roles.
TODO_TOPICS = tuple(f"{get_topic(kind)}." for kind in (UnitReport, Cycle, Organisation))

Relevant = Callable[[Any], bool]  # a stored notification → does the page change?


def settings_of(request: Request) -> FeedSettings:
    """The feed's stream settings (the same limits for the dashboard's streams)."""
    settings = getattr(request.app.state, "feed_settings", None)
    if settings is None:
        settings = request.app.state.feed_settings = FeedSettings()
    return settings


def log_position(app: ArsplanStore) -> int:
    """The store's last notification id: a page embeds it, its stream starts after it."""
    return app.recorder.max_notification_id() or 0


@router.get("/cykler/{cycle_id}/live")
@read_policy(ReadPolicy.UNITS)
def cycle_live(request: Request, cycle_id: UUID,
               efter: Annotated[int | None, Query(ge=0)] = None,
               last_event_id: Annotated[str | None, Header()] = None,
               who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
               app: ArsplanStore = Depends(event_store)) -> StreamingResponse:
    """``changed`` when the cycle or one of its reports records an event."""
    if not app.exists(cycle_id):
        raise NotFoundError(f"Cykeln {cycle_id} finns inte")
    sees.require_aggregate(cycle_id)
    cycle: Any = app.get(cycle_id, Cycle)
    if not isinstance(cycle, Cycle):
        raise NotFoundError(f"{cycle_id} är ingen cykel")
    units = app.organisation(cycle.namnd_code).units
    ids = {str(cycle_id)} | {str(unit_report_id(cycle_id, uid)) for uid in units}

    def still_reads() -> bool:
        Reader(app, who.person_id).require_aggregate(cycle_id)
        return True
    return _stream(request, who, app, lambda n: str(n.originator_id) in ids, still_reads,
                   _start(app, efter, last_event_id))


@router.get("/att-gora/live")
@read_policy(ReadPolicy.OWN)
def todo_live(request: Request, efter: Annotated[int | None, Query(ge=0)] = None,
              last_event_id: Annotated[str | None, Header()] = None,
              who: Principal = Depends(viewer),
              app: ArsplanStore = Depends(event_store)) -> StreamingResponse:
    """``changed`` when a report, a cycle or the organisation's roles record an event."""
    return _stream(request, who, app, lambda n: str(n.topic).startswith(TODO_TOPICS),
                   lambda: True, _start(app, efter, last_event_id))


def _start(app: ArsplanStore, after: int | None, last_event_id: str | None) -> int:
    if last_event_id is not None and last_event_id.isdigit():
        return int(last_event_id)
    return after if after is not None else log_position(app)


def _stream(request: Request, who: Principal, app: ArsplanStore, relevant: Relevant,
            allowed: Callable[[], bool], start: int) -> StreamingResponse:
    settings = settings_of(request)
    streams = _open_streams(request)
    if streams.get(who.person_id, 0) >= settings.stream_max_per_client:
        raise HTTPException(429, f"Du har redan {settings.stream_max_per_client} öppna "
                                 "direktuppdateringar; stäng en flik först",
                            headers={"Retry-After": "30"})
    streams[who.person_id] = streams.get(who.person_id, 0) + 1
    live = _Changes(request, who, app, relevant, allowed, settings, streams)
    return StreamingResponse(live.events(start), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _open_streams(request: Request) -> dict[str, int]:
    streams: dict[str, int] | None = getattr(request.app.state, "live_streams", None)
    if streams is None:
        streams = request.app.state.live_streams = {}
    return streams


class _Changes:
    """One open stream, counted against its person from the route until it ends."""

    def __init__(self, request: Request, who: Principal, app: ArsplanStore,
                 relevant: Relevant, allowed: Callable[[], bool], settings: FeedSettings,
                 streams: dict[str, int]) -> None:
        self.request, self.who, self.app = request, who, app
        self.relevant, self.allowed, self.settings = relevant, allowed, settings
        self.streams = streams

    async def events(self, position: int) -> AsyncIterator[str]:
        try:
            async for chunk in self._tail(position):
                yield chunk
        finally:
            self.streams[self.who.person_id] -= 1

    async def _tail(self, position: int) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        opened = asked = loop.time()
        idle = 0.0
        yield f"retry: {RETRY_MILLISECONDS}\n: ansluten\n\n"
        with contextlib.suppress(asyncio.CancelledError):
            while not await self.request.is_disconnected():
                if loop.time() - opened >= self.settings.stream_max_seconds:
                    yield f"id: {position}\nevent: end\ndata: tidsgränsen nådd\n\n"
                    return
                if loop.time() - asked >= self.settings.stream_reauthorise_seconds:
                    asked = loop.time()
                    if not await asyncio.to_thread(self._still_allowed):
                        yield "event: stop\ndata: inte längre behörig\n\n"
                        return
                found = await asyncio.to_thread(
                    self.app.recorder.select_notifications, position + 1, BATCH)
                if found:
                    position = found[-1].id
                    if any(self.relevant(n) for n in found):
                        idle = 0.0
                        yield f"id: {position}\nevent: changed\ndata: {position}\n\n"
                    if len(found) == BATCH:
                        continue
                await asyncio.sleep(self.settings.poll_seconds)
                idle += self.settings.poll_seconds
                if idle >= HEARTBEAT_SECONDS:
                    idle = 0.0
                    yield ": väntar\n\n"

    def _still_allowed(self) -> bool:
        """The session (or token) still signs this person in, and the page is still theirs."""
        now = request_principal(self.request)
        if now is None or now.person_id != self.who.person_id:
            return False
        try:
            return self.allowed()
        except (NotAuthorisedError, NotFoundError):
            return False
