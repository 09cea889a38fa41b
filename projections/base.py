"""The read-model framework: row views with tracking, and the projection base class.

A read model is a set of JSON rows keyed by ``(kind, key)``, with a ``partition``
for the lookups its queries need (a cycle, a person, an aggregate). A projection
turns each domain event into row changes and writes them through its view *with
the tracking position in the same transaction*, so every event is applied exactly
once: a crash before commit leaves neither the rows nor the position, and a second
delivery of the same position is refused by the tracking table.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import types
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Mapper, Notification, Tracking, TrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.canonical import canonical_json, canonical_json_bytes

Doc = dict[str, Any]


class Put(NamedTuple):
    """Insert or replace one row (a named tuple: a catch-up makes one per event, and a
    frozen dataclass took three times as long to build)."""

    kind: str
    key: str
    doc: Doc
    partition: str = ""
    position: int | None = None  # default: the position written with it


@dataclass(frozen=True)
class Delete:
    kind: str
    key: str


RowChange = Put | Delete

# A new row already in storage form: (kind, key, partition, position, canonical JSON doc).
# For projections that write many rows they never read back (the audit trail): no
# Put object, overlay entry or second encoding per row.
EncodedRow = tuple[str, str, str, int, str]


@dataclass(frozen=True)
class Row:
    kind: str
    key: str
    partition: str
    doc: Doc = field(hash=False)


class ReadModelView(TrackingRecorder, ABC):
    """A materialised view: rows of one read model plus its tracking position.

    ``find`` returns rows in the order they were last written (notification order),
    which is what audit trails and outboxes need.
    """

    # Whether a batch may commit in another thread while the runner reads this view's
    # other rows and projects the next batch (a store with a connection per transaction).
    concurrent_writes = False

    @abstractmethod
    def get(self, kind: str, key: str) -> Doc | None:
        """One row's document, or None."""

    def get_for_update(self, kind: str, key: str) -> Doc | None:
        """One row's document for a handler that changes it and writes it back in the
        same event (a batch may then hand over its own copy instead of a deep copy)."""
        return self.get(kind, key)

    @abstractmethod
    def find(self, kind: str, partition: str | None = None) -> list[Doc]:
        """Every row of a kind (in one partition), in write order."""

    @abstractmethod
    def find_keys(self, kind: str, partition: str) -> list[str]:
        """The keys of a kind's rows in one partition, in write order (index rows whose
        key names what they index)."""

    @abstractmethod
    def find_positions(self, kind: str, keys: Sequence[str]) -> dict[str, int]:
        """The position of each of the kind's rows among the keys (absent keys left out)."""

    @abstractmethod
    def write_with_tracking(self, changes: Sequence[RowChange], tracking: Tracking,
                            encoded: Sequence[EncodedRow] = ()) -> None:
        """Applies the changes, then puts the encoded rows, and records the position
        atomically.

        Raises eventsourcing's IntegrityError, changing nothing, when the position
        is not past the recorded one (the event was already applied).
        """

    def write_batch(self, deletes: Sequence[RowChange], tracking: Tracking,
                    upserts: Sequence[EncodedRow], appends: Sequence[EncodedRow]) -> None:
        """A batch's net changes in one transaction, as ``write_with_tracking`` would:
        the deletes, then rows that may replace stored ones, then rows whose keys were
        new when their events wrote them (a view may insert those without a conflict
        check)."""
        self.write_with_tracking(deletes, tracking, [*upserts, *appends])

    @abstractmethod
    def rows(self) -> list[Row]:
        """Every row, sorted by kind and key: what the digest covers."""

    @abstractmethod
    def reset(self) -> None:
        """Forgets every row and position, for a rebuild from zero."""

    def encoded_rows(self) -> Iterable[tuple[str, str, str, str]]:
        """(kind, key, partition, canonical JSON of the doc), sorted by kind and key.

        Views that store the canonical text return it as stored: the digest then
        skips decoding and re-encoding every row.
        """
        return ((r.kind, r.key, r.partition, canonical_json(r.doc)) for r in self.rows())


