"""Every refusal in domain/ has a test that triggers exactly it and asserts its rule.

One row per refusal (and per command that reaches a shared guard): ``site`` names the
domain function holding the ``raise`` (``file.py:function``), ``rule`` the rule it names;
``arrange`` builds the subject straight from the aggregate's class methods with a Cause
(no store) and ``act`` runs the refused command. Each row checks the error class, the rule
and that nothing was recorded. This module holds the reports, cycles, the årsplan, the
organisation and authority; test_guards_delegation.py, test_guards_meetings.py and
test_guards_content.py hold the rest. ``test_every_refusal_in_the_domain_has_a_row``
fails when a refusal is added to domain/ without a row here.
"""

from __future__ import annotations

import ast
import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from domain import errors
from domain.arsplan import Arsplan, Milestone, PlannedCycle
from domain.authority import acting_as, acting_in_any
from domain.base import Actor, AuditedAggregate, Cause
from domain.cycle import Cycle
from domain.errors import (
    DomainError,
    InvalidInputError,
    NotAuthorisedError,
    NotFoundError,
    RuleViolationError,
)
from domain.ids import cycle_id
from domain.organisation import Organisation, RoleAssignment
from domain.report_template import ReportTemplate
from domain.roles import CYCLE_ADMIN_ROLES
from domain.unit_report import UnitReport
from tests.support.org import ASSIGNMENTS, PEOPLE, UNITS

T = datetime(2022, 8, 20, 8, tzinfo=UTC)
SYSTEM = Cause(Actor.system("import"), T)
DOMAIN = Path(__file__).resolve().parents[2] / "domain"


def by(person: str, role: str, unit: str | None = None, at: datetime = T) -> Cause:
    return Cause(Actor(person, role, unit), at)


@dataclass(frozen=True)
class Guard:
    site: str  # "file.py:function" under domain/, holding the raise
    rule: str
    error: type[DomainError]
    arrange: Callable[[], Any]
    act: Callable[[Any], object]
    case: str

    @property
    def id(self) -> str:
        return f"{self.site}:{self.rule}:{self.case}"


def nothing() -> None:
    return None


def params(guards: list[Guard]) -> list[Any]:
    return [pytest.param(g, id=g.id) for g in guards]


def check_refusal(guard: Guard) -> None:
    """Refused with exactly this error class and rule, saying why, recording nothing."""
    subject = guard.arrange()
    before = _pending(subject)
    with pytest.raises(DomainError) as refused:
        guard.act(subject)
    assert type(refused.value) is guard.error, repr(refused.value)
    assert refused.value.rule == guard.rule, str(refused.value)
    assert str(refused.value), "a refusal says why"
    assert _pending(subject) == before, "a refused command records nothing"


def _pending(subject: Any) -> int | None:
    return len(subject.pending_events) if isinstance(subject, AuditedAggregate) else None


# --- UnitReport (unit_report.py, report_guards.py, report_content.py, report_facts.py) ---

CYCLE = cycle_id("VON", "delarsbokslut", 2022)
DEADLINE = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)
ITEMS = [{"item_id": "mal", "kind": "mal", "title": "Trygg och säker vård"},
         {"item_id": "ik", "kind": "internkontroll", "title": "Stickprov"}]
ANNA = by("anna", "enhetschef", "enh-ekhagen")
DAVID = by("david", "avdelningschef", "avd-aldreboende")
FREDRIK = by("fredrik", "forvaltningschef", "von-forv")
OWNERS = {"enh-ekhagen": ANNA, "avd-aldreboende": DAVID, "von-forv": FREDRIK}
PARENTS = {"enh-ekhagen": ("enhet", "avd-aldreboende"),
           "avd-aldreboende": ("avdelning", "von-forv"), "von-forv": ("forvaltning", "von")}
INDICATOR = {"indicator_id": "nojdhet", "name": "Nöjdhet", "direction": "higher",
             "malvarde": "90", "utfall": [{"period": "2022", "totalt": "85"}]}
EKONOMI = {"kind": "drift", "columns": {"budget": "Budget"},
           "rows": [{"label": "Netto", "role": "netto", "values": {"budget": "-10"}}]}


