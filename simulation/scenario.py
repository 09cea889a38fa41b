"""A generated scenario for any cycle of the årsplan, over the whole organisation.

``parse_cycle`` reads ``NÄMND:process:år``; ``open_cycle`` imports the nämnd's data and
opens that cycle on the plan's own dates; ``generate`` then writes who does what when,
from a seed: most enheter klarmarkera before their deadline (more of them near it), a
few a day late, one or two only days after the escalation; one report is återsänd once;
each chef above attests the next working day; avdelningar and the förvaltning follow
once the level below is godkänd; the nämnd decides at its sammanträde on the beslut date.
The same seed gives the same steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID

from bootstrap import Engine
from domain import delegation_commands as dc
from domain.arsplan import Arsplan, CycleSchedule
from domain.calendar import STOCKHOLM, end_of_day, local_date
from domain.commands import Atersand, Attestera, Command, Klarmarkera, OpenCycle
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import arsplan_id, cycle_id, meeting_id, organisation_id, unit_report_id
from domain.organisation import Organisation, Unit
from domain.process_kinds import process_kind
from domain.working_days import add_working_days, is_working_day
from infrastructure.importer import (
    ArsplanFile,
    import_arsplan,
    import_organisation,
    import_report_template,
    load_file,
)

DEFAULT_SEED = 2022
REPORTING_KINDS = ("enhet", "avdelning", "forvaltning")
ARSPLAN_FILE = "arsplan_2022_2023.yaml"
# Diarienummer of the generated nämnd ärenden: placeholders in the nämnd's series.
ANMALAN_NR, ARENDE_NR = "018", "200"

Step = tuple[datetime, str, Command]


class CycleOptionError(ValueError):
    """A ``--cycle`` value the plan cannot play; the message is one line."""


@dataclass(frozen=True)
class CycleRef:
    namnd_code: str
    process: str
    year: int

    def __str__(self) -> str:
        return f"{self.namnd_code}:{self.process}:{self.year}"


def parse_cycle(text: str) -> CycleRef:
    parts = text.split(":")
    if len(parts) != 3 or not all(parts) or not parts[2].isdigit():
        raise CycleOptionError(f"{text!r} skrivs NÄMND:process:år, t.ex. VON:arsbokslut:2022")
    return CycleRef(parts[0].upper(), parts[1].lower(), int(parts[2]))


@dataclass(frozen=True)
class Scenario:
    cycle: CycleRef
    cycle_id: UUID
    title: str
    schedule: CycleSchedule
    deadlines: dict[str, datetime]  # the opened cycle's, by level
    opened_at: datetime
    seed: int | None  # None: played from a file that names no seed
    scope: list[str]
    steps: list[Step]
    source: str | None = None  # the scenario file played, if any


def check_cycle(data: Path, ref: CycleRef) -> datetime:
    """Refuses, before anything runs, a nämnd, process or year the plan file lacks; else
    the instant the cycle opens (its opening milestone's first day), where the run starts."""
    plan = load_file(data / ARSPLAN_FILE, ArsplanFile)
    if ref.namnd_code != plan.namnd_code:
        raise CycleOptionError(f"{ref}: årsplanen gäller {plan.namnd_code}, inte {ref.namnd_code}")
    for planned in plan.cycles:
        if (planned.process, planned.year) == (ref.process, ref.year):
            opens = next(m for m in plan.milestones if m.milestone_id == planned.opens)
            return _at(opens.start, 7, 0)
    names = sorted({f"{c.process}:{c.year}" for c in plan.cycles})
    raise CycleOptionError(f"{ref}: årsplanen {plan.label} har ingen sådan cykel "
                           f"(finns: {', '.join(names)})")


def open_cycle(engine: Engine, data: Path, ref: CycleRef) -> tuple[CycleSchedule, Organisation]:
    """Imports the nämnd's data and opens the cycle for every reporting unit, on the dates
    the stored plan gives, as the förvaltning's controller on the day the cycle opens."""
    check_cycle(data, ref)
    store = engine.store
    import_organisation(store, data / "organisation.yaml")
    import_report_template(store, ref.namnd_code, data / "report_template.yaml")
    for process_template in sorted(data.glob("report_template_*.yaml")):
        import_report_template(store, ref.namnd_code, process_template)
    import_arsplan(store, data / ARSPLAN_FILE)
    label = load_file(data / ARSPLAN_FILE, ArsplanFile).label
    try:
        plan = store.get(arsplan_id(ref.namnd_code, label), Arsplan).schedule_of(
            ref.process, ref.year)
    except NotFoundError as exc:
        raise CycleOptionError(f"{ref}: {exc}") from None
    org = store.get(organisation_id(ref.namnd_code), Organisation)
    opened = opening_instant(plan)
    forvaltning = _only(org, "forvaltning")
    controller = org.holders("controller", forvaltning.unit_id, opened.date())
    if not controller:
        raise CycleOptionError(f"{ref}: ingen controller i {forvaltning.name} att öppna cykeln")
    engine.execute(OpenCycle(
        command_id=f"open-cycle:{ref.namnd_code}:{ref.process}:{ref.year}",
        namnd_code=ref.namnd_code, process=plan.process, year=plan.year, title=plan.title,
        enhet_deadline=plan.enhet_deadline, avdelning_deadline=plan.avdelning_deadline,
        forvaltning_deadline=plan.forvaltning_deadline, underlag_date=plan.underlag_date,
        beslut_date=plan.beslut_date, unit_ids=scope_of(org, ref.process),
        occurred_at=opened),
        controller[0].person_id)
    return plan, org


def opening_instant(plan: CycleSchedule) -> datetime:
    return _at(plan.opens_on, 7, 0)


def scope_of(org: Organisation, process: str) -> list[str]:
    """The units that report in the process's cycles (``domain.process_kinds``)."""
    kind = process_kind(process)
    return sorted(u.unit_id for u in org.units.values()
                  if u.kind in REPORTING_KINDS and kind.reports(u.kind))


def generate(engine: Engine, ref: CycleRef, plan: CycleSchedule, org: Organisation,
             seed: int = DEFAULT_SEED) -> Scenario:
    """The steps for the opened cycle; ``random.Random(seed)`` alone decides the spread."""
    the_cycle = cycle_id(ref.namnd_code, ref.process, ref.year)
    deadlines = dict(engine.store.get(the_cycle, Cycle).deadlines)
    rng = random.Random(seed)
    scope = scope_of(org, ref.process)
    opened = opening_instant(plan)
    gen = _Generator(rng, org, the_cycle, deadlines, opened)
    enheter = [u for u in scope if org.unit(u).kind == "enhet"]
    avdelningar = [u for u in scope if org.unit(u).kind == "avdelning"]
    godkand = gen.enheter(enheter)
    for avdelning in avdelningar:
        below = [godkand[u] for u in enheter if org.unit(u).parent_id == avdelning]
        godkand[avdelning] = gen.above(avdelning, max(below, default=opened), "avdelning")
    forvaltning = _only(org, "forvaltning").unit_id
    gen.above(forvaltning, max((godkand[a] for a in avdelningar), default=opened),
              "forvaltning")
    gen.steps += namnd_beslut(org, ref, plan, the_cycle)
    return Scenario(ref, the_cycle, plan.title, plan, deadlines, opened, seed, scope,
                    sorted(gen.steps, key=lambda s: s[0]))


class _Generator:
    def __init__(self, rng: random.Random, org: Organisation, the_cycle: UUID,
                 deadlines: dict[str, datetime], opened: datetime) -> None:
        self.rng, self.org, self.cycle_id = rng, org, the_cycle
        self.deadlines, self.opened = deadlines, opened
        self.steps: list[Step] = []

    def enheter(self, enheter: list[str]) -> dict[str, datetime]:
        """Each enhet's godkänd instant; pushes its steps."""
        deadline = self.deadlines["enhet"]
        order = list(enheter)
        self.rng.shuffle(order)
        very_late = order[:1 if len(order) < 12 else 2]  # act only days after the escalation
        late = order[len(very_late):len(very_late) + max(1, len(order) // 8)]
        on_time = order[len(very_late) + len(late):]
        klar: dict[str, datetime] = {}
        for unit in very_late:
            klar[unit] = self._time_on(add_working_days(local_date(deadline),
                                                        self.rng.randint(2, 3)))
        for unit in late:
            klar[unit] = self._time_on(add_working_days(local_date(deadline), 1))
        for unit in on_time:
            klar[unit] = self._before(local_date(self.opened), deadline)
        returned = min(on_time, key=lambda u: (klar[u], u)) if on_time else None
        godkand: dict[str, datetime] = {}
        for unit in sorted(enheter):
            self._klarmarkera(klar[unit], unit)
            if unit == returned:
                klar[unit] = self._atersand(unit, klar[unit])
            godkand[unit] = self._attest(unit, klar[unit])
        return godkand

    def above(self, unit: str, ready: datetime, level: str) -> datetime:
        """A unit whose units below are all godkända by ``ready``: klarmarkerad in its
        level's window (never before the next working day), attested the day after."""
        deadline = self.deadlines[level]
        earliest = max(local_date(ready), local_date(self.deadlines[_below(level)]))
        day = max(local_date(self._before(earliest, deadline)),
                  add_working_days(local_date(ready), 1))
        klar = self._time_on(day)
        self._klarmarkera(klar, unit)
        parent = self.org.unit(unit).parent_id
        if parent is None or self.org.unit(parent).kind not in REPORTING_KINDS:
            return klar  # the förvaltning: no chef above it attests
        return self._attest(unit, klar)

    def _atersand(self, unit: str, klar: datetime) -> datetime:
        """The chef above sends the report back the next working day; the enhet
        klarmarkerar again two working days later. Returns that klarmarkering."""
        day = add_working_days(local_date(klar), 1)
        when = _at(day, 9, 30)
        parent = self._parent(unit)
        self.steps.append((when, self._chef(parent, day), Atersand(
            report_id=self._report(unit), occurred_at=when,
            reason="Analysen av målen saknas", new_deadline=end_of_day(
                add_working_days(day, 3)))))
        again = _at(add_working_days(day, 2), 11, 0)
        self._klarmarkera(again, unit)
        return again

    def _attest(self, unit: str, klar: datetime) -> datetime:
        day = add_working_days(local_date(klar), 1)
        when = self._time_on(day)
        parent = self._parent(unit)
        self.steps.append((when, self._chef(parent, day),
                           Attestera(report_id=self._report(unit), occurred_at=when)))
        return when

    def _klarmarkera(self, when: datetime, unit: str) -> None:
        self.steps.append((when, self._chef(unit, when.date()),
                           Klarmarkera(report_id=self._report(unit), occurred_at=when)))

    def _before(self, first: date, deadline: datetime) -> datetime:
        """A working-hours instant from the day after ``first`` to the deadline's day,
        later days likelier (most wait for the last days)."""
        days = _working_days(add_working_days(first, 1), local_date(deadline))
        if not days:
            return self._time_on(add_working_days(first, 1))
        day = self.rng.choices(days, weights=range(1, len(days) + 1))[0]
        return self._time_on(day)

    def _time_on(self, day: date) -> datetime:
        # 09–15: after the 08:00 reminders, within the working day.
        return _at(day, self.rng.randint(9, 15), self.rng.choice((0, 15, 30, 45)))

    def _parent(self, unit: str) -> str:
        parent = self.org.unit(unit).parent_id
        assert parent is not None
        return parent

    def _chef(self, unit: str, day: date) -> str:
        chef = self.org.chef_of(unit, day)
        if chef is None:
            raise CycleOptionError(f"{self.org.unit(unit).name} har ingen chef {day}")
        return chef

    def _report(self, unit: str) -> UUID:
        return unit_report_id(self.cycle_id, unit)


def namnd_beslut(org: Organisation, ref: CycleRef, plan: CycleSchedule,
                 the_cycle: UUID) -> list[Step]:
    """The sammanträde on the plan's beslut date: scheduled with the cycle's ärende a week
    before the anmälan's cut-off, the protokoll opened and the beslut recorded at it."""
    on = plan.beslut_date
    cutoff = on - timedelta(days=7)
    scheduled = _at(add_working_days(cutoff, -5), 10, 0)
    beslut_at = _at(on, 14, 0)
    sekreterare = org.holders("namndsekreterare", _only(org, "namnd").unit_id, on)
    if not sekreterare:
        raise CycleOptionError(f"{ref}: nämnden har ingen sekreterare {on}")
    who = sekreterare[0].person_id
    meeting = meeting_id(ref.namnd_code, on)
    dnr = f"{on.year}.{ARENDE_NR} {ref.namnd_code}"
    return [(when, who, command) for when, command in [
        (scheduled, dc.ScheduleMeeting(
            namnd_code=ref.namnd_code, meeting_date=on, starts_at=_at(on, 13, 0),
            cutoff=cutoff, anmalan_dnr=f"{on.year}.{ANMALAN_NR} {ref.namnd_code}",
            occurred_at=scheduled)),
        (scheduled, dc.AddArende(meeting_id=meeting, dnr=dnr, rubrik=plan.title,
                                 kind="cykelbeslut", cycle_id=the_cycle, occurred_at=scheduled)),
        (beslut_at, dc.OpenProtokoll(meeting_id=meeting, occurred_at=beslut_at)),
        (beslut_at, dc.RecordArendeBeslut(meeting_id=meeting, dnr=dnr,
                                          beslut=process_kind(ref.process).beslut(plan.title),
                                          occurred_at=beslut_at)),
    ]]


def _below(level: str) -> str:
    return {"avdelning": "enhet", "forvaltning": "avdelning"}[level]


def _only(org: Organisation, kind: str) -> Unit:
    units = [u for u in org.units.values() if u.kind == kind]
    if len(units) != 1:
        raise CycleOptionError(f"{org.code} har {len(units)} enheter av slaget {kind}, inte en")
    return units[0]


def _working_days(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)