def digest(view: ReadModelView) -> str:
    """SHA-256 over the view's rows in a canonical encoding (positions excluded).

    Two views built from the same history have the same digest, whichever store
    they live in and whatever notification ids the events got there.
    """
    sha, parts = hashlib.sha256(), list[bytes]()
    for kind, key, partition, doc in view.encoded_rows():
        # Byte for byte canonical_json([kind, key, partition, doc]) + "\n"; hashed a few
        # thousand rows at a time.
        parts += _row_head(kind, key, partition)[:-1], b",", doc.encode(), b"]\n"
        if len(parts) >= 4096:
            sha.update(b"".join(parts))
            parts.clear()
    sha.update(b"".join(parts))
    return sha.hexdigest()


def _row_head(kind: str, key: str, partition: str) -> bytes:
    """``canonical_json_bytes([kind, key, partition])``, three plain strings straight to
    orjson (which writes them as json.dumps does, and refuses lone surrogates)."""
    if type(kind) is str and type(key) is str and type(partition) is str:
        try:
            return orjson.dumps((kind, key, partition))
        except orjson.JSONEncodeError:
            pass
    return canonical_json_bytes([kind, key, partition])


def topics_of(*event_classes: type[Any]) -> tuple[str, ...]:
    return tuple(get_topic(cls) for cls in event_classes)


class SharedDecode(Mapper[Any]):
    """The store's mapper, decoding each notification of a batch once for every read
    model that asks (a projection reading the stored JSON itself may ask ``decoded``
    whether another one already did)."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        super().__init__(mapper.transcoder, mapper.compressor, mapper.cipher)
        self._mapper = mapper
        self._events: dict[int, Any] = {}

    def to_domain_event(self, stored_event: Any) -> Any:
        if not isinstance(stored_event, Notification):
            return self._mapper.to_domain_event(stored_event)
        event = self._events.get(stored_event.id)
        if event is None:
            event = self._events[stored_event.id] = self._mapper.to_domain_event(stored_event)
        return event

    def decoded(self, notification: Notification) -> Any | None:
        return self._events.get(notification.id)

    def forget(self) -> None:
        self._events.clear()


class ReadModelProjection(Projection[ReadModelView]):
    """Base for our projections: subclasses register handlers on ``process_event``.

    Each handler computes row changes from the event (reading the view as needed;
    one runner writes a view at a time) and calls ``self.write``. Events without a
    handler only advance the position.
    """

    name = "read_model"
    # A read model of the domain's state: a replay into a fresh store must rebuild it equal.
    compared_in_replay = True
    # Notifications per transaction in a catch-up (a crash redoes at most one batch).
    batch_size = 500
    # As-of reads start from checkpoints of the whole view (``projections.as_of_checkpoints``);
    # off where the view grows with every event and is read as of an instant another way.
    as_of_checkpoints = True

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    def process_notification(self, notification: Notification, tracking: Tracking,
                             mapper: Mapper[Any]) -> None:
        """What the runner calls for each notification: decodes it and hands the event to
        ``process_event``. A projection that needs only a few fields of the stored state
        may override it and skip the mapper's full decode (the audit trail does)."""
        event = mapper.to_domain_event(notification)
        self._handler(type(event))(event, tracking)

    def _handler(self, event_class: type) -> Callable[[Any, Tracking], None]:
        """``process_event`` for events of the class, looked up once per class: on Python
        3.11 every access to a singledispatchmethod builds a new wrapper function."""
        handlers: dict[type, Callable[[Any, Tracking], None]] = self.__dict__.setdefault(
            "_handlers", {})
        handler = handlers.get(event_class)
        if handler is None:
            bound = self.process_event  # eventsourcing registers deferred handlers here
            method = inspect.getattr_static(type(self), "process_event")
            if isinstance(method, functools.singledispatchmethod):
                handler = types.MethodType(method.dispatcher.dispatch(event_class), self)
            else:
                handler = bound
            handlers[event_class] = handler
        return handler

    def write(self, tracking: Tracking, changes: Iterable[RowChange],
              encoded: Sequence[EncodedRow] = ()) -> None:
        self.view.write_with_tracking(list(changes), tracking, encoded)

    @contextmanager
    def writing_to(self, view: ReadModelView) -> Iterator[None]:
        """Points the projection at another view for a while (the runner's batches)."""
        live, self._view = self._view, view
        try:
            yield
        finally:
            self._view = live
