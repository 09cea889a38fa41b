"""An avdelning's roll-up: its own draft and only its own units' godkända items."""

from __future__ import annotations

import pytest

from domain import commands as c
from domain.ids import unit_report_id
from reporting.rollup import rollup_html
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022

MAL = "mal-trygg-vard"


def analys(app: TestEngine, unit_id: str, chef: str, text: str) -> None:
    app.execute(c.ChangeItem(report_id=unit_report_id(CYCLE, unit_id), item_id=MAL,
                             field="analys", value=text), chef)


def approve(app: TestEngine, unit_id: str, chef: str, attester: str) -> None:
    report = unit_report_id(CYCLE, unit_id)
    app.execute(c.Klarmarkera(report_id=report), chef)
    app.execute(c.Attestera(report_id=report), attester)


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    analys(app, "enh-ekhagen", "anna", "Ekhagen godkänd")
    approve(app, "enh-ekhagen", "anna", "david")
    analys(app, "enh-bjorkliden", "bertil", "Björkliden utkast")
    analys(app, "enh-hemtjanst-norr", "cecilia", "Hemtjänst godkänd")
    approve(app, "enh-hemtjanst-norr", "cecilia", "eva")
    analys(app, "avd-aldreboende", "david", "Avdelningens egen analys")
    return app


def test_rollup_holds_own_draft_and_own_godkanda_units(von: TestEngine) -> None:
    html = rollup_html(von, unit_report_id(CYCLE, "avd-aldreboende"))
    assert "Avdelningens egen analys" in html
    assert "Ekhagen godkänd" in html
    assert "Björkliden utkast" not in html  # not godkänd
    assert "Hemtjänst godkänd" not in html  # another avdelning
    assert "1 godkända av 2 underliggande" in html


def test_forvaltning_rollup_reaches_every_level(von: TestEngine) -> None:
    html = rollup_html(von, unit_report_id(CYCLE, "von-forv"))
    assert "Ekhagen godkänd" in html and "Hemtjänst godkänd" in html
    assert "Avdelningens egen analys" not in html  # the avdelning has not been godkänd