def report(status: str = "ej_paborjad", unit: str = "enh-ekhagen") -> Callable[[], UnitReport]:
    """A report for the unit, brought to the status by its chefs."""
    def arrange() -> UnitReport:
        kind, parent = PARENTS[unit]
        r = UnitReport.open(CYCLE, "VON", unit, kind, parent, DEADLINE, ITEMS, SYSTEM)
        if status in ("pagar", "klarmarkerad", "godkand"):
            r.change_item("mal", "analys", "Analys", OWNERS[unit])
        if status in ("klarmarkerad", "godkand"):
            r.klarmarkera(OWNERS[unit], {})
        if status == "godkand":
            r.attestera(OWNERS[parent])
        assert r.status == status
        return r
    return arrange


def open_report(kind: str = "enhet", items: list[dict[str, Any]] | None = None
                ) -> Callable[[Any], object]:
    return lambda _: UnitReport.open(CYCLE, "VON", "x", kind, "avd-aldreboende", DEADLINE,
                                     ITEMS if items is None else items, SYSTEM)


NAMES = {"enh-ekhagen": "Ekhagens äldreboende", "enh-bjorkliden": "Björklidens äldreboende",
         "avd-aldreboende": "Äldreboende"}
BERTIL = by("bertil", "enhetschef", "enh-bjorkliden")  # the right role, another unit
WRONG_ROLE = by("david", "avdelningschef", "enh-ekhagen")  # the unit, another role
EVA = by("eva", "avdelningschef", "avd-kvarboende")
CHEF_AT_PARENT = by("anna", "enhetschef", "avd-aldreboende")


def writes(name: str) -> Callable[[UnitReport, Cause], object]:
    """One of the chef's write commands, as the given cause."""
    return {
        "change_item": lambda r, c: r.change_item("mal", "analys", "Ny analys", c),
        "record_indicator": lambda r, c: r.record_indicator("mal", INDICATOR, c),
        "set_bedomning": lambda r, c: r.set_bedomning("mal", "Ej utvärderad", None, c),
        "record_ekonomi": lambda r, c: r.record_ekonomi(EKONOMI, c),
    }[name]


WRITES = ("change_item", "record_indicator", "set_bedomning", "record_ekonomi")

