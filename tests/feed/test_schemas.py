"""The checked-in JSON Schemas are exactly what the pydantic models generate."""

from __future__ import annotations

import json

from feed.envelope import EventEnvelope
from feed.schema_gen import SCHEMA_DIR, generate

REGENERATE = "schemas/ is stale: run `.venv/bin/python -m feed.schema_gen` and commit schemas/"


def test_checked_in_schema_files_equal_the_generated_ones() -> None:
    generated = generate()
    checked_in = {str(p.relative_to(SCHEMA_DIR)): p.read_text(encoding="utf-8")
                  for p in SCHEMA_DIR.rglob("*.json")}
    assert sorted(checked_in) == sorted(generated), REGENERATE
    for path, text in generated.items():
        assert checked_in[path] == text, f"{path}: {REGENERATE}"


def test_personal_data_fields_are_marked_in_the_schemas() -> None:
    envelope = json.loads((SCHEMA_DIR / "envelope.v1.json").read_text(encoding="utf-8"))
    assert envelope["$defs"]["ActorRef"]["properties"]["person_id"]["x-personal-data"] is True
    assert envelope["properties"]["on_behalf_of"]["x-personal-data"] is True
    person = json.loads((SCHEMA_DIR / "payloads/Organisation.PersonRegistered.v1.json")
                        .read_text(encoding="utf-8"))
    marked = {k for k, v in person["properties"].items() if v.get("x-personal-data")}
    assert marked == {"person_id"}  # names and e-mail: the person directory, not events
    reminder = json.loads((SCHEMA_DIR / "payloads/UnitReport.ReminderSent.v2.json")
                          .read_text(encoding="utf-8"))
    assert reminder["$defs"]["Recipient"]["properties"]["person_id"]["x-personal-data"] is True


def test_both_versions_of_a_changed_type_are_published() -> None:
    index = json.loads((SCHEMA_DIR / "index.json").read_text(encoding="utf-8"))
    assert index["types"]["UnitReport.ReminderSent"] == [1, 2]
    assert index["types"]["UnitReport.Klarmarkerad"] == [1]
    assert EventEnvelope.model_json_schema()["title"] == "ArsplanEvent"
