"""The report form's nyckeltal: the enhetschef enters each nyckeltal's utfall per period.

A nyckeltal (name, direction, målvärde) is recorded on a goal with ``RecordIndicator``,
e.g. by the förvaltning when Hypergene's utfall are available. On the report form every
period is its own small form with Totalt, Kvinnor and Män, plus one form for a new period
(the cycle's year by default). A change posts the nyckeltal again as ``RecordIndicator``
with that period's figures replaced (or added) and ``expected_version`` = the version the
page showed, through the report form's own execution path (``_save``): "Sparat" with the
goal's new suggested bedömning, the refusal, or the conflict view with "Behåll min".

An empty field or "IU" is a missing value (None), never 0. A figure that does not read is
refused naming the nyckeltal, the period and the field, and nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import viewer
from api.dashboard_report import _refused, _save
from api.read_access import Reader, page_reader
from api.read_side import ReadSide
from application.bus import CommandBus
from domain import commands as c
from domain.content.goals import GOAL_KINDS
from domain.content.values import figure_to_text, format_figure, parse_figure
from domain.cycle import Cycle
from domain.errors import DomainError, InvalidInputError
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore

router = APIRouter(include_in_schema=False)

# The splits of one period's utfall: form field → label.
SPLITS = {"totalt": "Totalt", "kvinnor": "Kvinnor", "man": "Män"}


@dataclass(frozen=True)
class UtfallRow:
    period: str
    figures: dict[str, str]  # split → the figure as a Swedish text ("" when missing)
    new: bool = False  # the form for a period not recorded yet


@dataclass(frozen=True)
class NyckeltalForm:
    indicator_id: str
    name: str
    malvarde: str
    unit: str
    rows: list[UtfallRow]


def _shown(raw: Any) -> str:
    return "" if raw is None else format_figure(parse_figure(raw), missing="")


def nyckeltal_forms(recorded: Mapping[str, Mapping[str, Any]], new_period: str
                    ) -> list[NyckeltalForm]:
    """One form per recorded period of every nyckeltal, and one for a new period."""
    forms = []
    for data in recorded.values():
        utfall = data.get("utfall") or []
        periods = {str(u["period"]) for u in utfall}
        rows = [UtfallRow(str(u["period"]), {s: _shown(u.get(s)) for s in SPLITS})
                for u in utfall]
        rows.append(UtfallRow("" if new_period in periods else new_period,
                              dict.fromkeys(SPLITS, ""), new=True))
        malvarde = data.get("malvarde")
        forms.append(NyckeltalForm(
            str(data["indicator_id"]), str(data["name"]),
            "–" if malvarde is None else str(malvarde).replace(".", ","),
            str(data.get("unit") or ""), rows))
    return forms


def nyckeltal_context(store: ArsplanStore, report: UnitReport, person_id: str,
                      as_of: datetime | None) -> dict[str, Any]:
    """The report page's part (``api/app.py`` REPORT_PAGE_PARTS): the goals' nyckeltal
    forms by item id; the new period's default is the cycle's year."""
    if not report.indicators:
        return {"nyckeltal": {}, "utfall_splits": SPLITS}
    year = str(store.get(report.cycle_id, Cycle).year)
    return {"nyckeltal": {item_id: nyckeltal_forms(recorded, year)
                          for item_id, recorded in report.indicators.items()
                          if item_id in report.items
                          and report.items[item_id].kind in GOAL_KINDS},
            "utfall_splits": SPLITS}


def read_figures(name: str, period: str, sent: Mapping[str, str]) -> dict[str, str | None]:
    """The sent splits as exact figures; "" and "IU" are None. Raises InvalidInputError
    naming the nyckeltal, the period and the field."""
    figures: dict[str, str | None] = {}
    for split, label in SPLITS.items():
        raw = sent.get(split, "")
        try:
            figures[split] = figure_to_text(parse_figure(raw))
        except InvalidInputError:
            raise InvalidInputError(
                f"Nyckeltalet {name!r}, period {period}, {label.lower()}: {raw!r} är inget "
                "tal. Skriv ett tal (t.ex. 82,2) eller IU när värdet saknas; inget sparades.",
                rule="figure") from None
    return figures


def with_utfall(data: Mapping[str, Any], period: str, figures: Mapping[str, str | None]
                ) -> dict[str, Any]:
    """The nyckeltal with this period's figures replaced, or the period added last."""
    utfall = [dict(u) for u in data.get("utfall") or []]
    for row in utfall:
        if str(row["period"]) == period:
            row.update(figures)
            break
    else:
        utfall.append({"period": period, **figures})
    return {**data, "utfall": utfall}


def _nothing_to_save(request: Request, report_id: UUID, item_id: str) -> Response:
    """A new period with no field filled in (e.g. only its period typed): nothing yet."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204)
    return RedirectResponse(f"/rapporter/{report_id}#punkt-{item_id}", status_code=303)


@router.post("/rapporter/{report_id}/nyckeltal")
def save_utfall(request: Request, report_id: UUID,
                item_id: Annotated[str, Form(min_length=1, max_length=100)],
                indicator_id: Annotated[str, Form(min_length=1, max_length=100)],
                version: Annotated[int, Form(ge=1)],
                period: Annotated[str, Form(max_length=40)] = "",
                totalt: Annotated[str, Form(max_length=40)] = "",
                kvinnor: Annotated[str, Form(max_length=40)] = "",
                man: Annotated[str, Form(max_length=40)] = "",
                who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                app: ArsplanStore = Depends(event_store),
                bus: CommandBus = Depends(command_bus),
                reads: ReadSide = Depends(read_side)) -> Response:
    """One period's utfall of one nyckeltal (RecordIndicator)."""
    sees.require_aggregate(report_id)
    sent = {"item_id": item_id, "indicator_id": indicator_id, "period": period,
            "totalt": totalt, "kvinnor": kvinnor, "man": man}
    data = app.get(report_id, UnitReport).indicators.get(item_id, {}).get(indicator_id)
    if data is None:
        return _refused(request, report_id, f"Nyckeltalet {indicator_id!r} finns inte på "
                        f"punkten {item_id!r}", 404, who, app, reads)
    name, period = str(data["name"]), period.strip()
    if not period:
        return _refused(request, report_id, f"Nyckeltalet {name!r}: ange perioden "
                        "(t.ex. 2022) för utfallet; inget sparades.", 422, who, app, reads)
    recorded = {str(u["period"]) for u in data.get("utfall") or []}
    if period not in recorded and not any(v.strip() for v in (totalt, kvinnor, man)):
        return _nothing_to_save(request, report_id, item_id)
    try:
        figures = read_figures(name, period, sent)
        command = c.RecordIndicator(report_id=report_id, item_id=item_id,
                                    indicator=c.IndicatorInput.model_validate(
                                        with_utfall(data, period, figures)),
                                    expected_version=version)
    except DomainError as unreadable:
        return _refused(request, report_id, str(unreadable), 422, who, app, reads)
    except ValidationError:
        return _refused(request, report_id, f"Nyckeltalet {name!r}, period {period}: "
                        "utfallet ryms inte i nyckeltalet; inget sparades.", 422, who, app,
                        reads)
    return _save(request, report_id, item_id, command, sent, who, app, bus, reads)
