from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stores import postgres_available, postgres_schema_env, sqlite_env


@pytest.fixture(params=["sqlite", "postgres"])
def durable_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store several threads or processes can open at once."""
    if request.param == "sqlite":
        yield sqlite_env(tmp_path / "events.sqlite")
    else:
        if not postgres_available():
            pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
        with postgres_schema_env() as env:
            yield env
