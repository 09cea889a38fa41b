"""`arsplan api` takes its tokens from a JSON file, or falls back to the dev tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.demo import load_demo_data
from cli.serve import load_tokens
from infrastructure.settings import Settings
from tests.support.engine import TestEngine

REPO = Path(__file__).resolve().parents[2]


def test_a_tokens_file_maps_tokens_to_people(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"s3cret": "p-5abbb7"}')
    assert load_tokens(path, Settings(event_store="memory")) == {"s3cret": "p-5abbb7"}


def test_a_tokens_file_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('["p-5abbb7"]')
    with pytest.raises(ValueError, match="token → person_id"):
        load_tokens(path, Settings(event_store="memory"))


def test_without_a_file_every_demo_person_gets_a_dev_token(tmp_path: Path) -> None:
    settings = Settings(event_store="sqlite", sqlite_path=tmp_path / "events.sqlite")
    app = TestEngine(env=settings.eventsourcing_env())
    load_demo_data(app, REPO / "data" / "von")
    app.close()
    tokens = load_tokens(None, settings)
    assert tokens["dev-sara-demodal"] == "p-5abbb7"
    assert tokens["dev-revisor"] == "p-62c8b8"
