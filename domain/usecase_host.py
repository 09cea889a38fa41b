"""What the delegation and meeting use-case mixins need from ``Arsplaner``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from domain.base import Actor, AuditedAggregate, Cause
from domain.commands import Command
from domain.delegation_ids import delegation_ledger_id
from domain.delegation_ledger import DelegationLedger

if TYPE_CHECKING:
    from domain.application import CommandResult
    from domain.cycle import Cycle
    from domain.organisation import Organisation

A = TypeVar("A", bound=AuditedAggregate)
SECRETARY_ROLES = ("namndsekreterare", "ordforande")


class ApplicationHost:
    """Declares the application methods the mixins call; ``Arsplaner`` defines them."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def get(self, aggregate_id: UUID, kind: type[A], version: int | None = None) -> A: ...
        def exists(self, aggregate_id: UUID) -> bool: ...
        def _save(self, *aggregates: AuditedAggregate) -> None: ...
        def _cause(self, actor: Actor, command: Command | None = None,
                   occurred_at: datetime | None = None,
                   command_id: str | None = None) -> Cause: ...
        def _change(self, aggregate_id: UUID, kind: type[A], command: Command,
                    act: Callable[[A], None]) -> CommandResult: ...
        def organisation(self, namnd_code: str) -> Organisation: ...
        def any_capacity(self, person_id: str, roles: tuple[str, ...], namnd_code: str,
                         on: datetime) -> Actor: ...
        def record_cycle_fact(self, cycle_id: UUID, idempotency_key: str,
                              occurred_at: datetime, act: Callable[[Cycle, Cause], None],
                              actor: Actor | None = None) -> CommandResult: ...

    def delegation_ledger(self, namnd_code: str) -> DelegationLedger:
        lid = delegation_ledger_id(namnd_code)
        if self.exists(lid):
            return self.get(lid, DelegationLedger)
        return DelegationLedger.open(namnd_code, self._cause(Actor.system("delegation")))