REPORTS: list[Guard] = [
    Guard("report_guards.py:check_new_report", "report_unit_kind", InvalidInputError, nothing,
          open_report("namnd"), "namnd_has_no_report"),
    Guard("report_items.py:check_item_kind", "item_kind", InvalidInputError, nothing,
          open_report(items=[{"item_id": "x", "kind": "okand", "title": "X"}]),
          "open_with_unknown_item_kind"),
    Guard("report_guards.py:check_new_report", "duplicate_item", InvalidInputError, nothing,
          open_report(items=[ITEMS[0], dict(ITEMS[0])]), "same_item_twice"),
    # klarmarkera
    Guard("report_guards.py:check_owner", "only_unit_chef_reports", NotAuthorisedError,
          report(), lambda r: r.klarmarkera(BERTIL, {}), "klarmarkera_by_another_units_chef"),
    Guard("report_guards.py:check_owner", "only_unit_chef_reports", NotAuthorisedError,
          report(), lambda r: r.klarmarkera(WRONG_ROLE, {}), "klarmarkera_in_another_role"),
    Guard("unit_report.py:klarmarkera", "already_klarmarkerad", RuleViolationError,
          report("klarmarkerad"), lambda r: r.klarmarkera(ANNA, {}), "klarmarkerad_again"),
    Guard("unit_report.py:klarmarkera", "already_klarmarkerad", RuleViolationError,
          report("godkand"), lambda r: r.klarmarkera(ANNA, {}), "godkand_klarmarkerad_again"),
    Guard("unit_report.py:klarmarkera", "children_must_be_godkanda", RuleViolationError,
          report("pagar", "avd-aldreboende"),
          lambda r: r.klarmarkera(DAVID, {"enh-ekhagen": "godkand",
                                          "enh-bjorkliden": "klarmarkerad"}),
          "a_child_only_klarmarkerad"),
    Guard("unit_report.py:klarmarkera", "children_must_be_godkanda", RuleViolationError,
          report("pagar", "avd-aldreboende"),
          lambda r: r.klarmarkera(DAVID, {"enh-ekhagen": "pagar", "enh-bjorkliden": "klarmarkerad"},
                                  NAMES), "two_children_not_godkanda_named"),
    # attestera
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.attestera(ANNA), "attestera_own_report"),
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.attestera(EVA), "attestera_by_another_avdelning"),
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.attestera(CHEF_AT_PARENT),
          "attestera_at_the_parent_in_another_role"),
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad", "von-forv"),
          lambda r: r.attestera(by("hans", "ordforande", "von")),
          "forvaltning_report_has_no_attester"),
    Guard("unit_report.py:attestera", "attest_requires_klarmarkering", RuleViolationError,
          report("pagar"), lambda r: r.attestera(DAVID), "attestera_pagar"),
    Guard("unit_report.py:attestera", "attest_requires_klarmarkering", RuleViolationError,
          report("godkand"), lambda r: r.attestera(DAVID), "attestera_godkand_again"),
    # återsänd
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.atersand("Saknas", None, ANNA),
          "atersand_own_report"),
    Guard("report_guards.py:check_attester", "only_parent_chef_attests", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.atersand("Saknas", None, ANNA, NAMES),
          "atersand_own_report_named"),
    Guard("unit_report.py:atersand", "atersand_requires_klarmarkering", RuleViolationError,
          report(), lambda r: r.atersand("Saknas", None, DAVID), "atersand_unstarted"),
    Guard("unit_report.py:atersand", "atersand_requires_klarmarkering", RuleViolationError,
          report("pagar"), lambda r: r.atersand("Saknas", None, DAVID), "atersand_pagar"),
    Guard("report_guards.py:require_reason", "reason_required", InvalidInputError,
          report("klarmarkerad"), lambda r: r.atersand("  ", None, DAVID),
          "atersand_without_reason"),
    # reopen
    Guard("report_guards.py:check_owner", "only_unit_chef_reports", NotAuthorisedError,
          report("klarmarkerad"), lambda r: r.reopen("Nytt utfall", DAVID),
          "reopen_by_the_attester"),
    Guard("unit_report.py:reopen", "reopen_requires_klarmarkering", RuleViolationError,
          report("godkand"), lambda r: r.reopen("Nytt utfall", ANNA), "reopen_godkand"),
    Guard("unit_report.py:reopen", "reopen_requires_klarmarkering", RuleViolationError,
          report("pagar"), lambda r: r.reopen("Nytt utfall", ANNA), "reopen_pagar"),
    Guard("report_guards.py:require_reason", "reason_required", InvalidInputError,
          report("klarmarkerad"), lambda r: r.reopen("", ANNA), "reopen_without_reason"),
    # move a report's deadline
    Guard("unit_report.py:move_deadline", "unknown_deadline_kind", InvalidInputError,
          report(), lambda r: r.move_deadline("granskning", DEADLINE, "Sjukdom", SYSTEM),
          "unknown_deadline"),
    Guard("report_guards.py:require_reason", "reason_required", InvalidInputError,
          report(), lambda r: r.move_deadline("attest", DEADLINE, " ", SYSTEM),
          "move_deadline_without_reason"),
    # the content (report_content.py): who writes, when, and on which item
    *(Guard("report_guards.py:check_owner", "only_unit_chef_reports", NotAuthorisedError,
            report(), lambda r, w=w: writes(w)(r, DAVID), f"{w}_by_the_attester")
      for w in WRITES),
    *(Guard("report_guards.py:check_editable", "reopen_before_edit", RuleViolationError,
            report(status), lambda r, w=w: writes(w)(r, ANNA), f"{w}_on_{status}")
      for w in WRITES for status in ("klarmarkerad", "godkand")),
    Guard("report_content.py:change_item", "unknown_id", NotFoundError, report(),
          lambda r: r.change_item("okand", "analys", "x", ANNA), "change_unknown_item"),
    Guard("report_items.py:check_field_value", "item_field", InvalidInputError, report(),
          lambda r: r.change_item("mal", "farg", "x", ANNA), "change_unknown_field"),
    Guard("report_items.py:check_field_value", "item_value", InvalidInputError, report(),
          lambda r: r.change_item("ik", "resultat", "Bra", ANNA), "change_to_a_value_off_scale"),
    Guard("report_content.py:change_item", "bedomning_via_assessment", RuleViolationError,
          report(), lambda r: r.change_item("mal", "bedomning", "Helt uppfyllt", ANNA),
          "bedomning_as_a_plain_field"),
    Guard("report_content.py:change_item", "bedomning_via_assessment", RuleViolationError,
          report(), lambda r: r.change_item("mal", "motivering", "Bra", ANNA),
          "motivering_as_a_plain_field"),
    Guard("report_content.py:_goal_item", "unknown_id", NotFoundError, report(),
          lambda r: r.record_indicator("okand", INDICATOR, ANNA), "indicator_on_unknown_item"),
    Guard("report_content.py:_goal_item", "unknown_id", NotFoundError, report(),
          lambda r: r.set_bedomning("okand", "Ej utvärderad", None, ANNA),
          "bedomning_on_unknown_item"),
    Guard("content/goals.py:check_goal_kind", "goal_item", InvalidInputError, report(),
          lambda r: r.record_indicator("ik", INDICATOR, ANNA), "indicator_on_internkontroll"),
    Guard("content/goals.py:check_goal_kind", "goal_item", InvalidInputError, report(),
          lambda r: r.set_bedomning("ik", "Ej utvärderad", None, ANNA),
          "bedomning_on_internkontroll"),
    Guard("content/indicators.py:indicator_from_dict", "indicator_name", InvalidInputError,
          report(), lambda r: r.record_indicator("mal", {**INDICATOR, "name": ""}, ANNA),
          "record_an_unnamed_indicator"),
    Guard("content/goals.py:decide_bedomning", "override_requires_motivering",
          RuleViolationError, report(),
          lambda r: r.set_bedomning("mal", "Helt uppfyllt", " ", ANNA),
          "set_bedomning_overriding_without_motivering"),
    Guard("content/ekonomi.py:table_from_dict", "ekonomi_kind", InvalidInputError, report(),
          lambda r: r.record_ekonomi({**EKONOMI, "kind": "budget"}, ANNA),
          "record_an_unknown_table"),
    # what the workflow establishes (report_facts.py)
    Guard("report_facts.py:request_attestation", "no_attester", RuleViolationError,
          report("klarmarkerad", "von-forv"),
          lambda r: r.request_attestation(DEADLINE, SYSTEM), "attest_of_the_forvaltning"),
    Guard("report_facts.py:request_attestation", "attest_requires_klarmarkering",
          RuleViolationError, report("pagar"),
          lambda r: r.request_attestation(DEADLINE, SYSTEM), "attest_before_klarmarkering"),
    Guard("report_facts.py:request_attestation", "attest_requires_klarmarkering",
          RuleViolationError, report("godkand"),
          lambda r: r.request_attestation(DEADLINE, SYSTEM), "attest_after_godkand"),
]


