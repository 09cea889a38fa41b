"""The feed is part of the API app: a person's dev token reads it through create_app."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from tests.support.engine import TestEngine


def test_the_api_serves_the_feed_to_the_revisor_and_refuses_an_enhetschef(
        populated: TestEngine) -> None:
    api = create_app(populated, populated.bus, {"dev-revisor": "revisor", "dev-anna": "anna"})
    with TestClient(api) as http:
        page = http.get("/feed/events", params={"namnd": "VON", "limit": 5},
                        headers={"Authorization": "Bearer dev-revisor"})
        refused = http.get("/feed/events", headers={"Authorization": "Bearer dev-anna"})
    assert page.status_code == 200
    assert [e["position"] for e in page.json()["events"]] == [1, 2, 3, 4, 5]
    assert refused.status_code == 403
