"""The worker's workflow cache is sized by ARSPLAN_WORKER_MAX_CACHED_WORKFLOWS."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bootstrap import worker_for
from infrastructure.settings import Settings
from simulation.harness import start_env
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env


async def test_the_worker_keeps_as_many_workflows_as_the_setting_says(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, event_store="sqlite",  # type: ignore[call-arg]
                        worker_max_cached_workflows=12_000, drop_dir=tmp_path / "drop",
                        var_dir=tmp_path / "var")
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), settings=settings)
    env = await start_env()
    try:
        worker = worker_for(app, env.client)  # type: ignore[arg-type]
        assert worker.config()["max_cached_workflows"] == 12_000
        assert worker.config()["task_queue"] == settings.task_queue
    finally:
        await env.shutdown()
        app.close()


def test_a_cache_of_no_workflows_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="worker_max_cached_workflows"):
        Settings(_env_file=None, worker_max_cached_workflows=0)  # type: ignore[call-arg]


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSPLAN_WORKER_MAX_CACHED_WORKFLOWS", "2500")
    assert Settings(_env_file=None).worker_max_cached_workflows == 2500  # type: ignore[call-arg]
