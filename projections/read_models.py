"""Every read model's view, opened on the event store's own database.

``PROJECTIONS`` lists the projections the runner keeps up to date; a new read
model is one more line here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import Environment

from infrastructure.eventstore.environment import creates_tables
from projections.audit_trail import AuditTrailProjection
from projections.base import ReadModelProjection, ReadModelView
from projections.delegation_register import DelegationRegisterProjection
from projections.reminders import ReminderOutboxProjection
from projections.reporting import ReportingProjection
from projections.transparency_log import TransparencyLogProjection
from projections.views import POPOReadModelView, PostgresReadModelView, SQLiteReadModelView

PROJECTIONS: list[type[ReadModelProjection]] = [
    ReportingProjection,
    AuditTrailProjection,
    ReminderOutboxProjection,
    DelegationRegisterProjection,
    TransparencyLogProjection,
]
P = TypeVar("P", bound=ReadModelProjection)


def open_view(name: str, datastore: Any, create: bool = True) -> ReadModelView:
    """The view class for the store the datastore belongs to (None: in memory)."""
    view: ReadModelView
    if isinstance(datastore, SQLiteDatastore):
        view = SQLiteReadModelView(datastore, name=name)
    elif isinstance(datastore, PostgresDatastore):
        view = PostgresReadModelView(datastore, tracking_table_name=f"{name}_tracking")
    else:
        return POPOReadModelView(name)
    if create:
        view.create_table()
    return view


class ReadModels:
    """The projections with their views, sharing one connection pool to the store."""

    def __init__(self, env: Mapping[str, str],
                 projection_classes: Sequence[type[ReadModelProjection]] = PROJECTIONS) -> None:
        module = env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
        self._factory: InfrastructureFactory[Any] | None = None
        datastore = None
        if not module.endswith("popo"):
            self._factory = InfrastructureFactory.construct(Environment(env=dict(env)))
            datastore = self._factory.datastore  # type: ignore[attr-defined]
        self.datastore: Any = datastore  # the views' shared one (None: in memory)
        self.projections: list[ReadModelProjection] = [
            cls(view=open_view(cls.name, datastore, creates_tables(env)))
            for cls in projection_classes]

    @classmethod
    def for_app(cls, app: Application[Any],
                projection_classes: Sequence[type[ReadModelProjection]] = PROJECTIONS
                ) -> ReadModels:
        return cls(dict(app.env), projection_classes)

    def projection(self, projection_class: type[P]) -> P:
        for p in self.projections:
            if isinstance(p, projection_class):
                return p
        raise KeyError(projection_class.name)

    def view(self, projection_class: type[ReadModelProjection]) -> ReadModelView:
        return self.projection(projection_class).view

    def close(self) -> None:
        if self._factory is not None:
            self._factory.close()
