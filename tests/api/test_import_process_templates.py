"""`arsplan import` adopts the process templates next to the nämnd's default one, under the
code of the folder's organisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from domain.ids import report_template_id
from domain.report_template import ReportTemplate
from infrastructure.eventstore import ArsplanStore
from tests.support.stores import sqlite_env

VON = Path(__file__).resolve().parents[2] / "data" / "von"
SN = VON.parent / "sn"


def _import(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store" / "events.sqlite"
    for name in ("EVENT_STORE", "DATA_DIR", "VAR_DIR", "DROP_DIR"):
        monkeypatch.delenv(f"ARSPLAN_{name}", raising=False)
    monkeypatch.setenv("ARSPLAN_SQLITE_PATH", str(path))
    monkeypatch.setenv("ARSPLAN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Rapportmall report_template_budget.yaml: version 1" in result.output
    return path


def test_import_adopts_each_process_template(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _import(VON, tmp_path, monkeypatch)
    store = ArsplanStore(env=sqlite_env(path))
    try:
        budget = store.get(report_template_id("VON", "budget"), ReportTemplate)
        fmu = store.get(report_template_id("VON", "fordjupad_manadsuppfoljning"),
                        ReportTemplate)
    finally:
        store.close()
    assert "budget-detaljbudget" in {i["item_id"] for i in budget.items}
    assert "fmu-drift" in {i["item_id"] for i in fmu.items}


def test_import_of_socialnamndens_folder_files_its_templates_under_sn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ArsplanStore(env=sqlite_env(_import(SN, tmp_path, monkeypatch)))
    try:
        default = store.get(report_template_id("SN"), ReportTemplate)
        budget = store.get(report_template_id("SN", "budget"), ReportTemplate)
        assert not store.exists(report_template_id("VON"))
        assert store.organisation("SN").name == "Socialnämnden"
    finally:
        store.close()
    assert "mal-sjalvforsorjande" in {i["item_id"] for i in default.items}
    assert "vp-sjalvforsorjande" in {i["item_id"] for i in budget.items}
