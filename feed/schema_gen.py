"""JSON Schema files for the feed, generated from the pydantic models.

``python -m feed.schema_gen`` rewrites schemas/; a test fails when the checked-in
files differ from what this generates, so the published contract never drifts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, create_model

from feed.allow_list import personal_fields, withheld_without_grant
from feed.catalogue import event_classes, payload_fields
from feed.envelope import ENVELOPE_VERSION, EventEnvelope
from feed.upcasting import PAYLOAD_MODELS, current_version

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
ID_BASE = "urn:arsplan:feed:schema:"


def version_1_model(event_type: str) -> type[BaseModel]:
    """The payload as the domain event records it, personal fields marked."""
    personal, withheld = personal_fields(event_type), withheld_without_grant(event_type)
    fields: dict[str, Any] = {
        name: (hint | None if name in withheld else hint,
               Field(default=None if name in withheld else ...,
                     json_schema_extra={"x-personal-data": True})
               if name in personal else ...)
        for name, hint in payload_fields(event_type).items()
    }
    model: type[BaseModel] = create_model(f"{event_type.replace('.', '')}V1", **fields)
    return model


def payload_model(event_type: str, version: int) -> type[BaseModel]:
    return PAYLOAD_MODELS[(event_type, version)] if version > 1 else version_1_model(event_type)


def _with_id(schema: dict[str, Any], name: str, title: str) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{ID_BASE}{name}", **schema, "title": title}


def generate() -> dict[str, str]:
    """Relative path → file content, for every schema file."""
    files: dict[str, Any] = {
        f"envelope.v{ENVELOPE_VERSION}.json": _with_id(
            EventEnvelope.model_json_schema(), f"envelope.v{ENVELOPE_VERSION}",
            "Årsplan event envelope"),
    }
    index: dict[str, list[int]] = {}
    for event_type in event_classes():
        index[event_type] = list(range(1, current_version(event_type) + 1))
        for version in index[event_type]:
            name = f"{event_type}.v{version}"
            files[f"payloads/{name}.json"] = _with_id(
                payload_model(event_type, version).model_json_schema(), name,
                f"{event_type} payload, version {version}")
    files["index.json"] = {"envelope_version": ENVELOPE_VERSION, "types": index}
    return {path: json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            for path, body in files.items()}


def write(directory: Path = SCHEMA_DIR) -> None:
    for old in directory.rglob("*.json"):
        old.unlink()
    for path, text in generate().items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR)
