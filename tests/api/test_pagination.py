"""The list reads come in pages: ``limit``, an opaque ``after`` cursor, a ``Link`` header.

Walking the pages by their ``rel="next"`` links gives exactly the list one big page gives,
in the same order; each reader's pages are full pages of what they may read; limits and
cursors out of bounds are refused naming the parameter. Over the VON demo
(tests/support/read_world.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import Response

from api.pagination import (
    PageRequest,
    log_position,
    page_in_recording_order,
    page_in_sort_order,
)
from domain.errors import InvalidInputError
from feed import position_token
from projections import queries
from projections.audit_trail import AuditTrailProjection, log_entries
from tests.support.read_world import READERS, ReadWorld, auth, read_world

REVISOR, SARA, OLLE = READERS["revisor"], READERS["enhetschef"], READERS["annan nämnd"]
BIRGITTA = READERS["förvaltningschef"]
MAX_PAGES = 500


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadWorld]:
    with read_world(Path(tmp_path_factory.mktemp("pagination"))) as built:
        yield built


@pytest.fixture(scope="module")
def http(world: ReadWorld) -> Iterator[TestClient]:
    with TestClient(world.api) as client:
        yield client


def get(http: TestClient, path: str, person: str, **params: Any) -> httpx.Response:
    response: httpx.Response = http.get(path, params=params, headers=auth(person))
    return response


def everything(http: TestClient, path: str, person: str, **params: Any) -> list[Any]:
    response = get(http, path, person, limit=5000, **params)
    assert response.status_code == 200, response.text
    assert "link" not in response.headers
    items: list[Any] = response.json()
    return items


def walk(http: TestClient, path: str, person: str, limit: int, **params: Any
         ) -> tuple[list[Any], list[int]]:
    """Every page from the first by the Link headers: the items, and each page's size."""
    items: list[Any] = []
    sizes: list[int] = []
    response = get(http, path, person, limit=limit, **params)
    while True:
        assert response.status_code == 200, response.text
        items += response.json()
        sizes.append(len(response.json()))
        link = response.links.get("next")
        if link is None:
            return items, sizes
        assert len(sizes) < MAX_PAGES, "the pages never end"
        response = http.get(link["url"], headers=auth(person))


def full_pages(sizes: list[int], limit: int) -> bool:
    """Every page but the last holds ``limit`` items; the last one at least one."""
    return all(s == limit for s in sizes[:-1]) and 1 <= sizes[-1] <= limit


def lists(world: ReadWorld) -> dict[str, tuple[str, dict[str, Any]]]:
    as_of = world.clock.now.isoformat()
    return {
        "trail": ("/api/audit-trail", {}),
        "trail as of": ("/api/audit-trail", {"as_of": as_of}),
        "trail of the cycle": ("/api/audit-trail", {"cycle_id": str(world.cycle_id)}),
        "trail of a person": ("/api/audit-trail", {"actor": SARA}),
        "trail of a person as of": ("/api/audit-trail", {"actor": SARA, "as_of": as_of}),
        "history": (f"/api/history/{world.organisation_id}", {}),
        "history as of": (f"/api/history/{world.organisation_id}", {"as_of": as_of}),
        "reminders": ("/api/reminders", {}),
        "reminders as of": ("/api/reminders", {"as_of": as_of}),
        "register": ("/api/delegation/register", {}),
        "register as of": ("/api/delegation/register", {"as_of": as_of}),
    }


LISTS = ("trail", "trail as of", "trail of the cycle", "trail of a person",
         "trail of a person as of", "history", "history as of", "reminders", "reminders as of",
         "register", "register as of")
ROUTES = ("trail", "trail of the cycle", "history", "reminders", "register")


