"""What a cycle covers: which units of the organisation reported, which did not, and which
were never asked.

A cycle's scope is the förvaltning's choice: the mål each chef follows up are handed to the
avdelning or enhet "från övergripande nivå" (seed 000 l.5598-5599), and a unit not concerned
skips that part (l.5571). A unit outside the scope has no report in the cycle, and an
avdelning whose enheter are all outside it klarmarkerar its own report with no underlag from
them: the manual's step for an "Avdelningschef med underliggande enheter" (l.5669-5678) is
to check that the enheter *that should have reported* did, so an avdelning may report on its
own. So klarmarkera waits only for the units below that are in the cycle; what the domain
adds is that nothing is left out silently: the underlag and the cycle board name the units
outside the cycle, those in it that have not reported, and each unit that reported without
any of the units below it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from domain.organisation import Unit
from domain.report_flow import EJ_PABORJAD, is_done
from domain.roles import CHEF_ROLE_BY_KIND


@dataclass(frozen=True)
class Coverage:
    """``units`` in the order given; only kinds that report (förvaltning, avdelning, enhet)."""

    units: tuple[Unit, ...]
    in_cycle: tuple[Unit, ...]
    outside: tuple[Unit, ...]  # of the organisation, with no report in the cycle
    not_done: tuple[tuple[Unit, str], ...]  # in the cycle, not done for the level above
    without_units_below: tuple[tuple[Unit, tuple[Unit, ...]], ...]  # in, all below outside

    @property
    def done(self) -> int:
        return len(self.in_cycle) - len(self.not_done)

    @property
    def complete(self) -> bool:
        return not (self.outside or self.not_done)


def cycle_coverage(units: Iterable[Unit], in_cycle: Collection[str],
                   statuses: Mapping[str, str]) -> Coverage:
    """``statuses``: the report status of units in the cycle (a missing one: ej påbörjad)."""
    reporting = tuple(u for u in units if u.kind in CHEF_ROLE_BY_KIND)
    inside = tuple(u for u in reporting if u.unit_id in in_cycle)
    outside = tuple(u for u in reporting if u.unit_id not in in_cycle)
    not_done = tuple((u, statuses.get(u.unit_id, EJ_PABORJAD)) for u in inside
                     if not is_done(u.kind, statuses.get(u.unit_id, EJ_PABORJAD)))
    alone = []
    for unit in inside:
        below = tuple(u for u in reporting if u.parent_id == unit.unit_id)
        if below and all(u.unit_id not in in_cycle for u in below):
            alone.append((unit, below))
    return Coverage(reporting, inside, outside, not_done, tuple(alone))