# --- ReportTemplate ---

def template() -> ReportTemplate:
    return ReportTemplate.adopt("VON", ITEMS, SYSTEM)


TEMPLATES: list[Guard] = [
    Guard("report_template.py:_check_items", "duplicate_item", InvalidInputError, nothing,
          lambda _: ReportTemplate.adopt("VON", [*ITEMS, ITEMS[0]], SYSTEM),
          "adopt_with_an_item_twice"),
    Guard("report_template.py:_check_items", "duplicate_item", InvalidInputError, nothing,
          lambda _: ReportTemplate.adopt("VON", [*ITEMS, *ITEMS], SYSTEM),
          "adopt_with_two_items_twice"),
    Guard("report_template.py:_check_items", "duplicate_item", InvalidInputError, template,
          lambda t: t.revise([ITEMS[1], ITEMS[1]], SYSTEM), "revise_with_an_item_twice"),
    Guard("report_items.py:check_item_kind", "item_kind", InvalidInputError, template,
          lambda t: t.revise([{"item_id": "x", "kind": "okand", "title": "X"}], SYSTEM),
          "revise_with_an_unknown_kind"),
    Guard("report_template.py:adopt", "process_without_own_template", InvalidInputError,
          nothing, lambda _: ReportTemplate.adopt("VON", ITEMS, SYSTEM, "delarsbokslut"),
          "adopt_for_a_process_on_the_default_template"),
]


