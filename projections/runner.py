"""Keeps projections up to date: catch up from the tracked position, poll, rebuild.

eventsourcing's ``ProjectionRunner`` needs a store that can push notifications
(PostgreSQL, POPO); the embedded SQLite store cannot, so our runner pulls: it
reads notifications after the view's tracked position in batches (of the
projection's ``batch_size``) and hands each to the projection, which decodes it (or
reads only the fields it needs) and writes rows and position in one transaction.
Restarting after a crash therefore resumes exactly where the last commit left off.

Several read models catch up in one pass (``catch_up_together``, which ``catch_up_all``,
the background runner and ``arsplan read-models rebuild`` use): each batch of
notifications is read once, from the position of the read model furthest behind, and
each notification decoded at most once (``SharedDecode``) for all of them. Each read
model still gets exactly the notifications a catch-up of its own would give it (those
past its own position, of its topics) and commits its rows with its own position, one
transaction per batch: its tracking is what it would be alone. ``JointBatches`` does the
per-batch part; the audit replay feeds it the events it copies.

On PostgreSQL a full batch commits in a writer thread while the runner reads and projects
the next one (``_Flushes``): the next batch starts from the rows the last one left
(``batching.Before``) and waits for that commit before it reads any other row, and it
commits only after it; if that commit failed, the next batch is dropped, so the position
stays before the failed batch as it would without the overlap.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Tracking

from projections.base import ReadModelProjection, SharedDecode
from projections.batching import BatchedView, Before
from projections.read_models import ReadModels

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CatchUpProgress:
    projection: str
    position: int  # last notification id applied
    head: int  # the store's last notification id when the catch-up began
    processed: int  # events applied in this catch-up


Progress = Callable[[CatchUpProgress], None]


def catch_up(app: Application[Any], projection: ReadModelProjection, *,
             batch_size: int | None = None, progress: Progress | None = None,
             stop: threading.Event | None = None, until: int | None = None) -> int:
    """Applies every event after the tracked position (up to notification ``until``), in
    batches of ``batch_size`` (default: the projection's); returns how many it applied."""
    batch_size = batch_size or projection.batch_size
    position = projection.view.max_tracking_id(app.name) or 0
    head = app.recorder.max_notification_id() or 0
    processed = 0

    def read(after: int) -> Sequence[Notification]:
        return app.recorder.select_notifications(after, batch_size, stop=until,
                                                 topics=projection.topics,
                                                 inclusive_of_start=False)

    batch = read(position)
    last: CatchUpProgress | None = None
    with _Flushes() as flushes:
        while batch and (stop is None or not stop.is_set()):
            more = len(batch) == batch_size
            # Projected while the batch before commits; then committed in turn, a full
            # batch while the next one is read and projected.
            batched = _apply(app.name, projection, batch, app.mapper, flushes.before(0))
            if flushes.wait(0) and progress is not None and last is not None:
                progress(last)
            flushes.submit(0, batched, in_background=more)
            position, processed = batch[-1].id, processed + len(batch)
            last = CatchUpProgress(projection.name, position, max(head, position), processed)
            batch = read(position) if more else []
        if flushes.wait(0) and progress is not None and last is not None:
            progress(last)
    return processed


def rebuild(app: Application[Any], projection: ReadModelProjection, *,
            batch_size: int | None = None, progress: Progress | None = None) -> int:
    """Forgets the view's rows and position, then projects the whole log again."""
    projection.view.reset()
    return catch_up(app, projection, batch_size=batch_size, progress=progress)


class CatchUpFailed(Exception):
    """Read models that failed in a joint catch-up (the others went on to the end); each
    stays before the batch it failed in."""

    def __init__(self, failures: dict[str, BaseException]) -> None:
        super().__init__(", ".join(f"{name}: {exc!r}" for name, exc in failures.items()))
        self.failures = failures


def _topics(projections: Sequence[ReadModelProjection]) -> tuple[str, ...]:
    """The topics to read: all (an empty filter) if any read model takes every event."""
    if any(not p.topics for p in projections):
        return ()
    return tuple(sorted({t for p in projections for t in p.topics}))


def catch_up_together(app: Application[Any], projections: Sequence[ReadModelProjection], *,
                      batch_size: int | None = None, progress: Progress | None = None,
                      stop: threading.Event | None = None, until: int | None = None) -> int:
    """Catches every projection up in one pass over the log (up to notification
    ``until``); returns the events applied, summed over the projections.

    A projection failing on an event is left out of the rest of the pass, its position
    before that batch; the others go on, then ``CatchUpFailed`` names the failures."""
    if not projections:
        return 0
    batch_size = batch_size or max(p.batch_size for p in projections)
    topics, mapper = _topics(projections), SharedDecode(app.mapper)
    with JointBatches(app.name, projections, head=app.recorder.max_notification_id() or 0,
                      progress=progress) as joint:
        position = joint.start
        while stop is None or not stop.is_set():
            batch = app.recorder.select_notifications(position, batch_size, stop=until,
                                                      topics=topics, inclusive_of_start=False)
            mapper.forget()
            more = len(batch) == batch_size
            joint.apply(batch, mapper, more=more)
            if not more or joint.all_failed:
                break
            position = batch[-1].id
        return joint.finish()


class JointBatches:
    """Several read models fed the same batches of notifications (``catch_up_together``,
    and the audit replay, which feeds the events it copies).

    Each read model gets exactly the notifications a catch-up of its own would give it
    (past its own position, of its topics, up to its limit) and commits each batch's rows
    with its own position in one transaction (``_Flushes``: a full batch may commit while
    the next is projected). A read model failing on an event is left out of the rest of
    the pass, its position before that batch; ``finish`` then raises ``CatchUpFailed``.
    """

    def __init__(self, app_name: str, projections: Sequence[ReadModelProjection], *,
                 head: int, progress: Progress | None = None) -> None:
        self._name, self._projections = app_name, projections
        self._head, self._progress = head, progress
        self._positions = [p.view.max_tracking_id(app_name) or 0 for p in projections]
        self._wanted = [frozenset(p.topics) for p in projections]
        self._processed = [0] * len(projections)
        self._submitted: list[CatchUpProgress | None] = [None] * len(projections)
        self.failures: dict[str, BaseException] = {}
        self._flushes = _Flushes()

    @property
    def start(self) -> int:
        """Where the read model furthest behind stands."""
        return min(self._positions)

    @property
    def all_failed(self) -> bool:
        return len(self.failures) == len(self._projections)

    def apply(self, batch: Sequence[Notification], mapper: Mapper[Any], *, more: bool,
              until: Sequence[int] | None = None) -> None:
        """Projects the batch (ids rising) into each read model, up to notification
        ``until[i]`` for read model i; ``more``: another batch follows (so this one may
        commit in the background)."""
        ids = [n.id for n in batch]
        for i, projection in enumerate(self._projections):
            if projection.name in self.failures:
                continue
            end = len(ids) if until is None else bisect_right(ids, until[i])
            mine = batch[bisect_right(ids, self._positions[i], hi=end):end]
            if self._wanted[i]:
                mine = [n for n in mine if n.topic in self._wanted[i]]
            if not mine:
                continue
            try:
                batched = _apply(self._name, projection, mine, mapper,
                                 self._flushes.before(i))
            except Exception as exc:  # the others go on; this one resumes before the batch
                self.failures[projection.name] = exc
                continue
            self._committed(i)  # the batch before: if it failed, this one is dropped
            if projection.name in self.failures:
                continue
            # A full batch commits while the other read models and the next batch
            # are projected.
            self._flushes.submit(i, batched, in_background=more)
            self._positions[i] = mine[-1].id
            self._processed[i] += len(mine)
            self._submitted[i] = CatchUpProgress(projection.name, self._positions[i],
                                                 max(self._head, self._positions[i]),
                                                 self._processed[i])

    def finish(self) -> int:
        """Waits for every batch in flight; returns the events applied, summed over the
        read models, or raises ``CatchUpFailed``."""
        for i in range(len(self._projections)):
            self._committed(i)
        if self.failures:
            raise CatchUpFailed(self.failures) from next(iter(self.failures.values()))
        return sum(self._processed)

    def _committed(self, i: int) -> None:
        """Waits for read model i's batch in flight; a failed one leaves the pass."""
        try:
            done = self._submitted[i]
            if self._flushes.wait(i) and self._progress is not None and done is not None:
                self._progress(done)
        except Exception as exc:  # it resumes before that batch
            self.failures[self._projections[i].name] = exc

    def __enter__(self) -> JointBatches:
        return self

    def __exit__(self, *exc: object) -> None:
        self._flushes.__exit__(*exc)


def _apply(app_name: str, projection: ReadModelProjection,
           notifications: Sequence[Notification], mapper: Mapper[Any],
           before: Before | None = None) -> BatchedView:
    """Projects a batch into an overlay; its ``flush`` is one transaction: the batch's
    rows and its last position commit together."""
    batched = BatchedView(projection.view, before)
    with projection.writing_to(batched):
        for notification in notifications:
            projection.process_notification(notification, Tracking(app_name, notification.id),
                                            mapper)
    return batched


class _Flushes:
    """At most one batch in flight per read model (a slot), sealed at once and committed
    by a writer thread where the view allows concurrent writes (PostgreSQL: the server
    stores one batch while Python projects the next), otherwise at once. Every commit
    has ended, done or failed, when the block is left."""

    def __init__(self) -> None:
        self._writer: ThreadPoolExecutor | None = None
        self._pending: dict[int, tuple[BatchedView, Future[None] | None]] = {}

    def submit(self, slot: int, batched: BatchedView, *, in_background: bool) -> None:
        batched.seal()
        if in_background and batched.view.concurrent_writes:
            if self._writer is None:
                self._writer = ThreadPoolExecutor(2, thread_name_prefix="projection-flush")
            self._pending[slot] = (batched, self._writer.submit(batched.commit))
        else:
            batched.commit()
            self._pending[slot] = (batched, None)

    def before(self, slot: int) -> Before | None:
        """What the slot's next batch may take from the one in flight."""
        found = self._pending.get(slot)
        position = found[0].position if found is not None else None
        if found is None or position is None:
            return None
        future = found[1]
        return Before(found[0].carried, position,
                      future.result if future is not None else _nothing)

    def wait(self, slot: int) -> bool:
        """Waits for the slot's batch; True if there was one (raises if it failed)."""
        if slot not in self._pending:
            return False
        _, future = self._pending.pop(slot)
        if future is not None:
            future.result()
        return True

    def __enter__(self) -> _Flushes:
        return self

    def __exit__(self, *exc: object) -> None:
        wait([future for _, future in self._pending.values() if future is not None])
        self._pending.clear()
        if self._writer is not None:
            self._writer.shutdown()


def _nothing() -> None:
    return None


def catch_up_all(app: Application[Any], read_models: ReadModels,
                 progress: Progress | None = None) -> int:
    return catch_up_together(app, read_models.projections, progress=progress)


def rebuild_all(app: Application[Any], projections: Sequence[ReadModelProjection], *,
                progress: Progress | None = None) -> int:
    """Forgets every view's rows and position, then projects the log again in one pass."""
    for projection in projections:
        projection.view.reset()
    return catch_up_together(app, projections, progress=progress)


def run_until_stopped(app: Application[Any], projections: Sequence[ReadModelProjection],
                      stop: threading.Event, *, poll_interval: float = 0.5) -> None:
    """Polls for new events until ``stop`` is set, all projections in one pass.

    A projection that fails on an event is logged and retried at the next poll,
    never skipped: its position stays before the event, and the others go on.
    """
    while not stop.is_set():
        try:
            applied = catch_up_together(app, projections, stop=stop)
        except CatchUpFailed as failed:
            for name, exc in failed.failures.items():
                view = next(p.view for p in projections if p.name == name)
                log.error("projection_failed", projection=name,
                          position=view.max_tracking_id(app.name), exc_info=exc)
        except Exception:
            log.exception("projections_failed")
        else:
            if applied:
                log.debug("projections_caught_up", applied=applied)
        stop.wait(poll_interval)


def start_in_thread(app: Application[Any], read_models: ReadModels, stop: threading.Event,
                    *, poll_interval: float = 0.5) -> threading.Thread:
    """Runs every read model's projection in a daemon thread (for the main job)."""
    thread = threading.Thread(
        target=run_until_stopped, args=(app, read_models.projections, stop),
        kwargs={"poll_interval": poll_interval}, name="projections", daemon=True)
    thread.start()
    return thread
