"""Cursor pagination for the list reads: ``limit`` and an opaque ``after`` cursor.

A page is the JSON list the route has always returned; when more follow, the answer
carries an RFC 8288 ``Link: <url>; rel="next"``, this request's URL with ``after`` and
``limit`` replaced. Cursors are opaque: a client hands back what it got. Pages are cut
from what the reader may see, so a reader's page is full unless it is the last.

Three kinds of list, three kinds of cursor; a cursor of one kind is refused by another
(422, rule ``cursor``), as is a garbled one:

- the unfiltered audit trail: the log position (notification id) of the last entry
  returned, as the event feed's position tokens (``feed/position_token.py``); a page reads
  the log from there on, in windows, until it has ``limit`` entries the reader may see.
- lists in recording order (the filtered trail, a history, the reminders): the offset
  where the page ended and the last item's id. The lists are append-only in recording
  order (an item recorded later sorts last, items never move or go away), so the offset
  stays where the previous page ended; the id finds the place again should the reader's
  view of the list change between pages (a role gained or lost).
- the delegation register, sorted by beslut date, row and id (a beslut decided earlier
  may be recorded later, in the middle): the last entry's sort key, and the next page is
  what sorts after it.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from domain.errors import InvalidInputError
from feed import position_token
from projections.queries import AuditEntry

DEFAULT_LIMIT, MAX_LIMIT = 500, 5000
# The unfiltered trail's reading window grows for a reader who sees little of the log,
# up to this many entries held at once.
MAX_WINDOW = 2 * MAX_LIMIT
_LIST_CURSOR = "l1"

T = TypeVar("T")

NEXT_PAGE_LINK: dict[int | str, dict[str, Any]] = {200: {"headers": {"Link": {
    "description": 'RFC 8288 `<url>; rel="next"`: the next page, present while more follow',
    "schema": {"type": "string"}}}}}


@dataclass(frozen=True)
class PageRequest:
    request: Request
    response: Response
    limit: int
    after: str | None

    def link_next(self, cursor: str) -> None:
        url = self.request.url.include_query_params(after=cursor, limit=self.limit)
        self.response.headers["Link"] = f'<{url}>; rel="next"'


def page_request(
        request: Request, response: Response,
        limit: Annotated[int, Query(
            ge=1, le=MAX_LIMIT,
            description=f"At most this many items on the page (1 to {MAX_LIMIT})")
        ] = DEFAULT_LIMIT,
        after: Annotated[str | None, Query(
            description="The `next` cursor of the previous page (Link header); "
                        "without it, the first page")] = None) -> PageRequest:
    return PageRequest(request, response, limit, after)


def invalid_cursor() -> InvalidInputError:
    return InvalidInputError("Ogiltig markör i after: använd länken rel=\"next\" i "
                             "föregående svars Link-huvud", rule="cursor")


# The unfiltered audit trail

TrailWindow = Callable[[int, int], list[tuple[int, AuditEntry]]]  # (after, n) -> entries
Visible = Callable[[list[AuditEntry]], list[AuditEntry]]


def log_page(page: PageRequest, read: TrailWindow, visible: Visible) -> list[AuditEntry]:
    """The reader's next ``limit`` entries after the cursor's log position: windows of
    the log are read from there until one more than that is theirs (so the last page
    has no link) or the log's end is reached."""
    position = log_position(page.after)
    want, window = page.limit + 1, page.limit + 1
    found: list[tuple[int, AuditEntry]] = []
    while len(found) < want:
        entries = read(position, window)
        positions = {e.event_id: at for at, e in entries}
        found += [(positions[e.event_id], e) for e in visible([e for _, e in entries])]
        if len(entries) < window:
            break  # the end of what the trail has reached
        position = entries[-1][0]
        window = max(min(window * 4, MAX_WINDOW), want)
    shown = found[:page.limit]
    if len(found) > page.limit:
        page.link_next(position_token.encode(shown[-1][0]))
    return [e for _, e in shown]


def log_position(after: str | None) -> int:
    if after is None:
        return 0
    try:
        return position_token.decode(after)
    except InvalidInputError:
        raise invalid_cursor() from None


# Lists in recording order, and the sorted register

def page_in_recording_order(items: Sequence[T], page: PageRequest, kind: str,
                            key: Callable[[T], str]) -> list[T]:
    """The page after the cursor of an append-only list in recording order; ``key`` is
    an item's id, ``kind`` names the list (a cursor of another list is refused)."""
    start = 0
    if page.after is not None:
        values = _decode(page.after, kind)
        if (len(values) != 2 or type(values[0]) is not int or values[0] < 0
                or not isinstance(values[1], str)):
            raise invalid_cursor()
        start = _resume(items, key, values[0], values[1])
    shown = list(items[start:start + page.limit])
    if start + len(shown) < len(items):
        page.link_next(_encode(kind, start + len(shown), key(shown[-1])))
    return shown


def _resume(items: Sequence[T], key: Callable[[T], str], offset: int, last: str) -> int:
    if 0 < offset <= len(items) and key(items[offset - 1]) == last:
        return offset
    # The reader's view changed between pages: after the same item, else the same count.
    found = next((i + 1 for i, item in enumerate(items) if key(item) == last), None)
    return found if found is not None else min(offset, len(items))


def page_in_sort_order(items: Sequence[T], page: PageRequest, kind: str,
                       key: Callable[[T], tuple[str, ...]]) -> list[T]:
    """The page after the cursor of a list sorted by ``key`` (unique per item): what
    sorts after the previous page's last item, wherever new items were put."""
    start = 0
    if page.after is not None:
        values = _decode(page.after, kind)
        if not values or not all(isinstance(v, str) for v in values) or (
                items and len(values) != len(key(items[0]))):
            raise invalid_cursor()
        start = bisect.bisect_right(items, tuple(values), key=key)
    shown = list(items[start:start + page.limit])
    if start + len(shown) < len(items):
        page.link_next(_encode(kind, *key(shown[-1])))
    return shown


def _encode(kind: str, *values: str | int) -> str:
    text = json.dumps([_LIST_CURSOR, kind, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: str, kind: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        raise invalid_cursor() from None
    if not isinstance(values, list) or values[:2] != [_LIST_CURSOR, kind]:
        raise invalid_cursor()
    return values[2:]
