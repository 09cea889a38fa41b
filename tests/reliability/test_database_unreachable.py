"""PostgreSQL unreachable behind the API: eventsourcing's OperationalError (after its own
retries) becomes a 503 problem+json the client can retry, not a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from api.app import create_app
from api.problems import PROBLEM_MEDIA_TYPE
from tests.reliability.pg_proxy import FaultyProxy
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.stores import postgres_schema_env, skip_without_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_behind_proxy() -> Iterator[tuple[TestEngine, FaultyProxy]]:
    skip_without_postgres()
    proxy = FaultyProxy()
    with postgres_schema_env() as env:
        # A short connect timeout keeps eventsourcing's ten retries to seconds.
        app = TestEngine(env={**env, "POSTGRES_PORT": str(proxy.port),
                             "POSTGRES_CONNECT_TIMEOUT": "1"},
                        clock=ManualClock(datetime(2022, 8, 15, 9, 0, tzinfo=UTC)))
        build_organisation(app)
        open_delar_2022(app)
        yield app, proxy
        proxy.close()
        app.close()


async def test_an_unreachable_database_is_a_503_problem_in_swedish(
        app_behind_proxy: tuple[TestEngine, FaultyProxy]) -> None:
    app, proxy = app_behind_proxy
    api = create_app(app, app.bus, {"t-anna": "anna"})
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        proxy.close()  # every open connection cut, every new one refused
        response = await http.post(
            "/api/commands/klarmarkera", json={"report_id": str(report("enh-ekhagen"))},
            headers={"Authorization": "Bearer t-anna"})
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["type"] == "urn:arsplan:problem:database_unavailable"
    assert body["title"] == "Tjänsten är inte tillgänglig"
    assert body["status"] == 503
    assert body["detail"].startswith("Databasen svarar inte just nu, försök igen med samma "
                                     "command_id")
