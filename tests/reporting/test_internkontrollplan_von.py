"""VON internkontrollplan 2022 (seed 000): riskvärden checked on load, matches the template."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from domain.content.internkontroll import report_items
from reporting.data_files import DataFileError, load_internkontrollplan

VON = Path(__file__).resolve().parents[2] / "data" / "von"
PLAN = VON / "internkontrollplan_2022.yaml"


def test_every_riskvarde_is_sannolikhet_times_konsekvens() -> None:
    plan = load_internkontrollplan(PLAN)
    assert [(p.sannolikhet, p.konsekvens, p.riskvarde) for p in plan] == [
        (4, 2, 8), (3, 3, 9), (3, 4, 12), (3, 3, 9), (3, 2, 6), (2, 3, 6), (2, 3, 6)]


def test_delarsbokslut_items_are_the_templates_internkontroll_items() -> None:
    items = report_items(load_internkontrollplan(PLAN), "delarsbokslut", ["avdelning"])
    template = yaml.safe_load((VON / "report_template.yaml").read_text(encoding="utf-8"))
    in_delar = [i["item_id"] for i in template["items"]
                if i["kind"] == "internkontroll" and i["levels"]]
    assert [i["item_id"] for i in items] == in_delar


def test_a_miscalculated_riskvarde_names_the_file_and_point(tmp_path: Path) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text(PLAN.read_text(encoding="utf-8").replace("riskvarde: 12", "riskvarde: 16"),
                      encoding="utf-8")
    with pytest.raises(DataFileError, match=r"3-systematiskt-brandskyddsarbete.*3 × konsekvens 4"):
        load_internkontrollplan(broken)