# --- Cycle ---

def at(month: int, day: int) -> datetime:
    return datetime(2022, month, day, 21, 59, tzinfo=UTC)


DEADLINES = {"enhet": at(8, 23), "avdelning": at(8, 30), "forvaltning": at(9, 12)}


def open_cycle(deadlines: dict[str, datetime] = DEADLINES, units: tuple[str, ...] = ("enh",),
               underlag: date = date(2022, 9, 13), beslut: date = date(2022, 9, 27)
               ) -> Callable[[Any], Cycle]:
    return lambda _: Cycle.open("VON", "delarsbokslut", 2022, "Delår 2022", dict(deadlines),
                                underlag, beslut, list(units), [], SYSTEM)


def cycle(status: str = "open") -> Callable[[], Cycle]:
    def arrange() -> Cycle:
        c = open_cycle()(None)
        steps = ("underlag_sent", "beslut_recorded", "closed")
        if status in steps:
            c.record_underlag_sent("klk", "KLK-1", "ab" * 32, SYSTEM)
        if status in steps[1:]:
            c.record_beslut("Nämnden godkänner", None, "§ 1", SYSTEM)
        if status in steps[2:]:
            c.record_export("platina", "P-1", SYSTEM)
        assert c.status == status
        return c
    return arrange


CYCLES: list[Guard] = [
    Guard("cycle.py:open", "deadline_missing", InvalidInputError, nothing,
          open_cycle({"enhet": at(8, 23), "avdelning": at(8, 30)}), "forvaltning_missing"),
    Guard("cycle.py:open", "deadline_missing", InvalidInputError, nothing,
          open_cycle({"enhet": at(8, 23)}), "two_levels_missing"),
    Guard("cycle.py:open", "deadline_order", InvalidInputError, nothing,
          open_cycle({**DEADLINES, "avdelning": at(8, 1)}), "avdelning_before_enhet"),
    Guard("cycle.py:open", "cycle_without_units", InvalidInputError, nothing,
          open_cycle(units=()), "no_units"),
    Guard("cycle.py:open", "beslut_before_underlag", InvalidInputError, nothing,
          open_cycle(beslut=date(2022, 9, 12)), "beslut_the_day_before_underlag"),
    Guard("cycle.py:move_deadline", "unknown_level", InvalidInputError, cycle(),
          lambda c: c.move_deadline("region", at(9, 1), "Sjukdom", SYSTEM), "unknown_level"),
    Guard("cycle.py:move_deadline", "reason_required", InvalidInputError, cycle(),
          lambda c: c.move_deadline("enhet", at(9, 1), "  ", SYSTEM), "without_reason"),
    Guard("cycle.py:move_deadline", "cycle_closed", RuleViolationError, cycle("underlag_sent"),
          lambda c: c.move_deadline("enhet", at(9, 1), "Sjukdom", SYSTEM),
          "after_the_underlag"),
    Guard("cycle.py:record_beslut", "beslut_requires_underlag", RuleViolationError, cycle(),
          lambda c: c.record_beslut("Godkänt", None, None, SYSTEM), "beslut_before_underlag"),
    Guard("cycle.py:record_beslut", "beslut_already_recorded", RuleViolationError,
          cycle("beslut_recorded"), lambda c: c.record_beslut("Igen", None, None, SYSTEM),
          "beslut_twice"),
    Guard("cycle.py:record_beslut", "beslut_already_recorded", RuleViolationError,
          cycle("closed"), lambda c: c.record_beslut("Igen", None, None, SYSTEM),
          "beslut_after_export"),
    Guard("cycle.py:record_export", "export_requires_beslut", RuleViolationError, cycle(),
          lambda c: c.record_export("platina", "P-1", SYSTEM), "export_of_an_open_cycle"),
    Guard("cycle.py:record_export", "export_requires_beslut", RuleViolationError,
          cycle("underlag_sent"), lambda c: c.record_export("platina", "P-1", SYSTEM),
          "export_before_beslut"),
    Guard("cycle.py:record_export", "export_requires_beslut", RuleViolationError,
          cycle("closed"), lambda c: c.record_export("platina", "P-2", SYSTEM),
          "export_twice"),
]


