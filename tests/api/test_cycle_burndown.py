"""The cycle page's burn-down (reporting/burndown.py): klarmarkerade and godkända over time
against the deadlines, as an SVG with a table that says the same; an återsänd report leaves
the count, the "as of" view counts what had happened by then, a day to come has no count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain import commands as c
from domain.calendar import iso_local
from domain.cycle import Cycle
from tests.support.read_world import (
    CECILIAS_UNIT,
    READERS,
    SARAS_UNIT,
    ReadWorld,
    auth,
    read_world,
)

CONTROLLER = auth(READERS["controller"])


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ReadWorld]:
    with read_world(tmp_path) as built:
        yield built


def now_row(page: str) -> tuple[str, str]:
    row = re.search(r'<th scope="row">Nu</th><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td>', page)
    assert row is not None, page
    return row.group(1), row.group(2)


def test_the_chart_and_its_table_follow_klarmarkering_and_atersand(world: ReadWorld) -> None:
    url = f"/cykler/{world.cycle_id}"
    with TestClient(world.api) as http:
        first = http.get(url, headers=CONTROLLER).text
        world.clock.advance(hours=2)
        between = iso_local(world.clock())
        world.clock.advance(hours=1)
        world.app.execute(c.Klarmarkera(report_id=world.report_id(CECILIAS_UNIT)),
                          READERS["enhetschef annan avdelning"])
        second = http.get(url, headers=CONTROLLER).text
        world.app.execute(c.Atersand(report_id=world.report_id(SARAS_UNIT),
                                     reason="Analysen saknas"), READERS["avdelningschef"])
        third = http.get(url, headers=CONTROLLER).text
        then = http.get(url, params={"as_of": between}, headers=CONTROLLER).text
    assert now_row(first) == ("1", "0")  # Sara's klarmarkering in the demo world
    assert now_row(second) == ("2", "0")
    assert now_row(third) == ("1", "0")  # återsänd: no longer klarmarkerad
    assert now_row(then) == ("1", "0")
    for page in (first, then):
        assert 'role="img"' in page and 'aria-describedby="burndown-tabell"' in page
        for level in ("enhet", "avdelning", "forvaltning", "underlag", "beslut"):
            assert f'data-deadline="{level}"' in page
    # A deadline still to come has no count made up for it; a passed one has its count.
    cycle = world.app.get(world.cycle_id, Cycle)
    days = [d.date() for d in cycle.deadlines.values()] + [cycle.underlag_date,
                                                            cycle.beslut_date]
    to_come = sum(day > world.clock().date() for day in days)
    assert 0 < to_come < len(days)
    assert third.count("ännu inte") == to_come
    assert "<script" not in then  # the past is not live
