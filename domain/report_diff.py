"""What changed in a report since the attester last saw it, read from its own events.

The window ends at the current klarmarkering and starts at the klarmarkering or
återsändning before it (a reopening in between does not start a new window: the attester
has not seen the report since). With no earlier one, the window is the whole report from
its opening, and the diff shows everything written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.base import AuditedAggregate
from domain.report_items import ITEM_FIELDS
from domain.unit_report import UnitReport

# Events the attester answers to: after either, the next klarmarkering is a fresh look.
_REVIEW_MARKS = (UnitReport.Klarmarkerad, UnitReport.Atersand)


@dataclass(frozen=True)
class FieldChange:
    """One field's value at the window's start and at its end, and its last writer."""

    item_id: str
    field: str
    before: Any
    after: Any
    person_id: str
    on_behalf_of: str | None
    at: datetime  # when the last change in the window took effect
    times: int  # recorded changes within the window


@dataclass(frozen=True)
class ReportDiff:
    klarmarkerad_at: datetime
    since: datetime | None  # the earlier klarmarkering or återsändning; None: the first
    since_atersand: bool
    changes: tuple[FieldChange, ...]

    @property
    def first(self) -> bool:
        return self.since is None


def diff_since_last_review(events: Iterable[AuditedAggregate.Event]) -> ReportDiff | None:
    """The net change per item field in the window ending at the last klarmarkering;
    None while the report has never been klarmarkerad. Fields changed and changed back
    are left out: the attester sees what is different, not what was tried."""
    history = list(events)
    marks = [i for i, e in enumerate(history) if isinstance(e, _REVIEW_MARKS)]
    current = next((i for i in reversed(marks)
                    if isinstance(history[i], UnitReport.Klarmarkerad)), None)
    if current is None:
        return None
    start = next((i for i in reversed(marks) if i < current), None)
    values, order = _opened_values(history)
    for event in history[:start + 1 if start is not None else 0]:
        for item_id, field, new in _writes(event):
            values[(item_id, field)] = new
    before = dict(values)
    last: dict[tuple[str, str], tuple[AuditedAggregate.Event, int]] = {}
    for event in history[(start + 1) if start is not None else 0:current]:
        for item_id, field, new in _writes(event):
            if values.get((item_id, field)) == new:
                continue
            values[(item_id, field)] = new
            count = last[(item_id, field)][1] if (item_id, field) in last else 0
            last[(item_id, field)] = (event, count + 1)
    changes = [
        FieldChange(item_id, field, before.get((item_id, field)), values.get((item_id, field)),
                    event.actor.person_id, event.actor.on_behalf_of, event.occurred_at, times)
        for (item_id, field), (event, times) in last.items()
        if _blank(before.get((item_id, field))) != _blank(values.get((item_id, field)))]
    changes.sort(key=lambda ch: (order.get(ch.item_id, (len(order), ()))[0],
                                 _field_rank(order.get(ch.item_id, (0, ()))[1], ch.field)))
    since = history[start] if start is not None else None
    return ReportDiff(history[current].occurred_at,
                      since.occurred_at if since is not None else None,
                      isinstance(since, UnitReport.Atersand), tuple(changes))


def _opened_values(history: Sequence[AuditedAggregate.Event]
                   ) -> tuple[dict[tuple[str, str], Any], dict[str, tuple[int, tuple[str, ...]]]]:
    """The values a report opened with, and each item's position and field order."""
    values: dict[tuple[str, str], Any] = {}
    order: dict[str, tuple[int, tuple[str, ...]]] = {}
    opened = next((e for e in history if isinstance(e, UnitReport.Opened)), None)
    for position, item in enumerate(opened.items if opened is not None else []):
        order[item["item_id"]] = (position, tuple(ITEM_FIELDS.get(item["kind"], {})))
        for field, value in (item.get("values") or {}).items():
            values[(item["item_id"], field)] = value
    return values, order


def _writes(event: AuditedAggregate.Event) -> list[tuple[str, str, Any]]:
    """The item fields an event sets, as (item, field, new value)."""
    if isinstance(event, UnitReport.ItemChanged):
        return [(event.item_id, event.field, event.new)]
    if isinstance(event, UnitReport.BedomningSet):
        return [(event.item_id, "bedomning", event.bedomning),
                (event.item_id, "motivering", event.motivering)]
    if isinstance(event, UnitReport.IndicatorRecorded):
        # One field per nyckeltal and period: the attester sees which figure moved.
        name = event.indicator["name"]
        return [(event.item_id, f"Nyckeltal «{name}» {u['period']}", _utfall_text(u))
                for u in event.indicator.get("utfall") or []]
    return []


def _utfall_text(utfall: dict[str, Any]) -> str | None:
    """The period's figures as the form shows them (decimal comma); None when all are
    missing ("IU"), so an emptied figure reads as a blank field does."""
    parts = [f"{label} {_figure(utfall.get(key))}"
             for key, label in (("totalt", "totalt"), ("kvinnor", "kvinnor"), ("man", "män"))
             if utfall.get(key) is not None]
    return ", ".join(parts) or None


def _figure(value: Any) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def _blank(value: Any) -> Any:
    # An emptied text field is recorded as no value: "" and None read the same.
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _field_rank(fields: tuple[str, ...], field: str) -> int:
    return fields.index(field) if field in fields else len(fields)