class TestWalkingThePages:
    @pytest.mark.parametrize("name", LISTS)
    def test_the_pages_hold_what_one_big_page_holds_in_the_same_order(
            self, http: TestClient, world: ReadWorld, name: str) -> None:
        path, params = lists(world)[name]
        whole = everything(http, path, REVISOR, **params)
        limit = 7 if len(whole) > 14 else 1
        assert len(whole) > limit, f"{name}: too short to be paged"
        items, sizes = walk(http, path, REVISOR, limit, **params)
        assert items == whole
        assert len(sizes) > 1 and full_pages(sizes, limit), sizes

    @pytest.mark.parametrize("name", ROUTES)
    def test_the_last_page_has_no_link_even_when_it_is_full(
            self, http: TestClient, world: ReadWorld, name: str) -> None:
        path, params = lists(world)[name]
        whole = everything(http, path, REVISOR, **params)
        exactly = get(http, path, REVISOR, limit=len(whole), **params)
        assert exactly.json() == whole and "link" not in exactly.headers
        one_short = get(http, path, REVISOR, limit=len(whole) - 1, **params)
        assert one_short.links["next"]["url"]
        rest = http.get(one_short.links["next"]["url"], headers=auth(REVISOR))
        assert rest.json() == whole[-1:] and "link" not in rest.headers

    def test_the_link_keeps_the_filters_and_replaces_limit_and_after(
            self, http: TestClient, world: ReadWorld) -> None:
        first = get(http, "/api/audit-trail", REVISOR, limit=3, cycle_id=str(world.cycle_id))
        second = http.get(first.links["next"]["url"], headers=auth(REVISOR))
        url = httpx.URL(second.links["next"]["url"])
        assert url.path == "/api/audit-trail"
        assert url.params["cycle_id"] == str(world.cycle_id) and url.params["limit"] == "3"
        assert len(url.params.get_list("after")) == 1
        assert url.params["after"] != httpx.URL(first.links["next"]["url"]).params["after"]


class TestAReadersPages:
    @pytest.mark.parametrize(("person", "limit"), [(SARA, 7), (OLLE, 2), (BIRGITTA, 7)])
    def test_the_unfiltered_trail_gives_full_pages_of_what_the_reader_may_read(
            self, http: TestClient, person: str, limit: int) -> None:
        theirs = everything(http, "/api/audit-trail", person)
        items, sizes = walk(http, "/api/audit-trail", person, limit)
        assert items == theirs
        assert len(sizes) > 1 and full_pages(sizes, limit), sizes

    def test_a_page_of_the_revisors_trail_holds_fewer_of_the_enhetschefs_entries(
            self, http: TestClient) -> None:
        # What the full pages above prove: cut from the log, then filtered, they would not be.
        saras = {e["event_id"] for e in everything(http, "/api/audit-trail", SARA)}
        pages = walk(http, "/api/audit-trail", REVISOR, 7)[0]
        cut = [pages[at:at + 7] for at in range(0, len(pages), 7)]
        assert any(len([e for e in page if e["event_id"] in saras]) < len(page)
                   for page in cut[:-1])

    def test_filtered_lists_are_paged_after_the_read_policy(
            self, http: TestClient, world: ReadWorld) -> None:
        history = f"/api/history/{world.organisation_id}"
        theirs = everything(http, history, SARA)
        assert len(theirs) > 7
        items, sizes = walk(http, history, SARA, 7)
        assert items == theirs and full_pages(sizes, 7)
        reminders = everything(http, "/api/reminders", SARA)
        assert [r["event_id"] for r in walk(http, "/api/reminders", SARA, 1)[0]] == [
            r["event_id"] for r in reminders]

    def test_a_history_the_reader_may_see_none_of_is_still_not_found(
            self, http: TestClient) -> None:
        assert get(http, f"/api/history/{uuid4()}", REVISOR, limit=1).status_code == 404


