"""A real cycle's read models store and digest as they always did, on the orjson path.

The digest is an audit artefact (replay compares it, auditors record it): every read model
built from a cycle history (bench/cycle_history.py) must store each row's doc as
``json.dumps`` writes it and get the reference digest (``json.dumps`` per row), with no row
left to the reference encoder.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import projections.canonical as canonical
from bench.cycle_history import fill_cycle
from bench.workload import Shape
from bootstrap import build_engine
from projections.base import digest
from projections.read_models import ReadModels
from projections.runner import catch_up_all
from tests.unit.test_digest_encoder import reference_digest


@pytest.mark.parametrize("durable_env", ["sqlite", "postgres"], indirect=True)
def test_every_read_model_of_a_cycle_digests_as_the_reference(
        durable_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    engine = build_engine(env=durable_env)
    models = ReadModels.for_app(engine.store)
    fallbacks: list[Any] = []
    reference = canonical.canonical_json
    monkeypatch.setattr(canonical, "canonical_json",
                        lambda value: fallbacks.append(value) or reference(value))
    try:
        fill_cycle(engine, 600, Shape(3, 4, 0))
        catch_up_all(engine.store, models)
        rows = 0
        for projection in models.projections:
            encoded = list(projection.view.encoded_rows())
            rows += len(encoded)
            assert [doc for *_, doc in encoded] == [
                reference(json.loads(doc)) for *_, doc in encoded], projection.name
            assert digest(projection.view) == reference_digest(list(encoded)), projection.name
        assert rows > 600
        assert fallbacks == []
    finally:
        models.close()
        engine.close()
