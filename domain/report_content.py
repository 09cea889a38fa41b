"""What a chef writes into a report: item fields, nyckeltal, bedömning and ekonomi tables.

A mixin of UnitReport (its events stay on UnitReport, where their topics were recorded);
the rules themselves live in domain/content/ and domain/report_items.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.base import Cause
from domain.content.ekonomi import check_table, table_from_dict, table_to_dict
from domain.content.goals import check_goal_kind, decide_bedomning, indicators_of
from domain.content.indicators import indicator_from_dict, indicator_to_dict
from domain.errors import NotFoundError, RuleViolationError
from domain.report_guards import check_editable, check_owner
from domain.report_items import ASSESSMENT_FIELDS, Item, check_field_value


class ReportContent:
    items: dict[str, Item]
    indicators: dict[str, dict[str, dict[str, Any]]]  # item → indicator id → data
    ekonomi_flags: dict[str, list[dict[str, Any]]]

    if TYPE_CHECKING:
        ItemChanged: Any
        IndicatorRecorded: Any
        BedomningSet: Any
        EkonomiRecorded: Any
        unit_id: str
        parent_unit_id: str | None
        status: str

        @property
        def owner_role(self) -> str: ...
        @property
        def attester_role(self) -> str | None: ...
        def _record(self, event_class: type[Any], cause: Cause, **payload: Any) -> None: ...

    def _check_writable(self, cause: Cause) -> None:
        check_owner(self, cause.actor)
        check_editable(self)

    def change_item(self, item_id: str, field_name: str, value: Any, cause: Cause) -> bool:
        """Records one changed field; returns False when the value is unchanged."""
        self._check_writable(cause)
        item = self.items.get(item_id)
        if item is None:
            raise NotFoundError(f"Punkten {item_id!r} finns inte i rapporten")
        check_field_value(item.kind, field_name, value)
        if field_name in ASSESSMENT_FIELDS.get(item.kind, ()):
            raise RuleViolationError(
                "Bedömningen sätts med förslaget från nyckeltalen och, vid avvikelse, en "
                "motivering", rule="bedomning_via_assessment")
        old = item.values.get(field_name)
        if old == value:
            return False
        self._record(self.ItemChanged, cause, item_id=item_id, field=field_name, old=old,
                     new=value)
        return True

    def _goal_item(self, item_id: str) -> Item:
        item = self.items.get(item_id)
        if item is None:
            raise NotFoundError(f"Punkten {item_id!r} finns inte i rapporten")
        check_goal_kind(item_id, item.kind)
        return item

    def record_indicator(self, item_id: str, data: dict[str, Any], cause: Cause) -> bool:
        """Records a nyckeltal's målvärde and utfall on a goal; False when unchanged."""
        self._check_writable(cause)
        self._goal_item(item_id)
        normalised = indicator_to_dict(indicator_from_dict(data))
        if self.indicators.get(item_id, {}).get(normalised["indicator_id"]) == normalised:
            return False
        self._record(self.IndicatorRecorded, cause, item_id=item_id, indicator=normalised)
        return True

    def set_bedomning(self, item_id: str, bedomning: str, motivering: str | None,
                      cause: Cause) -> None:
        self._check_writable(cause)
        self._goal_item(item_id)
        chosen, suggested, overridden = decide_bedomning(
            bedomning, motivering, indicators_of(self.indicators.get(item_id, {})))
        self._record(self.BedomningSet, cause, item_id=item_id, suggestion=suggested.value,
                     bedomning=chosen.value, overridden=overridden,
                     motivering=motivering.strip() if motivering else None)

    def record_ekonomi(self, data: dict[str, Any], cause: Cause) -> None:
        """Saves the table even when its sums are off: the flags show on the report."""
        self._check_writable(cause)
        table = table_from_dict(data)
        flags = [{"row": f.row, "column": f.column, "stated": str(f.stated),
                  "expected": str(f.expected), "rule": f.rule, "rounding": f.is_rounding,
                  "message": f.message()} for f in check_table(table)]
        self._record(self.EkonomiRecorded, cause, table=table_to_dict(table), flags=flags)

    @property
    def arithmetic_slips(self) -> list[dict[str, Any]]:
        """Discrepancies beyond rounding in the ekonomi tables, for the board and dashboard."""
        return [f for kind in sorted(self.ekonomi_flags) for f in self.ekonomi_flags[kind]
                if not f["rounding"]]
