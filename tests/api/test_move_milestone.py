"""POST /api/commands/move-milestone: the årsplan's milestones over HTTP."""

from __future__ import annotations

from pathlib import Path

from domain.arsplan import Arsplan
from domain.ids import arsplan_id
from infrastructure.importer import import_arsplan
from tests.api.conftest import ApiWorld

PLAN = arsplan_id("VON", "2022/2023")
# The world has the delårsbokslut 2022 open; the årsbokslut is still to come.
ARSBOKSLUT_ENHETER = {"namnd_code": "VON", "label": "2022/2023",
                      "milestone_id": "f-ars-2022-enhetschefer", "start": "2023-01-12",
                      "end": "2023-01-23", "reason": "Nämnden flyttade sitt sammanträde"}


async def test_the_controller_moves_a_milestone_and_auditors_see_who_and_why(
        world: ApiWorld) -> None:
    import_arsplan(world.app, Path("data/von/arsplan_2022_2023.yaml"))
    response = await world.post("move-milestone", "gun", **ARSBOKSLUT_ENHETER)
    assert response.status_code == 200, response.text
    assert response.json()["aggregate_id"] == str(PLAN)
    moved = world.app.get(PLAN, Arsplan).milestones["f-ars-2022-enhetschefer"]
    assert moved.end.isoformat() == "2023-01-23"
    last = (await world.json(f"/api/history/{PLAN}"))[-1]
    assert (last["person_id"], last["role"]) == ("gun", "controller")
    assert last["payload"]["reason"] == "Nämnden flyttade sitt sammanträde"
    assert last["payload"]["old_end"] == "2023-01-19"


async def test_an_enhetschef_is_refused_as_problem_json(world: ApiWorld) -> None:
    import_arsplan(world.app, Path("data/von/arsplan_2022_2023.yaml"))
    response = await world.post("move-milestone", "anna", **ARSBOKSLUT_ENHETER)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["rule"] == "role_not_held"


async def test_a_milestone_of_the_opened_cycle_is_refused_naming_the_deadline_move(
        world: ApiWorld) -> None:
    import_arsplan(world.app, Path("data/von/arsplan_2022_2023.yaml"))
    response = await world.post("move-milestone", "gun", **{
        **ARSBOKSLUT_ENHETER, "milestone_id": "f-delar-2022-enhetschefer",
        "start": "2022-08-12", "end": "2022-08-26"})
    assert response.status_code == 403
    assert response.json()["rule"] == "cycle_already_opened"
    assert "move-cycle-deadline" in response.json()["detail"]


async def test_a_missing_reason_is_a_validation_problem(world: ApiWorld) -> None:
    body = {k: v for k, v in ARSBOKSLUT_ENHETER.items() if k != "reason"}
    response = await world.post("move-milestone", "gun", **body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_unknown_plan_is_not_found(world: ApiWorld) -> None:
    response = await world.post("move-milestone", "gun",
                                **{**ARSBOKSLUT_ENHETER, "label": "2030/2031"})
    assert response.status_code == 404
