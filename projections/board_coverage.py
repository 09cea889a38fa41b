"""The cycle board's account of what the cycle covers (domain.coverage): the organisation's
units outside the cycle, those in it that have not reported, and the units reporting with
none of the units below them in the cycle."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from domain.coverage import cycle_coverage
from domain.organisation import Unit
from projections.base import Doc, ReadModelView
from projections.reporting import UNIT

LEVEL_ORDER = {"forvaltning": 0, "avdelning": 1, "enhet": 2}


class BoardUnit(BaseModel):
    unit_id: str
    unit_name: str
    unit_kind: str
    parent_unit_id: str | None


class BoardCoverage(BaseModel):
    units_in_organisation: int  # förvaltning, avdelningar and enheter
    outside_cycle: list[BoardUnit]  # no report in this cycle
    not_reported: list[str]  # unit ids in the cycle, not done for the level above
    without_units_below: dict[str, list[str]]  # unit id → its units below, all outside


def board_coverage(view: ReadModelView, cycle: Doc,
                   statuses: Mapping[str, str]) -> BoardCoverage:
    """``statuses``: unit id → its report's status in the cycle."""
    units = sorted((_unit(d) for d in view.find(UNIT, cycle["namnd_code"])),
                   key=lambda u: (LEVEL_ORDER.get(u.kind, 9), u.unit_id))
    found = cycle_coverage(units, cycle["unit_ids"], statuses)
    return BoardCoverage(
        units_in_organisation=len(found.units),
        outside_cycle=[BoardUnit(unit_id=u.unit_id, unit_name=u.name, unit_kind=u.kind,
                                 parent_unit_id=u.parent_id) for u in found.outside],
        not_reported=[u.unit_id for u, _ in found.not_done],
        without_units_below={u.unit_id: [b.unit_id for b in below]
                             for u, below in found.without_units_below})


def _unit(doc: Doc) -> Unit:
    return Unit(doc["unit_id"], doc["name"], doc["kind"], doc["parent_id"])
