"""The årsplan's process kinds: which units report in a cycle and which template they fill.

Line numbers refer to /work/shared/seeds/000_4bd770da6835120f.txt.

- delårsbokslut, årsbokslut: every enhet, avdelning and the förvaltning report on the nämnd's
  template (mål, kritiska verksamhetsfaktorer, internkontroll, uppdrag; l.5547-5599).
- fördjupad månadsuppföljning: budget and prognos for driften and investeringar (l.3860-3947).
  The förvaltning's instructions give enheter no task of their own in it; avdelningschefer
  follow up ekonomin with the controller (l.5575-5581), so avdelningar and the förvaltning
  report, on the process's own template.
- budget (the planning process, "ljuslila rutor", l.3523): the nämnd's mål och budget, with
  verksamhetsplan and internkontrollplan (l.2620-2622, l.2720-2727), adopted by the nämnd by
  31 December (l.3646); every unit takes part, on the process's own template.

A process not listed here (a cycle opened by hand for another process) is treated as a bokslut.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_LEVELS = ("enhet", "avdelning", "forvaltning")


@dataclass(frozen=True)
class ProcessKind:
    process: str
    reporting_levels: tuple[str, ...]  # unit kinds that report in the cycle
    own_template: bool  # False: the nämnd's default report template
    # The nämnd's beslut on the cycle, "{title}" in lower case after the verb.
    beslut_wording: str = "Nämnden godkänner {title}"

    def reports(self, unit_kind: str) -> bool:
        return unit_kind in self.reporting_levels

    def beslut(self, title: str) -> str:
        """The beslut the nämnd takes on the cycle (its protokoll's wording)."""
        return self.beslut_wording.format(title=title[:1].lower() + title[1:])


PROCESS_KINDS = {k.process: k for k in (
    ProcessKind("delarsbokslut", ALL_LEVELS, own_template=False),
    ProcessKind("arsbokslut", ALL_LEVELS, own_template=False),
    ProcessKind("fordjupad_manadsuppfoljning", ("avdelning", "forvaltning"), own_template=True),
    # The internkontrollplan is part of the nämnd's budget (l.2720-2727), beslutad with it.
    ProcessKind("budget", ALL_LEVELS, own_template=True,
                beslut_wording="Nämnden antar {title} med verksamhetsplan och "
                               "internkontrollplan"),
)}


def process_kind(process: str) -> ProcessKind:
    return PROCESS_KINDS.get(process) or ProcessKind(process, ALL_LEVELS, own_template=False)
