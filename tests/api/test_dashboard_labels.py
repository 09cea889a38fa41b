"""The dashboard speaks Swedish: events, statuses, item kinds, fields, tasks and units by
their Swedish labels and names, never the codes the domain records."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from api.labels import CYCLE_STATUS_LABELS, EVENT_LABELS
from domain import system_commands as sc
from tests.api.conftest import ApiWorld, report_id
from tests.api.test_dashboard import login

EKHAGEN = report_id("enh-ekhagen")


async def klarmarkera_and_attestera(world: ApiWorld) -> None:
    await world.post("change-item", "anna", report_id=EKHAGEN, item_id="ik-bestallningar",
                     field="kommentar", value="Inga avvikelser")
    assert (await world.post("klarmarkera", "anna", report_id=EKHAGEN)).status_code == 200
    assert (await world.post("attestera", "david", report_id=EKHAGEN)).status_code == 200


async def test_the_audit_list_names_events_and_units_in_swedish(world: ApiWorld) -> None:
    await klarmarkera_and_attestera(world)
    await login(world, "revisor")
    page = (await world.http.get("/revision")).text
    assert "Godkänd (attesterad)" in page and "Klarmarkerad" in page
    assert "(Ekhagens äldreboende)" in page
    assert "UnitReport." not in page and "(enh-ekhagen)" not in page


async def test_the_report_page_shows_item_kinds_fields_and_history_in_swedish(
        world: ApiWorld) -> None:
    await klarmarkera_and_attestera(world)
    await login(world, "anna")
    page = (await world.http.get(f"/rapporter/{EKHAGEN}")).text
    assert "<td>Internkontroll</td>" in page and "<td>Mål</td>" in page
    assert "<strong>Kommentar</strong>: Inga avvikelser" in page
    assert "<td>internkontroll</td>" not in page and "<strong>kommentar</strong>" not in page
    assert "Godkänd (attesterad)" in page and "UnitReport.Godkand" not in page


async def test_the_cycle_list_shows_the_status_in_swedish(world: ApiWorld) -> None:
    await login(world, "gun")
    page = (await world.http.get("/cykler")).text
    assert "<td>Öppen</td>" in page and "<td>open</td>" not in page


async def test_reminders_name_the_task_and_the_unit(world: ApiWorld) -> None:
    deadline = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)
    world.app.execute_system(sc.RecordReminderSent(
        command_id="reminder:ekhagen:1", occurred_at=world.clock.now, report_id=UUID(EKHAGEN),
        task="klarmarkera", deadline=deadline, overdue=False))
    await login(world, "anna")
    page = (await world.http.get("/att-gora")).text
    reminders = page.split("Påminnelser till dig", 1)[1]
    assert "Klarmarkera Ekhagens äldreboende, senast" in reminders
    assert "enh-ekhagen" not in reminders and "klarmarkera " not in reminders


def test_every_recorded_event_type_and_cycle_status_has_a_label() -> None:
    from domain import cycle

    recorded = {f"{aggregate.__name__}.{name}" for aggregate, name in _event_classes()}
    assert recorded <= set(EVENT_LABELS), recorded - set(EVENT_LABELS)
    statuses = {cycle.OPEN, cycle.UNDERLAG_SENT, cycle.BESLUT_RECORDED, cycle.CLOSED}
    assert statuses == set(CYCLE_STATUS_LABELS)


def _event_classes() -> list[tuple[type, str]]:
    from domain.arsplan import Arsplan
    from domain.base import AuditedAggregate
    from domain.cycle import Cycle
    from domain.delegation import Delegationsordning
    from domain.delegation_ledger import DelegationLedger
    from domain.delegationsbeslut import Delegationsbeslut
    from domain.meeting import Meeting
    from domain.organisation import Organisation
    from domain.paragraph_register import ParagraphRegister
    from domain.report_template import ReportTemplate
    from domain.unit_report import UnitReport

    out: list[tuple[type, str]] = []
    for aggregate in (Arsplan, Cycle, Delegationsordning, DelegationLedger, Delegationsbeslut,
                      Meeting, Organisation, ParagraphRegister, ReportTemplate, UnitReport):
        for name, member in vars(aggregate).items():
            # Event/Created are the generic bases eventsourcing puts on every aggregate.
            if (isinstance(member, type) and issubclass(member, AuditedAggregate.Event)
                    and name not in ("Event", "Created")):
                out.append((aggregate, name))
    # A base its other events share (UnitReport.StatusEvent) is never recorded itself.
    bases = {(aggregate, name) for aggregate, name in out for other, sub in out
             if other is aggregate and sub != name
             and issubclass(vars(aggregate)[sub], vars(aggregate)[name])}
    return [event for event in out if event not in bases]
