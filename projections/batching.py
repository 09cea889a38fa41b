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

from projections.base import Delete, Doc, EncodedRow, Put, ReadModelView, Row, RowChange


class BatchedView(ReadModelView):
    def __init__(self, view: ReadModelView) -> None:
        self.view = view
        self.name = getattr(view, "name", "batch")
        self._changes: dict[tuple[str, str], RowChange] = {}
        self._tracking: dict[str, Tracking] = {}
        self._read: dict[tuple[str, str], Doc | None] = {}  # safe: one writer per view
        self._rows_holding: dict[int, int] = {}  # id(doc) -> overlay rows holding it
        # Write-only: reads in the batch do not see them (their projection never reads them).
        self._encoded: list[EncodedRow] = []

    def get(self, kind: str, key: str) -> Doc | None:
        change = self._changes.get((kind, key))
        if isinstance(change, Put):
            return copy.deepcopy(change.doc)
        if isinstance(change, Delete):
            return None
        if (kind, key) not in self._read:
            self._read[(kind, key)] = self.view.get(kind, key)
        return copy.deepcopy(self._read[(kind, key)])

    def get_for_update(self, kind: str, key: str) -> Doc | None:
        """Hands over the overlay's own doc when no other row holds it: a catch-up
        updating one report 500 times per batch spent half its time deep-copying it.
        Safe because a failed event discards the whole batch."""
        change = self._changes.get((kind, key))
        if isinstance(change, Put) and self._rows_holding.get(id(change.doc)) == 1:
            return change.doc
        if change is None:
            if (kind, key) in self._read:
                return self._read.pop((kind, key))  # the caller writes it back
            return self.view.get(kind, key)  # freshly decoded: nobody else holds it
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
        self._encoded.extend(encoded)
        for change in changes:
            row = (change.kind, change.key)
            replaced = self._changes.get(row)
            if isinstance(replaced, Put):
                self._rows_holding[id(replaced.doc)] -= 1
            if isinstance(change, Put):
                # Each row keeps the position of the event that last wrote it (find order).
                change = Put(change.kind, change.key, change.doc, change.partition,
                             tracking.notification_id)
                holding = id(change.doc)
                self._rows_holding[holding] = self._rows_holding.get(holding, 0) + 1
            self._changes[row] = change

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
        for tracking in self._tracking.values():
            self.view.write_with_tracking(list(self._changes.values()), tracking, self._encoded)
        self._changes.clear()
        self._encoded.clear()
        self._tracking.clear()
        self._read.clear()
        self._rows_holding.clear()

    def rows(self) -> list[Row]:
        raise NotImplementedError("digest the underlying view after the flush")

    def reset(self) -> None:
        raise NotImplementedError("reset the underlying view")
