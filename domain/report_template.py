"""ReportTemplate: what a nämnd's units report on in each cycle (mål, internkontroll…)."""

from __future__ import annotations

from typing import Any, Self

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError
from domain.ids import report_template_id
from domain.process_kinds import process_kind
from domain.report_items import check_item_kind


class ReportTemplate(AuditedAggregate):
    """The items every enhet and avdelning report carries when a cycle opens.

    Revised by recording a new item list; cycles already open keep what they got.
    """

    class Adopted(AuditedAggregate.Created):
        namnd_code: str
        items: list[dict[str, Any]]

    class Revised(AuditedAggregate.Event):
        items: list[dict[str, Any]]

        def apply(self, aggregate: ReportTemplate) -> None:
            aggregate.items = list(self.items)

    def __init__(self, namnd_code: str, items: list[dict[str, Any]]) -> None:
        self.namnd_code = namnd_code
        self.items = list(items)

    @classmethod
    def adopt(cls, namnd_code: str, items: list[dict[str, Any]], cause: Cause,
              process: str | None = None) -> Self:
        """``process`` names a process with its own template (domain.process_kinds)."""
        if process is not None and not process_kind(process).own_template:
            # Its cycles open on the nämnd's default template: this one would never be used.
            raise InvalidInputError(f"Processen {process!r} har ingen egen rapportmall",
                                    rule="process_without_own_template")
        _check_items(items)
        return cls._create_audited(cls.Adopted, id=report_template_id(namnd_code, process),
                                   cause=cause, namnd_code=namnd_code, items=items)

    def revise(self, items: list[dict[str, Any]], cause: Cause) -> bool:
        """Records the new list; returns False when nothing changed."""
        _check_items(items)
        if items == self.items:
            return False
        self._record(self.Revised, cause, items=items)
        return True


def _check_items(items: list[dict[str, Any]]) -> None:
    ids = [i["item_id"] for i in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInputError(f"Punkter förekommer flera gånger: {', '.join(duplicates)}",
                                rule="duplicate_item")
    for item in items:
        check_item_kind(item["kind"])
