"""ArsplanStore: the event store the service layer works on (eventsourcing's Application).

It loads aggregates (from a state cache, so a command decodes only the events recorded
since), keeps the hot organisations current by fast-forwarding, reads a command's
aggregate and its organisation in one round trip where the database can, and saves
several aggregates in one atomic write (group commit where it pays). It decides
nothing: commands go through ``application.bus.CommandBus``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, JSONTranscoder
from eventsourcing.utils import get_topic, strtobool

from domain.arsplan import Arsplan
from domain.base import AuditedAggregate
from domain.calendar import local_date
from domain.chain import BrokenLink, verify_sequence
from domain.delegation_ledger import DelegationLedger
from domain.errors import ConcurrencyConflictError, NotFoundError
from domain.ids import organisation_id
from domain.organisation import Organisation
from infrastructure.eventstore.caches import FastForwardCache, StateCache
from infrastructure.eventstore.environment import (
    DEFAULT_STATE_CACHE_MAXSIZE,
    READ_TOGETHER,
    STATE_CACHE_MAXSIZE,
    creates_tables,
)
from infrastructure.eventstore.group_commit import group_commit
from infrastructure.eventstore.notify import install_for
from infrastructure.eventstore.projector import project_events
from infrastructure.eventstore.read_together import select_events_after
from infrastructure.eventstore.reads import SelectAfter, StoreReads
from infrastructure.eventstore.transcodings import register_domain_transcodings

A = TypeVar("A", bound=AuditedAggregate)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def make_sqlite_folder(env: Mapping[str, str]) -> None:
    """An SQLite store's folder is made when the store is opened: settings only name it."""
    if not (env.get("PERSISTENCE_MODULE") or "").endswith("sqlite"):
        return
    name = env.get("SQLITE_DBNAME") or ""
    if name and not name.startswith((":memory:", "file:")):
        Path(name).parent.mkdir(parents=True, exist_ok=True)


class ArsplanStore(Application[UUID]):
    """The årsplan's event store: every aggregate of every nämnd, one notification log."""

    name = "arsplan"
    # Snapshots of the busy ledger speed up reads of a past version (as-of). Commands never
    # read a snapshot: a snapshot is not part of the hash chain, so the current state comes
    # from the events (through the state cache); audit.verify checks every snapshot.
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {DelegationLedger: 100}

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.clock = clock
        self._reads = StoreReads(self.events, self._select_after())
        self._organisations = FastForwardCache(self._reads, lambda i: self.get(i, Organisation))
        self._states = StateCache(self._reads, int(
            self.env.get(STATE_CACHE_MAXSIZE) or DEFAULT_STATE_CACHE_MAXSIZE))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def construct_recorder(self) -> ApplicationRecorder:
        make_sqlite_folder(self.env)
        recorder = super().construct_recorder()
        if creates_tables(self.env):
            # Beside the tables (and by `arsplan migrate`): every writer then notifies.
            install_for(recorder)
        return group_commit(recorder, self.env)

    def _select_after(self) -> SelectAfter | None:
        if not strtobool(self.env.get(READ_TOGETHER) or "y"):
            return None
        return lambda requests: select_events_after(self.recorder, requests)

    # Loading

    def get(self, aggregate_id: UUID, kind: type[A], version: int | None = None) -> A:
        try:
            if version is None:
                aggregate: Any = self._from_events(aggregate_id)
            else:
                aggregate = self._at_version(aggregate_id, version)
        except AggregateNotFoundError:
            raise NotFoundError(f"{kind.__name__} {aggregate_id} finns inte") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"{aggregate_id} är inte en {kind.__name__}")
        return aggregate

    def _at_version(self, aggregate_id: UUID, version: int) -> Any:
        """A past version: from the latest snapshot at or below it when that snapshot is
        the chain's (its last hash is the stored event's at its version), else from the
        events alone."""
        snapshot: Any = None
        if self.snapshots is not None:
            snapshot = next(iter(self.snapshots.get(aggregate_id, desc=True, limit=1,
                                                    lte=version)), None)
        if snapshot is not None:
            events: list[Any] = list(self.events.get(
                aggregate_id, gt=snapshot.originator_version - 1, lte=version))
            if events and events[0].originator_version == snapshot.originator_version \
                    and events[0].chain_hash == snapshot.state.get("_last_hash"):
                return project_events(None, [snapshot, *events[1:]])
        aggregate = project_events(None, self.events.get(aggregate_id, lte=version))
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def _from_events(self, aggregate_id: UUID) -> Any:
        """The current state from events alone, never from a snapshot: every command loads
        its aggregate this way, from the state cache, decoding only the events recorded
        since."""
        aggregate = self._states.get(aggregate_id, self._organisation_version)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def _organisation_version(self, aggregate: Any) -> dict[UUID, int | None]:
        """The cached organisation of the aggregate's nämnd: read in the same round trip,
        since the command's authority check brings it up to date next."""
        code = getattr(aggregate, "namnd_code", None)
        if not isinstance(code, str):
            return {}
        org_id = organisation_id(code)
        version = self._organisations.version_of(org_id)
        return {} if version is None or org_id == aggregate.id else {org_id: version}

    def exists(self, aggregate_id: UUID) -> bool:
        # One indexed row, not the whole history: callers check before they load.
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def get_as_of(self, aggregate_id: UUID, kind: type[A], as_of: datetime | None) -> A | None:
        """The aggregate as last recorded at or before ``as_of`` (now when None); None when
        it did not exist yet, or at all."""
        if not self.exists(aggregate_id):
            return None
        if as_of is None:
            return self.get(aggregate_id, kind)
        version = None
        for event in self.aggregate_events(aggregate_id):
            if event.timestamp > as_of:
                break
            version = event.originator_version
        return None if version is None else self.get(aggregate_id, kind, version=version)

    def arsplan_ids(self) -> Iterator[UUID]:
        """Every stored årsplan, every nämnd's, in the order adopted."""
        return self.originator_ids(Arsplan.Adopted)

    def originator_ids(self, event_class: type[Any]) -> Iterator[UUID]:
        """The aggregates that recorded an event of this class, in the log's order (the
        whole log is read, filtered by topic: for rare events such as a plan's adoption)."""
        topic = get_topic(event_class)
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, 500, topics=[topic])
            yield from (UUID(str(n.originator_id)) for n in batch)
            if len(batch) < 500:
                return
            start = batch[-1].id + 1

    def organisation(self, namnd_code: str) -> Organisation:
        """Read-only: shared between commands, brought up to date on every call."""
        return self._organisations.get(organisation_id(namnd_code))

    def command_scope(self) -> AbstractContextManager[None]:
        return self._reads.scope()

    # Saving

    def save_changes(self, *aggregates: AuditedAggregate) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise ConcurrencyConflictError(
                "Någon annan har ändrat samma sak samtidigt; ladda om och försök igen"
            ) from None

    # Audit

    def aggregate_events(self, aggregate_id: UUID) -> Iterator[Any]:
        return iter(self.events.get(aggregate_id))

    def verify_aggregate(self, aggregate_id: UUID) -> BrokenLink | None:
        return verify_sequence(self.aggregate_events(aggregate_id))

    def today(self) -> date:
        return local_date(self.clock())
