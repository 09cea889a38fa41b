"""The demo data (every nämnd the package ships: VON and SN) and VON's live demo cycle,
loaded idempotently by the main job.

The Årsplan 2022/2023 dates are in the past, so the live demo cycle takes the
Delårsbokslut schedule's shape shifted to start today: the enhetschefer have 11
days (as 12–23 August 2022), the avdelningschefer 7 more, the underlag goes 14
days later and the nämnd decides 14 days after that. The real 2022 dates are for
``arsplan simulate`` and the acceptance tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from bootstrap import Engine
from domain.calendar import shift
from domain.commands import OpenCycle
from domain.cycle import Cycle
from domain.delegation_commands import RecordDelegationsbeslut
from domain.ids import cycle_id, delegationsbeslut_id
from infrastructure.delegation_import import import_delegationsordning
from infrastructure.importer import (
    import_arsplan,
    import_organisation,
    import_report_template,
    organisation_code,
)

NAMND_CODE = "VON"
DEMO_CONTROLLER = "p-355f78"
ENHET_DAYS, AVDELNING_DAYS, UNDERLAG_DAYS, BESLUT_DAYS = 11, 7, 14, 14


@dataclass(frozen=True)
class DemoData:
    cycle_id: UUID
    cycle_title: str
    loaded: list[str]


def demo_cycle_command(today: date) -> OpenCycle:
    enhet = shift(today, ENHET_DAYS)
    avdelning = shift(enhet, AVDELNING_DAYS)
    underlag = shift(avdelning, UNDERLAG_DAYS)
    return OpenCycle(
        command_id=f"demo-cycle:{NAMND_CODE}:delarsbokslut:{today.year}",
        namnd_code=NAMND_CODE, process="delarsbokslut", year=today.year,
        title=f"Delårsbokslut {today.year} (demo, öppnad {today.isoformat()})",
        enhet_deadline=enhet, avdelning_deadline=avdelning,
        forvaltning_deadline=shift(underlag, -1), underlag_date=underlag,
        beslut_date=shift(underlag, BESLUT_DAYS))


def load_demo_data(engine: Engine, folder: Path, others: Sequence[Path] = (),
                   kommun: Path | None = None) -> DemoData:
    """Imports VON's data from ``folder``, each other nämnd's from ``others`` and
    kommunstyrelsen's organisation (KLK) from ``kommun``, then opens the demo cycle as VON's
    controller. Running it again changes nothing."""
    loaded = load_namnd(engine, folder)
    for other in others:
        loaded += load_namnd(engine, other)
    if kommun is not None:
        code = organisation_code(kommun / "organisation.yaml")
        org = import_organisation(engine.store, kommun / "organisation.yaml")
        loaded.append(f"{code} organisation v{org.version}")
    store = engine.store
    command = demo_cycle_command(store.today())
    opened = cycle_id(NAMND_CODE, command.process, command.year)
    if not store.exists(opened):  # on a later day: the cycle opened then
        engine.execute(command, DEMO_CONTROLLER)
    cycle = store.get(opened, Cycle)
    return DemoData(cycle.id, cycle.title, loaded)


def load_namnd(engine: Engine, folder: Path) -> list[str]:
    """One nämnd's folder: organisation, årsplaner, report templates (the nämnd's default and
    each process's own, under the organisation's code) and, for VON, the delegationsordning
    with the demo's delegationsbeslut. What was loaded, as the dev panel lists it."""
    store = engine.store
    code = organisation_code(folder / "organisation.yaml")
    org = import_organisation(store, folder / "organisation.yaml")
    loaded = [f"{code} organisation v{org.version}"]
    for plan_file in sorted(folder.glob("arsplan_*.yaml")):
        loaded.append(f"{code} {plan_file.stem} v{import_arsplan(store, plan_file).version}")
    for template in sorted(folder.glob("report_template*.yaml")):
        process = template.stem.removeprefix("report_template").lstrip("_")
        version = import_report_template(store, code, template).version
        loaded.append(f"{code} rapportmall{' ' + process if process else ''} v{version}")
    ordning = folder / "delegationsordning_2022.yaml"
    if ordning.exists():  # VON's: the demo beslut are taken by VON's people
        loaded.append(
            f"{code} delegationsordning v{import_delegationsordning(store, ordning).version}")
        loaded.append(f"{record_demo_beslut(engine)} delegationsbeslut")
    return loaded


def record_demo_beslut(engine: Engine) -> int:
    """Three delegationsbeslut for the register page, taken the first day the demo runs:
    one the förvaltningschef takes alone, one over her limit that goes to the AU, and an
    ordförandebeslut. Only the last must be anmält: the ordning marks rows 2.1.3 and 3.3.2
    with no "Ska anmälas till nämnd" (seed 000 l.17025-17037, l.17103-17120, l.17388-17407)."""
    today = engine.store.today()
    demo = [
        ("p-f9c1f1", "2.1.3", None, None,
         "Avslag på begäran om avgörande av ärende som inletts av enskild part"),
        ("p-556916", "3.3.2", 25.0, None,
         "Personlig assistans 25 timmar per vecka utöver tidigare beslut"),
        # A yttrande is not överklagbart by laglighetsprövning; it is anmält as brådskande.
        ("p-c0eeec", "2.1.1", None, False,
         "Brådskande yttrande till IVO som inte kan vänta till nämndens sammanträde"),
    ]
    for i, (person_id, row_nr, amount, appealable, beslut) in enumerate(demo, start=1):
        command_id = f"demo-beslut:{NAMND_CODE}:{today.year}:{i}"
        if engine.store.exists(delegationsbeslut_id(NAMND_CODE, command_id)):
            continue  # taken on an earlier day this year
        command = RecordDelegationsbeslut(
            command_id=command_id, namnd_code=NAMND_CODE,
            row_nr=row_nr, arende_ref=f"{today.year}.{100 + i} VON", beslut=beslut,
            decided_on=today, amount=amount, laglighetsprovning=appealable)
        engine.execute(command, person_id)
    return len(demo)
