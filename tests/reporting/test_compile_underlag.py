"""The förvaltning's underlag compiles from godkända reports, as of any instant."""

from __future__ import annotations

import io
from datetime import timedelta
from uuid import UUID

import docx
import pytest

from domain import commands as c
from domain import system_commands as sc
from domain.errors import NotFoundError
from domain.ids import cycle_id, unit_report_id
from domain.unit_report import UnitReport
from reporting.compile import compile_underlag, underlag_html
from reporting.document import DOCX_MEDIA_TYPE
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine, fact_key
from tests.support.org import CYCLE, DELAR_2022, build_organisation, open_delar_2022

EKHAGEN = unit_report_id(CYCLE, "enh-ekhagen")
BJORKLIDEN = unit_report_id(CYCLE, "enh-bjorkliden")
MAL = "mal-trygg-vard"


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def fill_and_approve(app: TestEngine, report_id: UUID, chef: str, analys: str) -> None:
    app.execute(c.ChangeItem(report_id=report_id, item_id=MAL, field="analys", value=analys),
                chef)
    app.execute(c.SetBedomning(report_id=report_id, item_id=MAL, bedomning="Delvis uppfyllt",
                               motivering="Färre avvikelser än i fjol"), chef)
    app.execute(c.ChangeItem(report_id=report_id, item_id="ik-bestallningar",
                             field="resultat", value="Genomförd med anmärkning"), chef)
    app.execute(c.Klarmarkera(report_id=report_id), chef)
    app.execute(c.Attestera(report_id=report_id), "david")


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_underlag_contains_only_godkanda_reports(von: TestEngine) -> None:
    fill_and_approve(von, EKHAGEN, "anna", "Ekhagen har färre avvikelser.")
    von.execute(c.ChangeItem(report_id=BJORKLIDEN, item_id=MAL, field="analys",
                             value="Björkliden utkast"), "bertil")

    compiled = compile_underlag(von, CYCLE)

    assert compiled.media_type == DOCX_MEDIA_TYPE
    assert compiled.filename == "underlag-von-delarsbokslut-2022.docx"
    text = text_of(compiled.content)
    assert "Ekhagen har färre avvikelser." in text
    assert "Genomförd med anmärkning" in text
    assert "Björkliden utkast" not in text


def test_underlag_has_goal_and_internkontroll_structure(von: TestEngine) -> None:
    fill_and_approve(von, EKHAGEN, "anna", "Analys")
    document = docx.Document(io.BytesIO(compile_underlag(von, CYCLE).content))
    headings = [p.text for p in document.paragraphs
                if p.style is not None and p.style.name.startswith("Heading")]
    assert "Måluppföljning" in headings
    assert "Trygg och säker vård" in headings
    assert "Ekhagens äldreboende" in headings
    assert "Uppföljning av internkontroll" in headings
    ik = document.tables[0]
    assert [c.text for c in ik.rows[0].cells] == ["Punkt", "Enhet", "Resultat", "Kommentar",
                                                  "Åtgärd"]
    assert ik.rows[1].cells[1].text == "Ekhagens äldreboende"


def test_same_history_gives_same_bytes(von: TestEngine, clock: ManualClock) -> None:
    fill_and_approve(von, EKHAGEN, "anna", "Analys")
    first = compile_underlag(von, CYCLE)
    clock.advance(days=3)
    assert compile_underlag(von, CYCLE).content == first.content


def test_as_of_shows_the_underlag_as_it_was(von: TestEngine, clock: ManualClock) -> None:
    cycle_opened = clock.now
    clock.advance(hours=1)
    fill_and_approve(von, EKHAGEN, "anna", "Första versionen")
    before_reopen = clock.advance(hours=1)
    clock.advance(hours=1)
    von.execute(c.Atersand(report_id=EKHAGEN, reason="Komplettera analysen"), "david")
    clock.advance(hours=1)
    von.execute(c.ChangeItem(report_id=EKHAGEN, item_id=MAL, field="analys",
                             value="Andra versionen"), "anna")

    then = text_of(compile_underlag(von, CYCLE, as_of=before_reopen).content)
    now = text_of(compile_underlag(von, CYCLE).content)

    assert "Första versionen" in then
    assert "Första versionen" not in now  # återsänd: no longer godkänd
    assert "Andra versionen" not in now
    earlier = compile_underlag(von, CYCLE, as_of=cycle_opened)
    assert "Första versionen" not in text_of(earlier.content)
    with pytest.raises(NotFoundError):
        compile_underlag(von, CYCLE, as_of=cycle_opened - timedelta(days=1))