# --- Arsplan ---

MILESTONES = [Milestone(f"m{i}", "forvaltning", "delarsbokslut", f"steg {i}",
                        date(2022, 8, 1 + i), date(2022, 8, 10 + i)) for i in range(5)]
DELAR = PlannedCycle("delarsbokslut", 2022, "Delårsbokslut 2022",
                     tuple(m.milestone_id for m in MILESTONES))


def plan(*cycles: PlannedCycle) -> Arsplan:
    p = Arsplan.adopt("VON", "2022", MILESTONES, SYSTEM)
    p.define_cycles(list(cycles or (DELAR,)), SYSTEM)
    return p


def adopt(milestones: list[Milestone]) -> Callable[[Any], Arsplan]:
    return lambda _: Arsplan.adopt("VON", "2022", milestones, SYSTEM)


def move(milestone: str = "m1", start: date = date(2022, 8, 2), end: date = date(2022, 8, 20),
         reason: str = "KLK flyttade", opened: bool = False) -> Callable[[Arsplan], object]:
    return lambda p: p.move_milestone(milestone, start, end, reason, SYSTEM,
                                      is_opened=lambda _: opened)


m0 = MILESTONES[0]
PLANS: list[Guard] = [
    Guard("arsplan.py:adopt", "duplicate_milestone", InvalidInputError, nothing,
          adopt([*MILESTONES, m0]), "same_milestone_twice"),
    Guard("arsplan.py:adopt", "duplicate_milestone", InvalidInputError, nothing,
          adopt([*MILESTONES, m0, MILESTONES[1]]), "two_milestones_twice"),
    Guard("arsplan.py:_check_milestone", "milestone_level", InvalidInputError, nothing,
          adopt([Milestone("x", "region", "p", "s", m0.start, m0.end)]), "unknown_level"),
    Guard("arsplan.py:_check_milestone", "milestone_dates", InvalidInputError, nothing,
          adopt([Milestone("x", "kommun", "p", "s", m0.end, m0.start)]), "ends_before_start"),
    Guard("arsplan.py:define_cycles", "unknown_milestone", InvalidInputError, plan,
          lambda p: p.define_cycles([PlannedCycle("bokslut", 2022, "Bokslut",
                                                  ("m0", "m1", "m2", "m3", "m9"))], SYSTEM),
          "cycle_on_an_unknown_milestone"),
    Guard("arsplan.py:define_cycles", "unknown_milestone", InvalidInputError, plan,
          lambda p: p.define_cycles([PlannedCycle("bokslut", 2022, "Bokslut",
                                                  ("m0", "m1", "m2", "m8", "m9"))], SYSTEM),
          "cycle_on_two_unknown_milestones"),
    Guard("arsplan.py:define_cycles", "milestones_per_cycle", InvalidInputError, plan,
          lambda p: p.define_cycles([PlannedCycle("bokslut", 2022, "Bokslut",
                                                  ("m0", "m1", "m2", "m3"))], SYSTEM),
          "cycle_on_four_milestones"),
    Guard("arsplan.py:move_milestone", "unknown_milestone", InvalidInputError, plan,
          move("m9"), "move_an_unknown_milestone"),
    Guard("arsplan.py:move_milestone", "reason_required", InvalidInputError, plan,
          move(reason=" "), "move_without_reason"),
    Guard("arsplan.py:move_milestone", "cycle_already_opened", RuleViolationError, plan,
          move(opened=True), "move_a_milestone_of_an_opened_cycle"),
    Guard("arsplan.py:move_milestone", "cycle_already_opened", RuleViolationError,
          lambda: plan(DELAR, replace(DELAR, process="bokslut", title="Bokslut 2022")),
          move(opened=True), "move_a_milestone_of_two_opened_cycles"),
    Guard("arsplan.py:_check_milestone", "milestone_dates", InvalidInputError, plan,
          move(start=date(2022, 8, 20), end=date(2022, 8, 19)), "move_to_end_before_start"),
    Guard("arsplan.py:schedule_of", "unknown_id", NotFoundError, plan,
          lambda p: p.schedule_of("arsbokslut", 2022), "schedule_of_an_unplanned_cycle"),
]


