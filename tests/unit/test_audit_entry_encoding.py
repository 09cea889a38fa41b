"""The audit trail encodes payloads straight to canonical JSON (no _canonical copy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from uuid import UUID

from domain.chain import _canonical
from projections.audit_trail import encode_canonical
from projections.base import canonical_json


class Status(StrEnum):
    KLAR = "klarmarkerad"


class Level(Enum):
    ENHET = 3


@dataclass(frozen=True)
class Figure:
    amount: Decimal
    level: Level
    due: date


def test_every_kind_of_payload_value_encodes_as_canonical_json_of_its_canonical_copy() -> None:
    value = {
        "status": Status.KLAR, "level": Level.ENHET, "amount": Decimal("1250.50"),
        "id": UUID("12345678-1234-5678-1234-567812345678"), "day": date(2022, 8, 23),
        "at": datetime(2022, 8, 23, 21, 59, tzinfo=UTC), "figures": (Figure(
            Decimal("-3"), Level.ENHET, date(2022, 9, 1)),), "text": "Tryggheten ökar",
        "nested": {"b": [1, 2.5, None, True], "a": {"z": Status.KLAR}},
    }
    assert encode_canonical(value) == canonical_json(_canonical(value))
