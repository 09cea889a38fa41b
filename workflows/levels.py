"""How a cycle fans out by level: an avdelning's enheter go to its own workflow (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.payloads import AvdelningShare, AvdelningShareRef, CyclePlan, UnitRef


@dataclass(frozen=True)
class AvdelningGroup:
    """An avdelning's enheter and, if the cycle covers it, the avdelning's own report."""

    avdelning_id: str
    avdelning: UnitRef | None
    enheter: list[UnitRef]

    def unit_ids(self) -> list[str]:
        own = [self.avdelning.unit_id] if self.avdelning else []
        return [*(u.unit_id for u in self.enheter), *own]


def avdelning_groups(units: list[UnitRef]) -> list[AvdelningGroup]:
    """Enheter grouped by their avdelning, in plan order.

    A parent qualifies when every one of its units in the plan is an enhet and the
    parent is an avdelning in the plan or outside it. Other units (the förvaltning,
    avdelningar without enheter in scope) stay with the cycle.
    """
    by_id = {u.unit_id: u for u in units}
    children: dict[str, list[UnitRef]] = {}
    for u in units:
        if u.parent_unit_id is not None:
            children.setdefault(u.parent_unit_id, []).append(u)
    groups = []
    for parent_id, members in children.items():
        parent = by_id.get(parent_id)
        if parent is not None and parent.kind != "avdelning":
            continue
        if all(m.kind == "enhet" for m in members):
            groups.append(AvdelningGroup(parent_id, parent, members))
    return groups


def outline_of(plan: CyclePlan) -> CyclePlan:
    """The outline of a whole plan: what ``load_cycle_outline`` returns for it (pure, for
    stand-in activities; the real one reads only the outline's reports)."""
    groups = avdelning_groups(plan.units)
    shared = {e.unit_id for g in groups for e in g.enheter}
    return plan.model_copy(update={
        "units": [u for u in plan.units if u.unit_id not in shared],
        "shares": [AvdelningShareRef(avdelning_id=g.avdelning_id, avdelning=g.avdelning)
                   for g in groups]})


def share_of(plan: CyclePlan, avdelning_id: str) -> AvdelningShare:
    """One avdelning's enheter of a whole plan, as ``load_avdelning_share`` gives them."""
    return AvdelningShare(enheter=[u for u in plan.units if u.parent_unit_id == avdelning_id
                                   and u.kind == "enhet"])