# --- Organisation and authority ---

def org() -> Organisation:
    """The VON-shaped organisation of tests/support/org.py, built on the aggregate."""
    o = Organisation.register("VON", "Vård- och omsorgsnämnden", SYSTEM)
    for u in UNITS:
        o.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), SYSTEM)
    for p in PEOPLE:
        o.register_person(p, "0" * 64, SYSTEM)
    for a in ASSIGNMENTS:
        o.assign_role(a, SYSTEM)
    return o


def erased_org() -> Organisation:
    o = org()
    o.erase_profile("anna", SYSTEM)
    return o


def role(aid: str = "a99", person: str = "anna", role: str = "enhetschef",
         unit: str = "enh-ekhagen", start: date = date(2022, 1, 1),
         end: date | None = None) -> RoleAssignment:
    return RoleAssignment(aid, person, role, unit, start, end)


ORGANISATION: list[Guard] = [
    Guard("organisation.py:add_unit", "unit_kind", InvalidInputError, org,
          lambda o: o.add_unit("x", "X", "kontor", "von", SYSTEM), "unknown_unit_kind"),
    Guard("organisation.py:add_unit", "duplicate_unit", InvalidInputError, org,
          lambda o: o.add_unit("enh-ekhagen", "Ekhagen", "enhet", "avd-aldreboende", SYSTEM),
          "unit_twice"),
    Guard("organisation.py:add_unit", "unknown_id", NotFoundError, org,
          lambda o: o.add_unit("x", "X", "enhet", "avd-okand", SYSTEM), "unknown_parent"),
    Guard("organisation.py:register_person", "duplicate_person", InvalidInputError, org,
          lambda o: o.register_person("anna", "0" * 64, SYSTEM), "person_twice"),
    Guard("organisation.py:_living_person", "unknown_id", NotFoundError, org,
          lambda o: o.change_profile("zelda", "1" * 64, SYSTEM), "correct_an_unknown_person"),
    Guard("organisation.py:_living_person", "person_erased", InvalidInputError, erased_org,
          lambda o: o.change_profile("anna", "1" * 64, SYSTEM), "correct_an_erased_person"),
    Guard("organisation.py:assign_role", "unknown_role", InvalidInputError, org,
          lambda o: o.assign_role(role(role="chef"), SYSTEM), "unknown_role"),
    Guard("organisation.py:assign_role", "unknown_id", NotFoundError, org,
          lambda o: o.assign_role(role(person="zelda"), SYSTEM), "unknown_person"),
    Guard("organisation.py:assign_role", "unknown_id", NotFoundError, org,
          lambda o: o.assign_role(role(unit="enh-okand"), SYSTEM), "unknown_unit"),
    Guard("organisation.py:assign_role", "duplicate_assignment", InvalidInputError, org,
          lambda o: o.assign_role(role(aid="a1"), SYSTEM), "assignment_twice"),
    Guard("organisation.py:assign_role", "role_dates", InvalidInputError, org,
          lambda o: o.assign_role(role(start=date(2022, 6, 2), end=date(2022, 6, 1)), SYSTEM),
          "ends_before_start"),
    Guard("organisation.py:assign_role", "substitution_reason", InvalidInputError, org,
          lambda o: o.assign_role(RoleAssignment("a98", "anna", "enhetschef", "enh-ekhagen",
                                                 date(2022, 7, 1), date(2022, 7, 20), "anna",
                                                 "sjukdom"), SYSTEM),
          "health_reason"),
    Guard("organisation.py:end_role", "unknown_id", NotFoundError, org,
          lambda o: o.end_role("a99", date(2022, 6, 1), SYSTEM), "end_an_unknown_assignment"),
    Guard("organisation.py:end_role", "role_dates", InvalidInputError, org,
          lambda o: o.end_role("a1", date(2021, 12, 31), SYSTEM), "end_before_start"),
    Guard("organisation.py:unit", "unknown_id", NotFoundError, org,
          lambda o: o.unit("enh-okand"), "unknown_unit_asked_for"),
    Guard("authority.py:acting_as", "no_such_role", NotAuthorisedError, org,
          lambda o: acting_as(o, "david", "avdelningschef", None, T), "no_unit_above"),
    Guard("authority.py:acting_as", "role_not_held", NotAuthorisedError, org,
          lambda o: acting_as(o, "bertil", "enhetschef", "enh-ekhagen", T),
          "chef_of_another_unit"),
    Guard("authority.py:acting_as", "role_not_held", NotAuthorisedError, org,
          lambda o: acting_as(o, "ida", "enhetschef", "enh-ekhagen", T),
          "vikarie_after_the_substitution"),
    Guard("authority.py:acting_in_any", "role_not_held", NotAuthorisedError, org,
          lambda o: acting_in_any(o, "anna", CYCLE_ADMIN_ROLES, T), "no_admin_role"),
]