class TestTheUnfilteredTrailReadsOnlyItsPage:
    def test_a_page_reads_the_log_from_the_cursor_on_and_no_further_than_it_needs(
            self, http: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
        asked: list[tuple[int, int]] = []

        def spy(app: Any, view: Any, start: int, limit: int) -> list[Any]:
            asked.append((start, limit))
            return log_entries(app, view, start, limit)

        monkeypatch.setattr(queries, "log_entries", spy)
        first = get(http, "/api/audit-trail", REVISOR, limit=5)
        assert asked == [(0, 6)]
        cursor = httpx.URL(first.links["next"]["url"]).params["after"]
        asked.clear()
        get(http, "/api/audit-trail", REVISOR, limit=5, after=cursor)
        assert asked == [(position_token.decode(cursor), 6)]

    def test_the_log_is_read_from_the_position_on_in_small_batches(
            self, world: ReadWorld, monkeypatch: pytest.MonkeyPatch) -> None:
        view = world.api.state.read_side.view(AuditTrailProjection)
        recorder = world.app.recorder
        read: list[int] = []
        select = recorder.select_notifications

        def spy(*args: Any, **kwargs: Any) -> Any:
            batch = select(*args, **kwargs)
            read.extend(n.id for n in batch)
            return batch

        monkeypatch.setattr(recorder, "select_notifications", spy)
        everything_ = log_entries(world.app, view, 0, 5000)
        assert len(everything_) > 100
        read.clear()
        start = everything_[40][0]
        page = log_entries(world.app, view, start, 5)
        assert page == everything_[41:46]
        assert read and min(read) > start and len(read) <= 10


class TestRefused:
    @pytest.mark.parametrize("name", ROUTES)
    @pytest.mark.parametrize("limit", [0, -1, 5001, "many"])
    def test_a_limit_out_of_bounds(self, http: TestClient, world: ReadWorld, name: str,
                                   limit: Any) -> None:
        path, params = lists(world)[name]
        response = get(http, path, REVISOR, limit=limit, **params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["query.limit"]

    def test_the_largest_limit_is_taken(self, http: TestClient) -> None:
        assert get(http, "/api/audit-trail", REVISOR, limit=5000).status_code == 200

    @pytest.mark.parametrize("name", ROUTES)
    @pytest.mark.parametrize("after", [
        "garbled!", "bm90IGpzb24", "WzEsMl0", "WyJsMSIsInRyYWlsIiwtMSwieCJd",
        position_token.encode(3)[:-1] + "$", "é"])
    def test_a_garbled_cursor(self, http: TestClient, world: ReadWorld, name: str,
                              after: str) -> None:
        path, params = lists(world)[name]
        cursor_refused(get(http, path, REVISOR, after=after, **params))

    @pytest.mark.parametrize(("source", "target"), [
        ("trail", "trail of the cycle"), ("trail of the cycle", "trail"),
        ("history", "reminders"), ("reminders", "register"), ("register", "history")])
    def test_a_cursor_of_another_list(self, http: TestClient, world: ReadWorld, source: str,
                                      target: str) -> None:
        source_path, source_params = lists(world)[source]
        first = get(http, source_path, REVISOR, limit=1, **source_params)
        cursor = httpx.URL(first.links["next"]["url"]).params["after"]
        path, params = lists(world)[target]
        cursor_refused(get(http, path, REVISOR, after=cursor, **params))


def cursor_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["rule"] == "cursor" and "after" in problem["detail"]


class TestOpenApi:
    @pytest.mark.parametrize("path", ["/api/audit-trail", "/api/history/{aggregate_id}",
                                      "/api/reminders", "/api/delegation/register"])
    def test_limit_after_and_the_link_header_are_documented(
            self, http: TestClient, path: str) -> None:
        operation = http.get("/openapi.json").json()["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        limit = parameters["limit"]["schema"]
        assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 5000, 500)
        assert parameters["limit"]["description"]
        assert "Link header" in parameters["after"]["description"]
        assert "rel=\"next\"" in operation["responses"]["200"]["headers"]["Link"]["description"]


# The cursors' rules, on lists that change between two pages.

def page_request(limit: int, after: str | None = None) -> PageRequest:
    scope = {"type": "http", "method": "GET", "path": "/x", "query_string": b"",
             "headers": [], "server": ("arsplan.test", 80), "scheme": "http"}
    return PageRequest(Request(scope), Response(), limit, after)


def next_cursor(page: PageRequest) -> str | None:
    link = page.response.headers.get("link")
    return None if link is None else httpx.URL(link[1:link.index(">")]).params["after"]


class TestCursorsOnChangingLists:
    def test_a_list_in_recording_order_resumes_after_the_same_item(self) -> None:
        items = list("abcdefg")
        first = page_request(3)
        assert page_in_recording_order(items, first, "x", str) == ["a", "b", "c"]
        cursor = next_cursor(first)
        assert cursor is not None
        # Recorded since: "h" comes last. Out of the reader's view since: "a".
        changed = [*list("bcdefg"), "h"]
        assert page_in_recording_order(changed, page_request(3, cursor), "x", str) == [
            "d", "e", "f"]
        assert page_in_recording_order([*items, "h"], page_request(3, cursor), "x", str) == [
            "d", "e", "f"]

    def test_the_register_resumes_after_the_last_key_wherever_new_rows_sort(self) -> None:
        def key(row: tuple[str, str]) -> tuple[str, ...]:
            return row

        rows = [("2026-01-0" + str(d), "r") for d in range(1, 8)]
        first = page_request(3)
        assert page_in_sort_order(rows, first, "register", key) == rows[:3]
        cursor = next_cursor(first)
        assert cursor is not None
        earlier = sorted([*rows, ("2026-01-01", "a"), ("2026-01-05", "a")])
        assert page_in_sort_order(earlier, page_request(3, cursor), "register", key) == [
            ("2026-01-04", "r"), ("2026-01-05", "a"), ("2026-01-05", "r")]

    def test_a_trail_cursor_is_a_log_position(self) -> None:
        assert log_position(None) == 0
        assert log_position(position_token.encode(41)) == 41
        for garbled in ("not-a-token", "cDE6LTE", "cDI6NDE"):  # p1:-1, p2:41
            with pytest.raises(InvalidInputError, match="after") as refused:
                log_position(garbled)
            assert refused.value.rule == "cursor"
