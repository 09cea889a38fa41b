"""Delegation over HTTP on a real SQLite store: commands, refusals as problem+json, lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from projections.read_models import ReadModels
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env
from tests.unit.von_delegation import (
    FORVALTNINGSCHEF,
    ORDFORANDE,
    SEKRETERARE,
    ledger,
    load_von,
)
from tests.unit.von_meetings import add, compile_anmalningslista, hold, schedule

PEOPLE = (ORDFORANDE, SEKRETERARE, FORVALTNINGSCHEF)
TOKENS = {f"t-{p}": p for p in PEOPLE}


def auth(person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer t-{person}"}


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, TestEngine]]:
    clock = ManualClock(datetime(2022, 10, 3, 8, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    load_von(app)
    models = ReadModels.for_app(app)
    api = create_app(app, app.bus, TOKENS, read_models=models)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as client:
        yield client, app
    models.close()
    app.close()


def beslut(row_nr: str, **fields: Any) -> dict[str, Any]:
    return {"namnd_code": "VON", "row_nr": row_nr, "arende_ref": "2022.301 VON",
            "beslut": "Beviljas", "decided_on": "2022-10-03", **fields}


async def test_a_delegationsbeslut_is_recorded_and_found_in_the_register(
        http: tuple[httpx.AsyncClient, TestEngine]) -> None:
    client, _ = http
    posted = await client.post("/api/delegation/beslut", headers=auth(FORVALTNINGSCHEF),
                               json=beslut("3.3.2", amount=12))
    assert posted.status_code == 200, posted.text
    found = await client.get("/api/delegation/register", headers=auth(SEKRETERARE),
                             params={"row_nr": "3.3.2"})
    assert [(e["decider"], e["vagnar"]) for e in found.json()] == [
        (FORVALTNINGSCHEF, "På vård- och omsorgsnämndens vägnar")]


@pytest.mark.parametrize(("row_nr", "fields", "rule"), [
    ("1.9.2", {}, "verkstallighet_ar_inte_delegation"),
    ("3.3.2", {"amount": 30}, "over_beloppsgrans"),
])
async def test_refusals_are_problem_documents_naming_the_rule(
        http: tuple[httpx.AsyncClient, TestEngine], row_nr: str, fields: dict[str, Any],
        rule: str) -> None:
    client, app = http
    refused = await client.post("/api/delegation/beslut", headers=auth(FORVALTNINGSCHEF),
                                json=beslut(row_nr, **fields))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert rule in refused.text
    assert ledger(app).pending == {}


async def test_the_anmalningslista_downloads_as_csv_and_html(
        http: tuple[httpx.AsyncClient, TestEngine]) -> None:
    client, app = http
    await client.post("/api/delegation/beslut", headers=auth(ORDFORANDE),
                      json=beslut("2.1.1", laglighetsprovning=True))
    mid = schedule(app, date(2022, 10, 25))
    add(app, mid, "2022.228 VON", "Redovisning av avvikelser")
    compile_anmalningslista(app, mid, datetime(2022, 10, 18, 22, tzinfo=UTC))
    hold(app, mid)
    as_csv = await client.get(f"/api/meetings/{mid}/anmalningslista.csv",
                              headers=auth(SEKRETERARE))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[1].startswith("2022-10-03;2.1.1;")
    as_html = await client.get(f"/api/meetings/{mid}/anmalningslista.html",
                               headers=auth(SEKRETERARE))
    assert "Anmälan av delegationsbeslut" in as_html.text and "§ 2" in as_html.text
    missing = await client.get("/api/meetings/00000000-0000-0000-0000-000000000000/"
                               "anmalningslista", headers=auth(SEKRETERARE))
    assert missing.status_code == 404
