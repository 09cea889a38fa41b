"""The command bus: every command, a person's or the system's, runs the same way.

1. The handler loads what it needs and names the command's target aggregate.
2. It establishes in which capacity the issuer acts (``Session.act_as``): the roles a
   person holds on the day, or the system for a system command. Only then does the
   bus answer a repeated command id as a duplicate (nothing new is recorded) and check
   the optimistic ``expected_version``.
3. The handler calls the aggregates' methods, which check their rules and record events.
4. The bus saves every changed aggregate in one atomic write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from application.ports import AbstractEventStore
from domain import command_identity
from domain.base import Actor, AuditedAggregate, Cause
from domain.command_identity import SYSTEM_PERSON
from domain.commands import Command
from domain.errors import (
    CommandIdReusedError,
    ConcurrencyConflictError,
    DomainError,
    NotAuthorisedError,
)
from domain.organisation import Organisation
from domain.system_commands import SystemCommand

A = TypeVar("A", bound=AuditedAggregate)
Handler = Callable[[Any, "Session"], None]


@dataclass(frozen=True)
class CommandResult:
    """The target aggregate's version after the command, and the events it recorded there
    (on a duplicate: the events the first run recorded)."""

    aggregate_id: UUID
    version: int
    duplicate: bool = False
    recorded: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Issuer:
    """Who sent the command: a person, or the system (workflows, imports)."""

    person_id: str
    is_system: bool = False


SYSTEM = Issuer(SYSTEM_PERSON, is_system=True)


class _AlreadyHandled(Exception):
    def __init__(self, target: AuditedAggregate, identity: str) -> None:
        self.target = target
        self.identity = identity


class Session:
    """One command's unit of work: what it read, its target, and what it changed."""

    def __init__(self, store: AbstractEventStore, command: Command, issuer: Issuer) -> None:
        self.store = store
        self.command = command
        self.issuer = issuer
        self.now = store.clock()
        self.target_id: UUID | None = None
        self.target_aggregate: AuditedAggregate | None = None
        self._also: list[AuditedAggregate] = []
        self._cause: Cause | None = None
        self.identity = command_identity.identity(issuer.person_id, command.command_id,
                                                  system=issuer.is_system)
        self.fingerprint = command_identity.fingerprint(
            type(command).__name__, command.model_dump(mode="json"))

    @property
    def when(self) -> datetime:
        """The instant the command takes effect: authority is judged on this day."""
        return self.command.occurred_at or self.now

    def load(self, aggregate_id: UUID, kind: type[A]) -> A:
        return self.store.get(aggregate_id, kind)

    def load_if_exists(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        return self.store.get(aggregate_id, kind) if self.store.exists(aggregate_id) else None

    def organisation(self, namnd_code: str) -> Organisation:
        return self.store.organisation(namnd_code)

    def target(self, aggregate_id: UUID, kind: type[A]) -> A:
        """The aggregate the command is about: its record of handled command ids is
        what makes a repeated command a duplicate."""
        aggregate = self.load(aggregate_id, kind)
        self.target_id, self.target_aggregate = aggregate_id, aggregate
        return aggregate

    def target_if_exists(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """For a command that creates its target: None while it does not exist."""
        aggregate = self.load_if_exists(aggregate_id, kind)
        self.target_id, self.target_aggregate = aggregate_id, aggregate
        return aggregate

    def act_as(self, actor: Actor) -> Cause:
        """The issuer acts as ``actor`` (authority established): a repeated command ends
        here as a duplicate, a stale ``expected_version`` as a conflict."""
        if self.target_id is None:
            raise RuntimeError(f"{type(self.command).__name__}: the handler names no target")
        self._check_actor(actor)
        target, command = self.target_aggregate, self.command
        if target is not None and target.handled_command(self.identity):
            if target.command_fingerprint(self.identity) not in (None, self.fingerprint):
                raise CommandIdReusedError(
                    f"Kommando-id {command.command_id!r} har redan använts för ett annat "
                    "kommando; välj ett nytt id", rule="command_id_reused")
            raise _AlreadyHandled(target, self.identity)
        if (target is not None and command.expected_version is not None
                and command.expected_version != target.version):
            raise ConcurrencyConflictError(
                f"Versionen har ändrats ({command.expected_version} → {target.version}); "
                "ladda om och försök igen")
        self._cause = Cause(
            actor=actor, occurred_at=self.when, recorded_at=self.now,
            command_id=command_identity.recorded(self.identity, self.fingerprint))
        return self._cause

    def _check_actor(self, actor: Actor) -> None:
        if self.issuer.is_system != (actor.person_id == SYSTEM_PERSON) or (
                not self.issuer.is_system and actor.person_id != self.issuer.person_id):
            raise NotAuthorisedError(
                f"{self.issuer.person_id} kan inte agera som {actor.person_id}",
                rule="actor_is_not_issuer")

    def created(self, aggregate: A) -> A:
        """The target the command created."""
        if aggregate.id != self.target_id:
            raise RuntimeError(f"created {aggregate.id}, the target is {self.target_id}")
        self.target_aggregate = aggregate
        return aggregate

    def also(self, *aggregates: AuditedAggregate) -> None:
        """Further aggregates the command changes, saved with the target in one write."""
        self._also.extend(aggregates)

    def changed(self) -> list[AuditedAggregate]:
        candidates = [self.target_aggregate, *self._also]
        return [a for a in candidates if a is not None and a.pending_events]


class CommandBus:
    """Dispatches each command type to its handler (application/handlers.py)."""

    def __init__(self, store: AbstractEventStore, handlers: Mapping[type[Command], Handler]
                 ) -> None:
        self.store = store
        self._handlers = dict(handlers)

    def execute(self, command: Command, person_id: str) -> CommandResult:
        """A person's command (API, CLI, dashboard)."""
        if isinstance(command, SystemCommand):
            raise NotAuthorisedError(
                f"{type(command).__name__} registreras endast av systemet",
                rule="system_command")
        return self._run(command, Issuer(person_id))

    def execute_system(self, command: SystemCommand) -> CommandResult:
        """A fact a workflow established (through its activity)."""
        return self._run(command, SYSTEM)

    def handles(self, command_type: type[Command]) -> bool:
        return command_type in self._handlers

    def _run(self, command: Command, issuer: Issuer) -> CommandResult:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise TypeError(f"No handler for {type(command).__name__}")
        with self.store.command_scope():
            session = Session(self.store, command, issuer)
            try:
                handler(command, session)
            except _AlreadyHandled as done:
                return self._duplicate(done.target, done.identity)
        target = session.target_aggregate
        if target is None:
            raise RuntimeError(f"{type(command).__name__}: the handler recorded no target")
        changed = session.changed()
        recorded = tuple(target.pending_events)
        if changed:
            try:
                self.store.save_changes(*changed)
            except ConcurrencyConflictError:
                # A concurrent delivery of the same command may have won the race.
                current = self.store.get(target.id, type(target))
                if current.handled_command(session.identity):
                    return self._duplicate(current, session.identity)
                raise
        return CommandResult(target.id, target.version, recorded=recorded)

    def _duplicate(self, target: AuditedAggregate, identity: str) -> CommandResult:
        recorded = tuple(
            e for e in self.store.aggregate_events(target.id) if e.command_id is not None
            and command_identity.parse(e.command_id, e.actor.person_id)[0] == identity)
        return CommandResult(target.id, target.command_version(identity), duplicate=True,
                             recorded=recorded)


def setup_cause(store: AbstractEventStore, actor: Actor) -> Cause:
    """The cause of a set-up step (an import): idempotent by content, not by command id."""
    now = store.clock()
    return Cause(actor=actor, occurred_at=now, recorded_at=now)


def refusal(store: AbstractEventStore, command: Command, handler: Handler,
            person_id: str) -> DomainError | None:
    """What the handler would refuse the person, nothing saved (the store hands out
    copies): a page offers a command only when this is None, so it cannot disagree."""
    try:
        handler(command, Session(store, command, Issuer(person_id)))
    except DomainError as refused:
        return refused
    return None
