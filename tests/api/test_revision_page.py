"""The revisor's pages: a published seal checked on the server (signature, the log's
consistency with it, the store's events at its size), each event's chain link, and the
page as it looked at an instant. Real components: the demo world with a seal key, a
justerat sammanträde, and the store changed behind the app's back where a check must fail."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import AUDITOR_TOKEN
from audit.seal_check import check_seal
from audit.seals import published_heads
from domain.calendar import iso_local
from domain.ids import organisation_id
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection
from tests.support.read_world import OPENED
from tests.support.sealed_world import SealedWorld, justerat_meeting, sealed_world
from tests.support.tamper import StoreTamperer

REVISOR = {"Authorization": f"Bearer {AUDITOR_TOKEN}"}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SealedWorld]:
    with sealed_world(tmp_path) as built:
        justerat_meeting(built)
        yield built


@pytest.fixture
def http(world: SealedWorld) -> Iterator[TestClient]:
    with TestClient(world.api) as client:
        yield client


def findings(page: str) -> list[str]:
    return re.findall(r'<li><span class="(?:ok|bad)">(Godkänt|Fel):</span>', page)


def test_a_published_seal_holds_and_says_so_in_swedish(world: SealedWorld,
                                                        http: TestClient) -> None:
    (seal,) = published_heads(world.app)
    page = http.get("/revision", headers=REVISOR).text
    assert f'name="sigill" value="{seal.tree_size}"' in page
    checked = http.get(f"/revision?sigill={seal.tree_size}", headers=REVISOR)
    assert checked.status_code == 200
    assert "Sigillet håller: signaturen är giltig och loggen stämmer med det." in checked.text
    assert findings(checked.text) == ["Godkänt"] * 4
    assert f"nämndens nuvarande sigillnyckel ({world.key.key_id})" in checked.text


def test_an_unknown_seal_is_not_found(http: TestClient) -> None:
    assert http.get("/revision?sigill=99999", headers=REVISOR).status_code == 404


def test_a_rewritten_history_fails_the_seal_check(world: SealedWorld,
                                                  http: TestClient) -> None:
    (seal,) = published_heads(world.app)
    # Someone with database access changes the cycle's first event (its title).
    tamper = StoreTamperer(world.app.env)
    state = tamper.state(world.demo.cycle_id, 1)
    assert world.demo.cycle_title.encode() in state
    tamper.set_state(world.demo.cycle_id, 1,
                     state.replace(world.demo.cycle_title.encode(), b"Annan titel"))
    page = http.get(f"/revision?sigill={seal.tree_size}", headers=REVISOR).text
    assert "Sigillet håller inte" in page
    assert "(Cycle.Opened, version 1) har ändrats" in page


def test_a_forged_or_foreign_seal_fails_signature_and_log(world: SealedWorld,
                                                          tmp_path: Path) -> None:
    (seal,) = published_heads(world.app)
    models = ReadModels.for_app(world.app, [TransparencyLogProjection])
    try:
        view = models.view(TransparencyLogProjection)
        forged = dataclasses.replace(seal, root_hash="ab" * 32)
        result = check_seal(world.app, view, forged, world.key.key_id)
        foreign = check_seal(world.app, view, seal, "0" * 16)
    finally:
        models.close()
    assert not result.ok
    assert not result.signature.ok and "Signaturen håller inte" in result.signature.text
    assert not result.log.ok and not result.store.ok
    assert not foreign.ok and not foreign.key.ok and foreign.signature.ok


def test_each_event_links_to_the_one_before(world: SealedWorld, http: TestClient) -> None:
    cycle = world.demo.cycle_id
    page = http.get(f"/revision/historik/{organisation_id('VON')}", headers=REVISOR).text
    assert "Varje händelse länkar till den före" in page
    assert page.count('<span class="ok">Håller</span>') >= 2
    assert 'href="#v1"' in page  # version 2's previous hash links to version 1
    # An event changed behind the app's back no longer gives its hash.
    tamper = StoreTamperer(world.app.env)
    state = tamper.state(cycle, 1)
    tamper.set_state(cycle, 1, state.replace(world.demo.cycle_title.encode(), b"Annan"))
    broken = http.get(f"/revision/historik/{cycle}", headers=REVISOR).text
    assert "Kedjan håller inte vid version 1" in broken
    assert "Innehållet ger inte kedjehashen" in broken


def test_the_revision_page_as_it_looked_before_the_seal(world: SealedWorld,
                                                        http: TestClient) -> None:
    (seal,) = published_heads(world.app)
    instant = iso_local(OPENED + timedelta(minutes=1))  # the demo loaded, nothing sealed
    then = http.get("/revision", params={"as_of": instant}, headers=REVISOR).text
    now = http.get("/revision", headers=REVISOR).text
    assert "Inga sigill är publicerade ännu" in then
    assert f'value="{seal.tree_size}"' in now and f'value="{seal.tree_size}"' not in then
    assert "Som det såg ut" not in now and "som de såg ut" in then
    org = http.get(f"/revision/historik/{organisation_id('VON')}",
                   params={"as_of": instant}, headers=REVISOR)
    assert org.status_code == 200
