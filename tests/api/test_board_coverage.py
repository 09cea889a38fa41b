"""The cycle board, as JSON and on the dashboard, names the units the cycle leaves out."""

from __future__ import annotations

from domain.ids import cycle_id
from tests.api.conftest import ApiWorld
from tests.support.dashboard import sign_in
from tests.support.org import DELAR_2022

MANAD = cycle_id("VON", "manadsuppfoljning", 2022)


async def open_scoped_cycle(world: ApiWorld) -> None:
    body = DELAR_2022.model_copy(update={
        "command_id": "open-manad-2022", "process": "manadsuppfoljning",
        "title": "Månadsuppföljning 2022",
        "unit_ids": ["von-forv", "avd-aldreboende", "avd-kvarboende", "enh-ekhagen"]})
    response = await world.post("open-cycle", "gun", **body.model_dump(
        mode="json", exclude={"occurred_at", "expected_version"}))
    assert response.status_code == 200, response.text


async def test_the_board_lists_the_units_outside_the_cycle(world: ApiWorld) -> None:
    await open_scoped_cycle(world)
    board = await world.json(f"/api/cycles/{MANAD}")
    coverage = board["coverage"]
    assert [u["unit_name"] for u in coverage["outside_cycle"]] == [
        "Björklidens äldreboende", "Hemtjänst Norr"]
    assert coverage["without_units_below"] == {"avd-kvarboende": ["enh-hemtjanst-norr"]}
    assert coverage["not_reported"] == [r["unit_id"] for r in board["rows"]]


async def test_the_dashboard_board_says_so(world: ApiWorld) -> None:
    await open_scoped_cycle(world)
    assert (await sign_in(world.http, "t-gun")).status_code == 303
    page = (await world.http.get(f"/cykler/{MANAD}")).text
    assert ("<strong>Ingår inte i cykeln:</strong> Björklidens äldreboende, Hemtjänst Norr"
            in page)
    assert ("<strong>Rapporterar utan underliggande enheter i cykeln:</strong> Kvarboende"
            in page)
