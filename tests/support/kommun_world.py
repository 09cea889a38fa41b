"""Two nämnder and kommunledningskontoret for the kommun view's tests.

VON and SN from their data files (``data/von``, ``data/sn``), kommunstyrelsen with KLK from
``data/kommun``; both nämnder follow the 2022/2023 årsplan (SN's plan is VON's milestones
under SN's code, so the test does not depend on SN's own plan file). The cycles are opened
by the årsplan (the system), which needs no role, whenever SN's assignments start.

``year_2022`` runs the delårsbokslut 2022: VON's underlag reaches KLK on its day, SN's two
days late; VON's nämnd decides on its day, SN's has not; VON's fördjupad
månadsuppföljning is open with no underlag (missing, overdue); a KLK controller records the
KSAU dialog.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from application.arsplan import ensure_arsplan
from domain import system_commands as sc
from domain.arsplan import Milestone
from domain.base import Actor
from domain.ids import cycle_id
from domain.kommun_commands import RecordKommunSteg
from infrastructure.importer import ArsplanFile, import_arsplan, import_organisation, load_file
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_meetings import add, hold, schedule

DATA = Path(__file__).resolve().parents[2] / "data"
LABEL = "2022/2023"
KLK_CONTROLLER = "p-b83f10"  # Lisa Ledningsdal, klk_controller
KOMMUNDIREKTOR = "p-4e21a7"  # förvaltningschef of KLK, not klk_controller
VON_CONTROLLER = "p-355f78"
VON_ENHETSCHEF = "p-5abbb7"
SN_FORVALTNINGSCHEF = "p-38705a"
KSAU_DIALOG = "k-2022-09-27-dialog-delarsbokslut"
KF_BESLUT = "k-2022-10-26-kf-beslut-delarsbokslut"


def load_kommun(app: TestEngine) -> None:
    """The three organisations and both nämnders' årsplan."""
    for folder in ("von", "sn", "kommun"):
        import_organisation(app, DATA / folder / "organisation.yaml")
    import_arsplan(app, DATA / "von" / "arsplan_2022_2023.yaml")
    spec = load_file(DATA / "von" / "arsplan_2022_2023.yaml", ArsplanFile)
    ensure_arsplan(app, "SN", LABEL, [Milestone(**m.model_dump()) for m in spec.milestones],
                   Actor.system("import"), spec.planned_cycles())


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def open_planned(app: TestEngine, namnd_code: str, process: str, year: int,
                 when: datetime) -> None:
    app.execute_system(sc.OpenPlannedCycle(
        command_id=f"test:open:{namnd_code}:{process}:{year}", occurred_at=when,
        namnd_code=namnd_code, label=LABEL, process=process, year=year))


def send_underlag(app: TestEngine, namnd_code: str, process: str, year: int,
                  when: datetime) -> None:
    app.execute_system(sc.RecordUnderlagSent(
        command_id=f"test:underlag:{namnd_code}:{process}:{year}", occurred_at=when,
        cycle_id=cycle_id(namnd_code, process, year), destination="klk",
        reference=f"KLK-{namnd_code}-{process}", document_sha256="ab" * 32))


def year_2022(app: TestEngine, clock: ManualClock) -> None:
    """The world on 2022-09-28: see the module's docstring."""
    clock.now = at(date(2022, 4, 20))
    open_planned(app, "VON", "fordjupad_manadsuppfoljning", 2022, clock.now)
    clock.now = at(date(2022, 8, 12))
    for code in ("VON", "SN"):
        open_planned(app, code, "delarsbokslut", 2022, clock.now)
    clock.now = at(date(2022, 9, 13))
    send_underlag(app, "VON", "delarsbokslut", 2022, clock.now)
    clock.now = at(date(2022, 9, 15))
    send_underlag(app, "SN", "delarsbokslut", 2022, clock.now)
    clock.now = at(date(2022, 9, 20))
    meeting = schedule(app, date(2022, 9, 27))
    add(app, meeting, "2022.300 VON", "Delårsbokslut 2022", kind="cykelbeslut",
        cycle_id=cycle_id("VON", "delarsbokslut", 2022))
    clock.now = at(date(2022, 9, 27), 13)
    hold(app, meeting)
    clock.now = at(date(2022, 9, 28))
    app.execute(RecordKommunSteg(command_id="test:ksau", milestone_id=KSAU_DIALOG,
                                 done_on=date(2022, 9, 27), reference="KSAU § 201"),
                KLK_CONTROLLER)
