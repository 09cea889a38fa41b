"""Over HTTP: a repeated command id needs the authority, and the same body, to be a repeat."""

from __future__ import annotations

from tests.api.conftest import ApiWorld, report_id

EKHAGEN = report_id("enh-ekhagen")


async def test_over_http_a_replayed_id_needs_authority_and_the_same_body(
        world: ApiWorld) -> None:
    rid = EKHAGEN
    assert (await world.post("klarmarkera", "anna", report_id=rid,
                             command_id="k-9")).status_code == 200
    replay = await world.post("klarmarkera", "bertil", report_id=rid, command_id="k-9")
    reused = await world.post("reopen", "anna", report_id=rid, command_id="k-9",
                              reason="Fel")
    retried = await world.post("klarmarkera", "anna", report_id=rid, command_id="k-9")
    assert (replay.status_code, replay.json()["rule"]) == (403, "role_not_held")
    assert (reused.status_code, reused.json()["rule"]) == (409, "command_id_reused")
    assert (retried.status_code, retried.json()["duplicate"]) == (200, True)