GUARDS = [*REPORTS, *TEMPLATES, *CYCLES, *PLANS, *ORGANISATION]


@pytest.mark.parametrize("guard", params(GUARDS))
def test_the_guard_refuses_naming_its_rule(guard: Guard) -> None:
    check_refusal(guard)


def test_the_edges_next_to_the_refusals_are_accepted() -> None:
    """Where a refusal compares, its edge itself passes."""
    same_day = open_cycle(underlag=date(2022, 9, 13), beslut=date(2022, 9, 13))(None)
    assert same_day.beslut_date == same_day.underlag_date
    o = org()
    o.assign_role(role(start=date(2022, 6, 1), end=date(2022, 6, 1)), SYSTEM)
    o.end_role("a1", date(2022, 1, 1), SYSTEM)
    assert o.assignments["a1"].valid_to == date(2022, 1, 1)
    r = report()()
    assert r.change_item("ik", "kommentar", "Inga avvikelser", ANNA)
    assert r.status == "pagar"


# --- Every refusal in the domain has a row ---

TABLES = ("tests.unit.test_guards", "tests.unit.test_guards_delegation",
          "tests.unit.test_guards_meetings", "tests.unit.test_guards_content",
          "tests.unit.test_guards_kommun")


def refusals() -> Counter[tuple[str, str]]:
    """(file.py:function, rule) of every ``raise SomeDomainError(...)`` under domain/."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted(DOMAIN.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            error = _domain_error(node)
            if error is None:
                continue
            assert isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            func = parents[node]
            while not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                func = parents[func]
            rule = next((k.value.value for k in node.exc.keywords if k.arg == "rule"
                         and isinstance(k.value, ast.Constant)), error.rule)
            found[f"{path.relative_to(DOMAIN).as_posix()}:{func.name}", rule] += 1
    return found


def _domain_error(node: ast.AST) -> type[DomainError] | None:
    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)):
        return None
    error = getattr(errors, node.exc.func.id, None)
    return error if isinstance(error, type) and issubclass(error, DomainError) else None


def all_rows() -> list[Guard]:
    return [g for name in TABLES for g in importlib.import_module(name).GUARDS]


class TestTablesCoverTheDomain:
    """These read domain/'s source (left out under mutmut, which rewrites it)."""

    def test_every_refusal_in_the_domain_has_a_row(self) -> None:
        rows = Counter((g.site, g.rule) for g in all_rows())
        missing = {site: n - rows[site] for site, n in refusals().items() if rows[site] < n}
        assert not missing, f"refusals without a row in the guard tables: {missing}"

    def test_every_row_names_a_refusal_that_exists(self) -> None:
        known = refusals()
        stale = sorted({g.id for g in all_rows() if (g.site, g.rule) not in known})
        assert not stale, f"rows naming no refusal in domain/: {stale}"

    def test_every_refusal_names_its_own_rule(self) -> None:
        """Only NotFoundError keeps its class's rule (unknown_id, the API's 404)."""
        generic = {e.rule for e in (DomainError, InvalidInputError, RuleViolationError,
                                    NotAuthorisedError)}
        assert not [site for site, rule in refusals() if rule in generic]

    def test_the_scan_finds_the_refusals(self) -> None:
        found = refusals()
        assert found["unit_report.py:reopen", "reopen_requires_klarmarkering"] == 1
        assert found["report_items.py:check_field_value", "item_value"] == 3
        assert found["content/ekonomi.py:table_from_dict", "ekonomi_role"] == 2
