"""Applies a batch of events in one transaction: fewer commits, same exactly-once.

A ``BatchedView`` stands in for a view while the runner feeds it a batch of
events: writes go to an in-memory overlay (that later reads in the batch see),
and ``flush`` commits the net row changes with the batch's last position in one
transaction. A crash before the flush loses the whole batch and nothing else;
the next catch-up starts again at the batch's first event. The runner may ``seal`` a
batch (encode its rows, set what the next batch takes from it) in its own thread and
``commit`` it in a writer thread.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError, Tracking

from projections.base import (
    Doc,
    EncodedRow,
    Put,
    ReadModelView,
    Row,
    RowChange,
)
from projections.canonical import canonical_json_text

# Rows a batch hands to the next one at most (a report's doc is a few kB in memory).
CARRY_LIMIT = 20_000

Known = dict[tuple[str, str], "Doc | None"]


@dataclass(frozen=True)
class Before:
    """The batch before, still committing: the rows it leaves, its last position (with
    the application's name), and a wait for its commit that raises if it failed."""

    known: Known
    position: tuple[str, int]
    committed: Callable[[], object]


class BatchedView(ReadModelView):
    """A batch may follow one still committing (``Before``): ``known`` holds the rows as
    that batch leaves them (None: absent; its ``carried``) and ``position`` its last
    position, and a read of any other row first waits for its commit (raising if it
    failed). A catch-up then reads each row from the store once, not once per batch."""

    def __init__(self, view: ReadModelView, before: Before | None = None) -> None:
        self.view = view
        self.name = getattr(view, "name", "batch")
        # Each row's last change, with the position of the event that made it (find order).
        self._changes: dict[tuple[str, str], tuple[RowChange, int]] = {}
        self._tracking: dict[str, Tracking] = {}
        self._read: Known = {}  # safe: one writer per view
        self._position: tuple[str, int] | None = None
        self._committed: Callable[[], object] | None = None
        if before is not None:
            self._read, self._committed = before.known, before.committed
            self._position = before.position
        self.carried: Known = {}  # once sealed: the rows as the view will hold them
        self._sealed: tuple[list[RowChange], list[EncodedRow], list[EncodedRow]] | None = None
        self._sealed_position: tuple[str, int] | None = None
        self._rows_holding: dict[int, int] = {}  # id(doc) -> overlay rows holding it
        # Write-only: reads in the batch do not see them (their projection never reads them).
        self._encoded: list[EncodedRow] = []

    def get(self, kind: str, key: str) -> Doc | None:
        found = self._changes.get((kind, key))
        if found is not None:
            change = found[0]
            return copy.deepcopy(change.doc) if isinstance(change, Put) else None
        if (kind, key) not in self._read:
            self._read[(kind, key)] = self._view().get(kind, key)
        return copy.deepcopy(self._read[(kind, key)])

    def _view(self) -> ReadModelView:
        """The view, once the batch before committed."""
        if self._committed is not None:
            self._committed()
            self._committed = None
        return self.view

    def get_for_update(self, kind: str, key: str) -> Doc | None:
        """Hands over the overlay's own doc when no other row holds it: a catch-up
        updating one report 500 times per batch spent half its time deep-copying it.
        Safe because a failed event discards the whole batch."""
        found = self._changes.get((kind, key))
        if found is None:
            if (kind, key) in self._read:
                return self._read.pop((kind, key))  # the caller writes it back
            return self._view().get(kind, key)  # freshly decoded: nobody else holds it
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
        if self._position is not None and self._position[0] == application_name:
            return self._position[1]
        return self._view().max_tracking_id(application_name)

    def flush(self) -> None:
        """Writes the net changes (each put already in storage form, a doc held by
        several rows encoded once) and the position, in one transaction."""
        self.seal()
        self.commit()

    def seal(self) -> None:
        """Ends the batch: encodes its rows and sets ``carried`` (what the next batch may
        take as stored once this one commits)."""
        deletes: list[RowChange] = []
        rows: list[EncodedRow] = []
        encoded: dict[int, str] = {}
        for change, position in self._changes.values():
            if isinstance(change, Put):
                doc = encoded.get(id(change.doc))
                if doc is None:
                    doc = encoded[id(change.doc)] = (canonical_json_text(change.doc)
                                                     if change.doc else "{}")
                rows.append((change.kind, change.key, change.partition, position, doc))
            else:
                deletes.append(change)  # keys are distinct: the order does not matter
        self._sealed = (deletes, rows, self._encoded)
        self._sealed_position = next(
            ((name, t.notification_id) for name, t in self._tracking.items()), None)
        self.carried = self._carry()
        self._changes.clear()
        self._encoded = []
        self._read = {}
        self._rows_holding.clear()

    @property
    def position(self) -> tuple[str, int] | None:
        """The application's name and the sealed batch's last position (None: no event)."""
        return self._sealed_position

    def commit(self) -> None:
        """The sealed rows and the last position, in one transaction (a writer thread may
        run it while the next batch is projected; the runner commits a batch only once the
        one before it committed)."""
        if self._sealed is None:
            return
        deletes, rows, encoded = self._sealed
        for tracking in self._tracking.values():
            self.view.write_batch(deletes, tracking, rows, encoded)
        # Reads after the commit (a caller holding this stand-in) go to the view.
        self._sealed, self._position, self._committed = None, None, None
        self._tracking.clear()

    def _carry(self) -> Known:
        """The rows read or written in the batch, as now stored: a doc that several rows
        hold (or that a later batch would change under another row) is read again."""
        carried = self._read if len(self._read) + len(self._changes) <= CARRY_LIMIT else {}
        for row, (change, _) in self._changes.items():
            if not isinstance(change, Put):
                carried[row] = None
            elif self._rows_holding.get(id(change.doc)) == 1:
                carried[row] = change.doc
            else:
                carried.pop(row, None)
        return carried

    def rows(self) -> list[Row]:
        raise NotImplementedError("digest the underlying view after the flush")

    def reset(self) -> None:
        raise NotImplementedError("reset the underlying view")
