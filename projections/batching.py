"""Applies a batch of events in one transaction: fewer commits, same exactly-once.

A ``BatchedView`` stands in for a view while the runner feeds it a batch of
events: writes go to an in-memory overlay (that later reads in the batch see),
and ``flush`` commits the net row changes with the batch's last position in one
transaction. A crash before the flush loses the whole batch and nothing else;
the next catch-up starts again at the batch's first event.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from eventsourcing.persistence import IntegrityError, Tracking

from projections.base import (
    Doc,
    EncodedRow,
    Put,
    ReadModelView,
    Row,
    RowChange,
    canonical_json,
)


class BatchedView(ReadModelView):
    def __init__(self, view: ReadModelView) -> None:
        self.view = view
        self.name = getattr(view, "name", "batch")
        # Each row's last change, with the position of the event that made it (find order).
        self._changes: dict[tuple[str, str], tuple[RowChange, int]] = {}
        self._tracking: dict[str, Tracking] = {}
        self._read: dict[tuple[str, str], Doc | None] = {}  # safe: one writer per view
        self._rows_holding: dict[int, int] = {}  # id(doc) -> overlay rows holding it
        # Write-only: reads in the batch do not see them (their projection never reads them).
        self._encoded: list[EncodedRow] = []

    def get(self, kind: str, key: str) -> Doc | None:
        found = self._changes.get((kind, key))
        if found is not None:
            change = found[0]
            return copy.deepcopy(change.doc) if isinstance(change, Put) else None
        if (kind, key) not in self._read:
            self._read[(kind, key)] = self.view.get(kind, key)
        return copy.deepcopy(self._read[(kind, key)])

    def get_for_update(self, kind: str, key: str) -> Doc | None:
        """Hands over the overlay's own doc when no other row holds it: a catch-up
        updating one report 500 times per batch spent half its time deep-copying it.
        Safe because a failed event discards the whole batch."""
        found = self._changes.get((kind, key))
        if found is None:
            if (kind, key) in self._read:
                return self._read.pop((kind, key))  # the caller writes it back
            return self.view.get(kind, key)  # freshly decoded: nobody else holds it
        change = found[0]
        if isinstance(change, Put) and self._rows_holding.get(id(change.doc)) == 1:
            return change.doc
        return self.get(kind, key)

    def find(self, kind: str, partition: str | None = None) -> list[Doc]:
        raise NotImplementedError("projections read single rows while a batch is open")

    def find_keys(self, kind: str, partition: str) -> list[str]:
        raise NotImplementedError("projections read single rows while a batch is open")

    def find_positions(self, kind: str, keys: Sequence[str]) -> dict[str, int]:
        raise NotImplementedError("projections read single rows while a batch is open")

    def write_with_tracking(self, changes: Sequence[RowChange], tracking: Tracking,
                            encoded: Sequence[EncodedRow] = ()) -> None:
        self.insert_tracking(tracking)
        if encoded:
            self._encoded.extend(encoded)
        position, holding = tracking.notification_id, self._rows_holding
        for change in changes:
            row = (change.kind, change.key)
            replaced = self._changes.get(row)
            if replaced is not None and isinstance(replaced[0], Put):
                holding[id(replaced[0].doc)] -= 1
            if isinstance(change, Put):
                holding[id(change.doc)] = holding.get(id(change.doc), 0) + 1
            self._changes[row] = (change, position)

    def insert_tracking(self, tracking: Tracking) -> None:
        latest = self.max_tracking_id(tracking.application_name)
        if latest is not None and tracking.notification_id <= latest:
            raise IntegrityError(f"position {tracking.notification_id} already applied")
        self._tracking[tracking.application_name] = tracking

    def max_tracking_id(self, application_name: str) -> int | None:
        pending = self._tracking.get(application_name)
        if pending is not None:
            return pending.notification_id
        return self.view.max_tracking_id(application_name)

    def flush(self) -> None:
        """Writes the net changes (each put already in storage form, a doc held by
        several rows encoded once) and the position, in one transaction."""
        deletes: list[RowChange] = []
        rows: list[EncodedRow] = []
        encoded: dict[int, str] = {}
        for change, position in self._changes.values():
            if isinstance(change, Put):
                doc = encoded.get(id(change.doc))
                if doc is None:
                    doc = encoded[id(change.doc)] = (canonical_json(change.doc)
                                                     if change.doc else "{}")
                rows.append((change.kind, change.key, change.partition, position, doc))
            else:
                deletes.append(change)  # keys are distinct: the order does not matter
        rows.extend(self._encoded)
        for tracking in self._tracking.values():
            self.view.write_with_tracking(deletes, tracking, rows)
        self._changes.clear()
        self._encoded.clear()
        self._tracking.clear()
        self._read.clear()
        self._rows_holding.clear()

    def rows(self) -> list[Row]:
        raise NotImplementedError("digest the underlying view after the flush")

    def reset(self) -> None:
        raise NotImplementedError("reset the underlying view")