def test_underlag_shows_indicators_override_and_ekonomi_slips(von: TestEngine) -> None:
    indicator = c.IndicatorInput(
        indicator_id="insatstid", name="Genomsnittlig insatstid, antal dagar",
        direction="lower", malvarde="302", source="Lifecare",
        utfall=[c.UtfallInput(period="2022", totalt="318"),
                c.UtfallInput(period="2023", totalt="291", kvinnor="282", man="300")])
    von.execute(c.RecordIndicator(report_id=EKHAGEN, item_id=MAL, indicator=indicator), "anna")
    von.execute(c.RecordEkonomi.model_validate({
        "report_id": EKHAGEN, "kind": "drift", "columns": {"utfall": "Delår 2023"},
        "rows": [{"label": "Intäkter", "role": "intakter", "values": {"utfall": "100"}},
                 {"label": "Personal", "role": "kostnadsgrupp", "values": {"utfall": "-300"}},
                 {"label": "Kostnader", "role": "kostnader", "values": {"utfall": "-320"}}]}),
        "anna")
    fill_and_approve(von, EKHAGEN, "anna", "Analys")

    document = docx.Document(io.BytesIO(compile_underlag(von, CYCLE).content))
    paragraphs = [p.text for p in document.paragraphs]
    assert ("Bedömning: Delvis uppfyllt (förslag utifrån nyckeltalen: Helt uppfyllt)"
            in paragraphs)
    assert "Motivering: Färre avvikelser än i fjol" in paragraphs
    nyckeltal = next(t for t in document.tables if t.rows[0].cells[0].text == "Nyckeltal")
    assert [c.text for c in nyckeltal.rows[1].cells][2:] == [
        "302", "318", "291", "282 / 300", "utan anmärkning", "minskad"]
    assert ("Kontroll: Kostnader, Utfall: angivet -320, beräknat -300 "
            "(Kostnader = summan av kostnadsgrupperna)") in paragraphs


def test_compiling_as_of_the_sending_reproduces_the_sent_bytes(
        von: TestEngine, clock: ManualClock) -> None:
    fill_and_approve(von, EKHAGEN, "anna", "Analys")
    clock.advance(hours=1)
    sent = compile_underlag(von, CYCLE)
    sent_at = clock.now
    von.execute_system(sc.RecordUnderlagSent(
        command_id=fact_key("underlag-sent"), occurred_at=sent_at, cycle_id=CYCLE,
        destination="KLK", reference="ref-1", document_sha256=sent.sha256))
    clock.advance(days=2)
    reminder = von.execute_system(sc.RecordReminderSent(
        command_id=fact_key("reminder-1"), occurred_at=clock.now, report_id=BJORKLIDEN,
        task="klarmarkera", deadline=von.get(BJORKLIDEN, UnitReport).deadline, overdue=True))
    assert [e.recipient_person_id for e in reminder.recorded] == ["bertil"]

    assert compile_underlag(von, CYCLE, as_of=sent_at).sha256 == sent.sha256
    assert compile_underlag(von, CYCLE).sha256 == sent.sha256


def test_the_underlag_names_every_unit_it_does_not_cover(app: TestEngine) -> None:
    """Björkliden and Hemtjänst Norr are outside the cycle: Kvarboende reports with none of
    its enheter; the units in it that have not reported are named with their status."""
    build_organisation(app)
    open_delar_2022(app)
    scoped = DELAR_2022.model_copy(update={
        "command_id": "open-manad-2022", "process": "manadsuppfoljning",
        "title": "Månadsuppföljning 2022",
        "unit_ids": ["von-forv", "avd-aldreboende", "avd-kvarboende", "enh-ekhagen"]})
    app.execute(scoped, "gun")
    cycle = cycle_id("VON", "manadsuppfoljning", 2022)
    fill_and_approve(app, unit_report_id(cycle, "enh-ekhagen"), "anna", "Analys")
    app.execute(c.Klarmarkera(report_id=unit_report_id(cycle, "avd-kvarboende")), "eva")

    paragraphs = docx.Document(io.BytesIO(compile_underlag(app, cycle).content)).paragraphs
    text = [p.text for p in paragraphs]
    assert text[text.index("Underlagets omfattning") + 1:][:4] == [
        "Cykeln omfattar 4 av 6 enheter i Vård- och omsorgsnämnden (förvaltning, avdelningar "
        "och enheter); 1 av dem har lämnat en färdig rapport.",
        "Har inte rapporterat: Vård- och omsorgsförvaltningen (ej påbörjad), Äldreboende (ej "
        "påbörjad), Kvarboende (klarmarkerad, inte attesterad)",
        "Ingår inte i cykeln: Äldreboende: Björklidens äldreboende; Kvarboende: Hemtjänst Norr",
        "Utan underliggande enheter: Kvarboende rapporterar utan underlag underifrån: dess "
        "enda underliggande enhet, Hemtjänst Norr, ingår inte i cykeln."]
    assert "Underlagets omfattning" in underlag_html(app, cycle)


def test_a_cycle_of_every_unit_all_reported_says_so(von: TestEngine) -> None:
    text = text_of(compile_underlag(von, CYCLE).content)
    assert "Har inte rapporterat: Vård- och omsorgsförvaltningen (ej påbörjad)" in text
    assert "Ingår inte i cykeln" not in text and "Utan underliggande enheter" not in text
