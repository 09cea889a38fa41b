"""The delegation register read model on memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from projections.delegation_queries import (
    RegisterFilter,
    anmalningslista,
    anmalningslista_csv,
    anmalningslista_html,
    search_register,
    search_register_as_of,
)
from projections.delegation_register import DelegationRegisterProjection
from projections.read_models import ReadModels
from projections.runner import catch_up
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_delegation import (
    AU_LEDAMOT,
    FORVALTNINGSCHEF,
    ORDFORANDE,
    STF_FORVALTNINGSCHEF,
    decide,
    load_von,
)
from tests.unit.von_meetings import add, compile_anmalningslista, hold, schedule

MEETING = date(2022, 10, 25)


def _history(app: TestEngine, clock: ManualClock) -> dict[str, UUID]:
    clock.now = datetime(2022, 10, 3, 8, tzinfo=UTC)
    load_von(app)
    ids = {
        "ordf": decide(app, ORDFORANDE, "2.1.1", date(2022, 10, 3), laglighetsprovning=True,
                       beslut="Tillfälligt stängt <b>dagcenter</b>").aggregate_id,
        "pa": decide(app, AU_LEDAMOT, "3.3.2", date(2022, 10, 4), amount=25).aggregate_id,
        "stf": decide(app, STF_FORVALTNINGSCHEF, "2.1.3", date(2022, 10, 5),
                      ersattare_for=FORVALTNINGSCHEF, franvaro="frånvaro").aggregate_id,
    }
    mid = schedule(app, MEETING)
    add(app, mid, "2022.228 VON", "Redovisning av avvikelser")
    clock.now = datetime(2022, 10, 18, 22, tzinfo=UTC)
    compile_anmalningslista(app, mid, clock.now)
    clock.now = datetime(2022, 10, 25, 13, tzinfo=UTC)
    hold(app, mid)
    ids["meeting"] = mid
    return ids


def _view(app: TestEngine) -> tuple[ReadModels, DelegationRegisterProjection]:
    models = ReadModels.for_app(app, [DelegationRegisterProjection])
    projection = models.projection(DelegationRegisterProjection)
    catch_up(app, projection)
    return models, projection


def test_the_register_answers_by_row_person_period_and_anmalan(
        app: TestEngine, clock: ManualClock) -> None:
    ids = _history(app, clock)
    models, projection = _view(app)
    try:
        view = projection.view
        assert [e.row_nr for e in search_register(view, "VON")] == ["2.1.1", "3.3.2", "2.1.3"]
        assert [e.beslut_id for e in search_register(
            view, "VON", RegisterFilter(row_nr="3.3.2"))] == [str(ids["pa"])]
        # An ersättare's beslut is found under the person they stood in for too.
        by_person = search_register(view, "VON", RegisterFilter(person_id=FORVALTNINGSCHEF))
        assert [e.beslut_id for e in by_person] == [str(ids["stf"])]
        assert [e.row_nr for e in search_register(view, "VON", RegisterFilter(
            decided_from=date(2022, 10, 4), decided_to=date(2022, 10, 4)))] == ["3.3.2"]
        anmalda = search_register(view, "VON", RegisterFilter(anmald=True))
        assert [(e.row_nr, e.anmald_paragraph) for e in anmalda] == [("2.1.1", "§ 2")]
        assert len(search_register(view, "VON", RegisterFilter(laga_kraft=False))) == 3
    finally:
        models.close()


def test_the_register_as_of_an_earlier_instant_shows_what_was_recorded_then(
        app: TestEngine, clock: ManualClock) -> None:
    _history(app, clock)
    before_meeting = datetime(2022, 10, 20, tzinfo=UTC)
    then = search_register_as_of(app, before_meeting, "VON", RegisterFilter(anmald=True))
    assert then == []
    listed = search_register_as_of(app, before_meeting, "VON")
    assert [e.listed_on is not None for e in listed] == [True, False, False]


def test_the_anmalningslista_prints_as_csv_and_escaped_html(
        app: TestEngine, clock: ManualClock) -> None:
    ids = _history(app, clock)
    models, projection = _view(app)
    try:
        lista = anmalningslista(projection.view, str(ids["meeting"]))
    finally:
        models.close()
    assert (lista.paragraph, lista.anmalan_dnr) == ("§ 2", "2022.018 VON")
    csv_lines = anmalningslista_csv(lista).splitlines()
    assert csv_lines[0].startswith("Beslutsdatum;Nr;Ärende")
    assert csv_lines[1].startswith("2022-10-03;2.1.1;")
    assert len(csv_lines) == 2
    html = anmalningslista_html(lista)
    assert "På vård- och omsorgsnämndens vägnar" in html and "§ 2" in html
    assert "&lt;b&gt;dagcenter&lt;/b&gt;" in html and "<b>dagcenter" not in html
