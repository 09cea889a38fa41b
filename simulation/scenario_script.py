"""A scenario file turned into the steps of a cycle, and a generated scenario into a file.

``from_file`` runs on a store where the cycle is open (``scenario.open_cycle``): it records
the file's absences as ersättare assignments, resolves each instant against the cycle's
deadlines and each actor from the organisation on that day, and checks that each unit's
acts follow its report's flow (klarmarkera, then attestera or återsänd, then klarmarkera
again) before anything is played. The nämnd's sammanträde always follows the plan.

``to_yaml`` writes a generated scenario in the same format, so a controller can edit it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from application.bus import setup_cause
from bootstrap import Engine
from domain.arsplan import CycleSchedule
from domain.base import Actor
from domain.calendar import end_of_day, in_stockholm, local_date
from domain.commands import (
    Atersand,
    Attestera,
    Klarmarkera,
    MoveCycleDeadline,
    MoveReportDeadline,
)
from domain.cycle import Cycle
from domain.ids import cycle_id, organisation_id, unit_report_id
from domain.organisation import Organisation, RoleAssignment
from domain.roles import CHEF_ROLE_BY_KIND
from domain.working_days import add_working_days, is_working_day
from simulation.scenario import (
    REPORTING_KINDS,
    CycleRef,
    Scenario,
    Step,
    namnd_beslut,
    opening_instant,
    scope_of,
)
from simulation.scenario_file import ScenarioFile, ScenarioFileError

HEADER = """\
# Scenario för `arsplan simulate --scenario FIL` (formatet: docs/scenarios.md).
# Genererat från seed {seed} för {cycle}. Ändra fritt: day räknar arbetsdagar från
# tidsgränsen för enhetens nivå (0 = tidsgränsens dag, -2 = två arbetsdagar före),
# time är klockslaget i Stockholm; at: 2023-01-18T14:00 anger en tidpunkt direkt.
"""


def from_file(engine: Engine, ref: CycleRef, plan: CycleSchedule, org: Organisation,
              script: ScenarioFile, source: Path) -> Scenario:
    the_cycle = cycle_id(ref.namnd_code, ref.process, ref.year)
    deadlines = dict(engine.store.get(the_cycle, Cycle).deadlines)
    opened = opening_instant(plan)
    org = _record_absences(engine, org, script, source)
    steps: list[tuple[datetime, str, Any, str]] = []  # with the entry, for errors
    forvaltning = next(u for u in org.units.values() if u.kind == "forvaltning")
    for i, move in enumerate(script.deadlines):
        where = f"deadlines[{i}]"
        level = move.level or org.unit(move.unit or "").kind
        when = move.instant(local_date(deadlines[level]))
        controllers = org.holders("controller", forvaltning.unit_id, local_date(when))
        if not controllers:
            raise ScenarioFileError(f"{source}: {where}: ingen controller {local_date(when)}")
        new = end_of_day(move.new_deadline)
        steps.append((when, controllers[0].person_id, MoveCycleDeadline(
            cycle_id=the_cycle, level=move.level, new_deadline=new, reason=move.reason,
            occurred_at=when) if move.level else MoveReportDeadline(
            report_id=unit_report_id(the_cycle, move.unit or ""), new_deadline=new,
            reason=move.reason, occurred_at=when), where))
    for i, act in enumerate(script.acts):
        where = f"acts[{i}]"
        unit = org.unit(act.unit)
        when = act.instant(local_date(deadlines[unit.kind]))
        if when < opened:
            raise ScenarioFileError(f"{source}: {where}: {in_stockholm(when):%Y-%m-%d %H:%M} "
                                    f"är före cykelns start {in_stockholm(opened):%Y-%m-%d}")
        report = unit_report_id(the_cycle, act.unit)
        if act.act == "klarmarkera":
            command: Any = Klarmarkera(report_id=report, occurred_at=when)
            chef_unit = act.unit
        else:
            chef_unit = _reporting_parent(org, act.unit, source, where)
            command = (Attestera(report_id=report, occurred_at=when) if act.act == "attestera"
                       else Atersand(report_id=report, reason=act.reason or "", occurred_at=when,
                                     new_deadline=None if act.new_deadline is None
                                     else end_of_day(act.new_deadline)))
        person = act.by or org.chef_of(chef_unit, local_date(when))
        if person is None:
            raise ScenarioFileError(f"{source}: {where}.by: {org.unit(chef_unit).name} "
                                    f"har ingen chef {local_date(when)}")
        role = CHEF_ROLE_BY_KIND[org.unit(chef_unit).kind]
        if org.acting_capacity(person, role, chef_unit, local_date(when)) is None:
            raise ScenarioFileError(f"{source}: {where}.by: {person} är inte {role} för "
                                    f"{org.unit(chef_unit).name} {local_date(when)}")
        steps.append((when, person, command, where))
    steps.sort(key=lambda s: s[0])
    _check_flow(steps, the_cycle, org, source, ref.process)
    played: list[Step] = [(when, who, command) for when, who, command, _ in steps]
    played += namnd_beslut(org, ref, plan, the_cycle)
    return Scenario(ref, the_cycle, plan.title, plan, deadlines, opened, script.seed,
                    scope_of(org, ref.process), sorted(played, key=lambda s: s[0]), str(source))


def _record_absences(engine: Engine, org: Organisation, script: ScenarioFile,
                     source: Path) -> Organisation:
    """Each absence as an ersättare assignment for the chef of the unit on its first day."""
    added: list[RoleAssignment] = []
    for i, absence in enumerate(script.absences):
        unit = org.unit(absence.unit)
        chef = org.chef_of(absence.unit, absence.from_)
        if chef is None:
            raise ScenarioFileError(f"{source}: absences[{i}].unit: {unit.name} har ingen "
                                    f"chef {absence.from_}")
        if chef == absence.ersattare:
            raise ScenarioFileError(f"{source}: absences[{i}].ersattare: är själv chef "
                                    f"för {unit.name}")
        added.append(RoleAssignment(
            f"scenario-franvaro-{i + 1}", absence.ersattare, CHEF_ROLE_BY_KIND[unit.kind],
            absence.unit, absence.from_, absence.to, substitute_for=chef, reason="frånvaro"))
    if not added:
        return org
    stored: Organisation = engine.store.get(organisation_id(org.code), Organisation)
    cause = setup_cause(engine.store, Actor.system("scenario"))
    for assignment in added:
        stored.assign_role(assignment, cause)
    engine.store.save_changes(stored)
    return stored


def _reporting_parent(org: Organisation, unit: str, source: Path, where: str) -> str:
    parent = org.unit(unit).parent_id
    if parent is None or org.unit(parent).kind not in REPORTING_KINDS:
        raise ScenarioFileError(f"{source}: {where}.act: {org.unit(unit).name} attesteras "
                                "inte av någon chef ovanför; klarmarkera räcker")
    return parent


def _check_flow(steps: list[tuple[datetime, str, Any, str]], the_cycle: Any,
                org: Organisation, source: Path, process: str) -> None:
    """In time order, each report goes öppen → klar → godkänd, or klar → öppen (återsänd)."""
    state = {unit_report_id(the_cycle, u): "open" for u in scope_of(org, process)}
    allowed: dict[type, tuple[str, str]] = {
        Klarmarkera: ("open", "klar"), Attestera: ("klar", "godkand"),
        Atersand: ("klar", "open")}
    names = {"open": "öppen", "klar": "klarmarkerad", "godkand": "godkänd"}
    for _, _, command, where in steps:
        if type(command) not in allowed:
            continue
        before, after = allowed[type(command)]
        if state[command.report_id] != before:
            raise ScenarioFileError(
                f"{source}: {where}.act: rapporten är {names[state[command.report_id]]} vid "
                f"den tidpunkten, {type(command).__name__.lower()} kräver att den är "
                f"{names[before]}")
        state[command.report_id] = after


def to_yaml(scenario: Scenario, org: Organisation) -> str:
    """The scenario's report acts, each relative to its level's deadline where it can be."""
    units = {unit_report_id(scenario.cycle_id, u): org.unit(u) for u in scenario.scope}
    lines = [HEADER.format(seed=scenario.seed, cycle=scenario.cycle),
             f"cycle: {scenario.cycle}", f"seed: {scenario.seed}", "absences: []",
             "deadlines: []", "acts:"]
    for when, _, command in scenario.steps:
        if not isinstance(command, Klarmarkera | Attestera | Atersand):
            continue  # the nämnd's sammanträde follows the plan
        unit = units[command.report_id]
        entry: dict[str, Any] = {"unit": unit.unit_id, "act": type(command).__name__.lower()}
        entry |= _when(when, local_date(scenario.deadlines[unit.kind]))
        if isinstance(command, Atersand):
            entry["reason"] = command.reason
            if command.new_deadline is not None:
                entry["new_deadline"] = local_date(command.new_deadline).isoformat()
        flow = yaml.safe_dump(entry, default_flow_style=True, allow_unicode=True,
                              sort_keys=False, width=10_000).strip()
        lines.append(f"  - {flow}  # {unit.name}")
    return "\n".join(lines) + "\n"


def _when(when: datetime, deadline_day: date) -> dict[str, Any]:
    local = in_stockholm(when)
    offset = _working_day_offset(deadline_day, local.date())
    if offset is None:
        return {"at": local.isoformat(timespec="minutes")}
    return {"day": offset, "time": f"{local:%H:%M}"}


def _working_day_offset(start: date, day: date) -> int | None:
    """n with add_working_days(start, n) == day; None if ``day`` is no working day."""
    step = 1 if day >= start else -1
    n, current = 0, start
    while current != day:
        current += timedelta(days=step)
        n += step if is_working_day(current) else 0
    return n if add_working_days(start, n) == day else None
