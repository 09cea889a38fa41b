"""What each reader gets from every GET route, read from the app's own route table.

Every GET route must declare its read policy (``api.read_access.read_policy``) and have a
row below; a route added without either fails here. Each row is then requested, over a
real HTTP server, as each demo reader (tests/support/read_world.py) and the answer is
compared with the row: ``200``/``403`` for one thing, and for lists what the reader sees
next to what the revisor sees: ``all`` (the same), ``sub`` (less, or personal data hidden)
or ``nil`` (an empty list). ``pub`` rows answer without a token. Columns: the readers of
``READERS`` in order (enhetschef, avdelningschef, förvaltningschef, controller,
nämndsekreterare, ordförande, revisor, enhetschef of another avdelning, another nämnd).
Kommunledningskontoret's controller, who holds no role in VON, has a table of its own
(``KLK_EXPECTED``), which also needs a row for every route.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from api.read_access import READ_POLICIES
from tests.feed.server import serving
from tests.support.read_world import KLK, READERS, SARAS_UNIT, ReadWorld, auth, read_world

# Served by the framework, not by us: the API's documentation and the stylesheet.
FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}
COLUMNS = tuple(READERS)
EXPECTED = """
route                                           | policy       | enh avd frv ctl sek ord rev en2 nm2
/api/health                                     | public       | pub pub pub pub pub pub pub pub pub
/health                                         | public       | pub pub pub pub pub pub pub pub pub
/                                               | public       | pub pub pub pub pub pub pub pub pub
/logga-in                                       | public       | pub pub pub pub pub pub pub pub pub
/anslagstavla                                   | public       | pub pub pub pub pub pub pub pub pub
/anslagstavla.atom                              | public       | pub pub pub pub pub pub pub pub pub
/api/me                                         | own          | 200 200 200 200 200 200 200 200 200
/api/att-gora                                   | own          | 200 200 200 200 200 200 200 200 200
/att-gora                                       | own          | 200 200 200 200 200 200 200 200 200
/att-gora/live                                  | own          | 200 200 200 200 200 200 200 200 200
/api/calendar/links                             | own          | 200 200 200 200 200 200 200 200 200
/api/seals                                      | signed_in    | 200 200 200 200 200 200 200 200 200
/api/verify                                     | member       | 200 200 200 200 200 200 200 200 403
/arsplan                                        | member       | 200 200 200 200 200 200 200 200 403
/api/cycles                                     | units        | all all all all nil nil all all nil
/cykler                                         | units        | all all all all nil nil all all nil
/api/cycles/{cycle_id}                          | units        | sub sub all all 403 403 all sub 403
/cykler/{cycle_id}                              | units        | sub sub all all 403 403 all sub 403
/cykler/{cycle_id}/live                         | units        | 200 200 200 200 403 403 200 200 403
/api/reports/{report_id}                        | units        | 200 200 200 200 403 403 200 403 403
/rapporter/{report_id}                          | units        | 200 200 200 200 403 403 200 403 403
/api/reminders                                  | units        | sub sub all all nil nil all sub nil
/api/cycles/{cycle_id}/underlag.docx            | underlag     | 403 403 200 200 403 403 200 403 403
/cykler/{cycle_id}/underlag                     | underlag     | 403 403 200 200 403 403 200 403 403
/api/audit-trail                                | audit        | sub sub all sub sub sub all sub sub
/api/history/{aggregate_id}                     | audit        | sub sub all sub sub sub all sub 403
/revision                                       | audit        | sub sub all sub sub sub all sub 403
/revision/historik/{aggregate_id}               | audit        | 200 200 200 200 200 200 200 200 403
/api/delegation/register                        | namnd_record | nil nil all nil all all all nil nil
/delegationer                                   | namnd_record | nil nil all nil all all all nil nil
/sammantraden                                   | namnd_record | nil nil all nil all all all nil nil
/sammantraden/{meeting_id}                      | namnd_record | 403 403 200 403 200 200 200 403 403
/api/meetings/{meeting_id}/anmalningslista      | namnd_record | 403 403 200 403 200 200 200 403 403
/api/meetings/{meeting_id}/anmalningslista.csv  | namnd_record | 403 403 200 403 200 200 200 403 403
/api/meetings/{meeting_id}/anmalningslista.html | namnd_record | 403 403 200 403 200 200 200 403 403
/calendar/person/{person_id}.ics                | calendar     | 200 403 403 403 403 403 200 403 403
/calendar/unit/{unit_id}.ics                    | calendar     | 200 200 200 200 403 403 200 403 403
/feed/events                                    | feed         | 403 403 200 403 403 403 200 403 403
/feed/consumers/{consumer}                      | feed         | 403 403 200 403 403 403 200 403 403
/feed/stream                                    | feed         | 403 403 200 403 403 403 200 403 403
/api/kommun                                     | kommun       | nil nil all all nil nil all nil nil
/kommun                                         | kommun       | nil nil all all nil nil all nil nil
"""


@dataclass(frozen=True)
class Row:
    policy: str
    outcomes: dict[str, str]


def table() -> dict[str, Row]:
    rows = {}
    for line in EXPECTED.strip().splitlines()[1:]:
        route, policy, cells = (part.strip() for part in line.split("|"))
        rows[route] = Row(policy, dict(zip(COLUMNS, cells.split(), strict=True)))
    return rows


Probe = Callable[[httpx.Response], set[Any]]


def json_items(*keys: str) -> Probe:
    return lambda r: {tuple(str(item[k]) for k in keys) for item in r.json()}


def board_rows(r: httpx.Response) -> set[Any]:
    return {row["unit_id"] for row in r.json()["rows"]}


def trail(r: httpx.Response) -> set[Any]:
    return {(e["aggregate_id"], e["version"], str(e["payload"])) for e in r.json()}


def html(pattern: str) -> Probe:
    return lambda r: set(re.findall(pattern, r.text))


UUID_RE = "[0-9a-f-]{36}"
# What each route is asked in the demo world, and for lists what identifies an item.
SAMPLES: dict[str, tuple[str, Probe | None]] = {
    "/api/cycles": ("/api/cycles", json_items("cycle_id")),
    "/cykler": ("/cykler", html(f'href="/cykler/({UUID_RE})"')),
    "/api/cycles/{cycle_id}": ("/api/cycles/{cycle}", board_rows),
    "/cykler/{cycle_id}": ("/cykler/{cycle}", html(f'href="/rapporter/({UUID_RE})"')),
    "/cykler/{cycle_id}/live": ("/cykler/{cycle}/live", None),
    "/api/reports/{report_id}": ("/api/reports/{report}", None),
    "/rapporter/{report_id}": ("/rapporter/{report}", None),
    "/api/reminders": ("/api/reminders", json_items("event_id")),
    "/api/cycles/{cycle_id}/underlag.docx": ("/api/cycles/{cycle}/underlag.docx", None),
    "/cykler/{cycle_id}/underlag": ("/cykler/{cycle}/underlag", None),
    "/api/audit-trail": ("/api/audit-trail", trail),
    "/api/history/{aggregate_id}": ("/api/history/{organisation}", trail),
    "/revision": ("/revision", html(r"<code>([0-9a-f]{12})…</code>")),
    "/revision/historik/{aggregate_id}": ("/revision/historik/{organisation}", None),
    "/api/delegation/register": ("/api/delegation/register", json_items("beslut_id")),
    "/delegationer": ("/delegationer", html(r"<td>(\d+(?:\.\d+)+)</td>")),
    "/sammantraden": ("/sammantraden", html(f'href="/sammantraden/({UUID_RE})"')),
    "/sammantraden/{meeting_id}": ("/sammantraden/{meeting}", None),
    "/api/meetings/{meeting_id}/anmalningslista":
        ("/api/meetings/{meeting}/anmalningslista", None),
    "/api/meetings/{meeting_id}/anmalningslista.csv":
        ("/api/meetings/{meeting}/anmalningslista.csv", None),
    "/api/meetings/{meeting_id}/anmalningslista.html":
        ("/api/meetings/{meeting}/anmalningslista.html", None),
    "/calendar/person/{person_id}.ics": (f"/calendar/person/{READERS['enhetschef']}.ics", None),
    "/calendar/unit/{unit_id}.ics": (f"/calendar/unit/{SARAS_UNIT}.ics", None),
    "/feed/consumers/{consumer}": ("/feed/consumers/matrix", None),
    "/api/kommun": ("/api/kommun", lambda r: {
        (p["process"], n["namnd_code"]) for p in r.json()["processes"] for n in p["namnder"]}),
    "/kommun": ("/kommun", html(r'id="rad-([A-ZÅÄÖ]+-[a-z_]+)"')),
}


def get_routes(api: Any) -> dict[str, Any]:
    """Every GET route of the app by path (its endpoint), and the mounts by path."""
    found = {}
    for route in iter_route_contexts(api.routes):
        methods = route.methods
        if methods is None or "GET" in methods:
            found[route.path] = route.endpoint if methods is not None else None
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadWorld]:
    with read_world(Path(tmp_path_factory.mktemp("read-matrix"))) as built:
        yield built


@pytest.fixture(scope="module")
def http(world: ReadWorld) -> Iterator[httpx.Client]:
    with serving(world.api) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def url_of(world: ReadWorld, route: str) -> str:
    path = SAMPLES.get(route, (route, None))[0]
    return path.format(cycle=world.cycle_id, report=world.report_id(SARAS_UNIT),
                       organisation=world.organisation_id, meeting=world.meeting_id)


def ask(http: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    """The answer's status and body; a live stream's body is not waited for."""
    with http.stream("GET", url, headers=headers) as response:
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            response.read()
    return response


class TestEveryRouteHasAPolicy:
    def test_every_get_route_declares_its_read_policy(self, world: ReadWorld) -> None:
        routes = get_routes(world.api)
        undeclared = sorted(path for path, endpoint in routes.items()
                            if path not in FRAMEWORK and READ_POLICIES.get(endpoint) is None)
        assert not undeclared, f"GET routes without a read policy: {undeclared}"

    def test_every_get_route_has_a_row_naming_its_policy(self, world: ReadWorld) -> None:
        routes = {p: e for p, e in get_routes(world.api).items() if p not in FRAMEWORK}
        rows = table()
        assert sorted(routes) == sorted(rows), "rows missing or stale in EXPECTED"
        assert {p: str(READ_POLICIES[e]) for p, e in routes.items()} == {
            p: row.policy for p, row in rows.items()}


@pytest.mark.parametrize("route", sorted(table()))
def test_each_reader_gets_what_the_policy_says(http: httpx.Client, world: ReadWorld,
                                               route: str) -> None:
    row, url = table()[route], url_of(world, route)
    probe = SAMPLES.get(route, (route, None))[1]
    baseline: set[Any] | None = None
    if probe is not None:
        everything = ask(http, url, auth(READERS["revisor"]))
        assert everything.status_code == 200, everything.text
        baseline = probe(everything)
        assert baseline, f"{route}: the revisor sees nothing, so nothing is compared"
    got = {}
    for reader, person in READERS.items():
        response = ask(http, url, auth(person))
        got[reader] = outcome(response, probe, baseline, row.outcomes[reader])
    assert got == row.outcomes


def outcome(response: httpx.Response, probe: Probe | None, baseline: set[Any] | None,
            expected: str) -> str:
    if expected == "pub":
        return "pub" if response.status_code < 400 else str(response.status_code)
    if response.status_code != 200 or probe is None or baseline is None:
        return str(response.status_code)
    seen = probe(response)
    return "all" if seen == baseline else "nil" if not seen else "sub"


@pytest.mark.parametrize("route", [r for r, row in table().items() if row.policy == "public"])
def test_public_routes_answer_without_a_token(http: httpx.Client, route: str) -> None:
    assert ask(http, route, {}).status_code < 400


def test_refusals_are_problem_documents_or_pages(http: httpx.Client, world: ReadWorld) -> None:
    api = ask(http, url_of(world, "/api/reports/{report_id}"), auth(READERS["annan nämnd"]))
    assert api.headers["content-type"].startswith("application/problem+json")
    page = ask(http, url_of(world, "/rapporter/{report_id}"), auth(READERS["annan nämnd"]))
    assert page.headers["content-type"].startswith("text/html")


# Kommunledningskontoret's controller (``KLK``, a role in kommunstyrelsen's organisation) on
# every route of VON's app: the årsplan, the cycles (without the units' rows), the underlag,
# the audit entries of those and the kommun view; nothing else of the nämnd.
KLK_EXPECTED = """
/api/health pub | /health pub | / pub | /logga-in pub | /anslagstavla pub | /anslagstavla.atom pub
/api/me 200 | /api/att-gora 200 | /att-gora 200 | /att-gora/live 200 | /api/calendar/links 200
/api/seals 200 | /api/verify 403 | /arsplan 200
/api/cycles all | /cykler all | /api/cycles/{cycle_id} nil | /cykler/{cycle_id} nil
/cykler/{cycle_id}/live 200 | /api/reports/{report_id} 403 | /rapporter/{report_id} 403
/api/reminders nil | /api/cycles/{cycle_id}/underlag.docx 200 | /cykler/{cycle_id}/underlag 200
/api/audit-trail sub | /api/history/{aggregate_id} 403 | /revision 403
/revision/historik/{aggregate_id} 403
/api/delegation/register nil | /delegationer nil | /sammantraden nil
/sammantraden/{meeting_id} 403 | /api/meetings/{meeting_id}/anmalningslista 403
/api/meetings/{meeting_id}/anmalningslista.csv 403
/api/meetings/{meeting_id}/anmalningslista.html 403
/calendar/person/{person_id}.ics 403 | /calendar/unit/{unit_id}.ics 403
/feed/events 403 | /feed/consumers/{consumer} 403 | /feed/stream 403
/api/kommun all | /kommun all
"""


def klk_table() -> dict[str, str]:
    cells = (cell.split() for line in KLK_EXPECTED.strip().splitlines()
             for cell in line.split("|"))
    return {route: answer for route, answer in cells}


def test_klk_has_an_answer_for_every_route() -> None:
    assert sorted(klk_table()) == sorted(table()), "rows missing or stale in KLK_EXPECTED"


@pytest.mark.parametrize("route", sorted(klk_table()))
def test_klk_reads_the_kommun_follow_up_and_nothing_else(http: httpx.Client, world: ReadWorld,
                                                         route: str) -> None:
    expected, url = klk_table()[route], url_of(world, route)
    probe = SAMPLES.get(route, (route, None))[1]
    baseline = probe(ask(http, url, auth(READERS["revisor"]))) if probe is not None else None
    assert outcome(ask(http, url, auth(KLK)), probe, baseline, expected) == expected
