"""Group commit: concurrent saves share one insert, so one table lock and one COMMIT.

eventsourcing's PostgreSQL recorder locks the events table for each insert transaction
(gap-free notification ids) and holds the lock across a client round trip and the commit's
WAL flush, so writers in one process queue behind each other at ≈ 1 / (lock hold time);
SQLite has one writer at a time and a commit per insert too.
Here the callers that arrive while a write is in flight queue their stored events; the
next one of them (the leader) writes the whole queue in one ``insert_events`` and hands each
caller its own notification ids. A caller alone writes at once: nothing waits for company.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Notification,
    StoredEvent,
    Subscription,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import strtobool

from infrastructure.eventstore.environment import GROUP_COMMIT

SETTING = GROUP_COMMIT


class _Waiter:
    """One caller's events and, once written or refused, its outcome."""

    __slots__ = ("error", "events", "ids", "leads", "woken")

    def __init__(self, events: list[StoredEvent]) -> None:
        self.events = events
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None
        self.leads = False
        self.woken = threading.Event()

    def settle(self, ids: Sequence[int] | None, error: BaseException | None) -> None:
        self.ids, self.error = ids, error


class GroupCommitRecorder(ApplicationRecorder):
    """Wraps an application recorder; reads and tracking inserts go straight through."""

    def __init__(self, inner: ApplicationRecorder) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        self._queue: deque[_Waiter] = deque()
        self._writing = False  # a leader is writing (or has been named and is waking)
        # Observability for tests and benchmarks: inserts and the callers they carried.
        self.batches = 0
        self.batched_callers = 0
        self.largest_batch = 0

    @property
    def waiting(self) -> int:
        """Callers queued for the next insert."""
        with self._lock:
            return len(self._queue)

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        # Application._record always passes tracking=None; a process application's
        # tracking record belongs to its own transaction, so it is not batched.
        if not stored_events or any(v is not None for v in kwargs.values()):
            return self.inner.insert_events(stored_events, **kwargs)
        me = _Waiter(list(stored_events))
        with self._lock:
            self._queue.append(me)
            me.leads = not self._writing
            self._writing = True
        if not me.leads:
            me.woken.wait()  # written by a leader, or named leader of what has queued since
        if me.leads:
            self._lead()
        if me.error is not None:
            raise me.error
        return me.ids

    def _lead(self) -> None:
        """Writes everything queued (this caller included), then hands leadership on."""
        with self._lock:
            batch = list(self._queue)
            self._queue.clear()
        try:
            self._write(batch)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                if successor is None:
                    self._writing = False
                else:
                    successor.leads = True
            for waiter in batch:
                if not waiter.leads:
                    waiter.woken.set()
            if successor is not None:
                successor.woken.set()

    def _write(self, batch: list[_Waiter]) -> None:
        self.batches += 1
        self.batched_callers += len(batch)
        self.largest_batch = max(self.largest_batch, len(batch))
        try:
            ids = self.inner.insert_events([e for w in batch for e in w.events])
        except IntegrityError as error:
            if len(batch) == 1:
                batch[0].settle(None, error)
                return
            # One transaction: nothing of the batch was written. Alone, only the caller
            # whose version is taken (or whose event is already recorded) is refused.
            for waiter in batch:
                self._write_alone(waiter)
            return
        except BaseException as error:
            # Lost connection or anything else: no caller is told its events were written.
            for waiter in batch:
                waiter.settle(None, error)
            return
        start = 0
        for waiter in batch:
            end = start + len(waiter.events)
            waiter.settle(list(ids[start:end]) if ids is not None else None, None)
            start = end

    def _write_alone(self, waiter: _Waiter) -> None:
        try:
            waiter.settle(self.inner.insert_events(waiter.events), None)
        except BaseException as error:
            waiter.settle(None, error)

    # Everything else is the wrapped recorder's.

    def select_events(self, originator_id: Any, *, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> Sequence[StoredEvent]:
        return self.inner.select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *,
                             inclusive_of_start: bool = True) -> Sequence[Notification]:
        return self.inner.select_notifications(start, limit, stop, topics,
                                               inclusive_of_start=inclusive_of_start)

    def max_notification_id(self) -> int | None:
        return self.inner.max_notification_id()

    def subscribe(self, gt: int | None = None,
                  topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        return self.inner.subscribe(gt, topics)

    def __getattr__(self, name: str) -> Any:
        # datastore, create_table and the like: whatever the wrapped recorder has.
        if name == "inner":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)


def enabled(env: Mapping[str, str]) -> bool:
    return strtobool(env.get(SETTING) or "y")


# Both serialise writers (a table lock; SQLite's one writer) and pay a commit per insert.
# In memory there is no commit to share.
BATCHED_RECORDERS = (PostgresApplicationRecorder, SQLiteApplicationRecorder)


def group_commit(recorder: ApplicationRecorder, env: Mapping[str, str]) -> ApplicationRecorder:
    """The recorder with group commit where it pays (PostgreSQL, SQLite), unless turned off."""
    if isinstance(recorder, BATCHED_RECORDERS) and enabled(env):
        return GroupCommitRecorder(recorder)
    return recorder

