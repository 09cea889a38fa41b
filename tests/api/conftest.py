"""An API over a real event store (SQLite, and PostgreSQL where it answers), via httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from api.app import create_app
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report

TOKENS = {f"t-{p}": p for p in ("anna", "bertil", "david", "eva", "fredrik", "gun", "ida",
                                "revisor")}


@dataclass
class ApiWorld:
    http: httpx.AsyncClient
    app: TestEngine
    clock: ManualClock
    env: dict[str, str]

    async def post(self, command: str, as_person: str, **body: Any) -> httpx.Response:
        return await self.http.post(f"/api/commands/{command}", json=body,
                                    headers=auth(as_person))

    async def get(self, path: str, as_person: str = "revisor",
                  **params: Any) -> httpx.Response:
        return await self.http.get(path, params=params, headers=auth(as_person))

    async def json(self, path: str, as_person: str = "revisor", **params: Any) -> Any:
        response = await self.get(path, as_person, **params)
        assert response.status_code == 200, response.text
        return response.json()


def auth(person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer t-{person}"}


def report_id(unit_id: str) -> str:
    return str(report(unit_id))


@pytest.fixture
async def world(durable_env: dict[str, str]) -> AsyncIterator[ApiWorld]:
    clock = ManualClock(datetime(2022, 8, 12, 8, 0, tzinfo=UTC))
    app = TestEngine(env=durable_env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    # raise_app_exceptions=False: a server error must show up as a 500 response, not pass.
    read_models = ReadModels.for_app(app)
    api = create_app(app, app.bus, TOKENS, read_models=read_models)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        yield ApiWorld(http, app, clock, durable_env)
    read_models.close()
    app.close()
