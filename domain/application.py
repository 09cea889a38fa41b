"""Arsplaner: the use cases. Load, check authority and rules, record, save."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, JSONTranscoder
from eventsourcing.utils import resolve_topic

from domain import commands as c
from domain.arsplan import Arsplan, Milestone, PlannedCycle
from domain.base import Actor, AuditedAggregate, Cause
from domain.calendar import end_of_day, local_date
from domain.chain import BrokenLink, verify_sequence
from domain.cycle import Cycle
from domain.delegation_rows import role_label
from domain.delegation_usecases import DelegationUseCases
from domain.errors import ConcurrencyConflictError, NotAuthorisedError, NotFoundError
from domain.ids import arsplan_id, cycle_id, organisation_id, report_template_id, unit_report_id
from domain.organisation import CHEF_ROLE_BY_KIND, Organisation, RoleAssignment
from domain.projector import project_events
from domain.read_cache import FastForwardCache, StateCache
from domain.report_template import ReportTemplate
from domain.store_reads import READ_TOGETHER_TOPIC, SelectAfter, StoreReads
from domain.transcodings import register_domain_transcodings
from domain.unit_report import UnitReport

A = TypeVar("A", bound=AuditedAggregate)
# Environment key: "module:callable" taking (recorder, env), returning the recorder to use.
RECORDER_DECORATOR_TOPIC = "RECORDER_DECORATOR_TOPIC"
# Environment key: how many aggregates' current state commands keep in memory (0: none).
STATE_CACHE_MAXSIZE = "STATE_CACHE_MAXSIZE"
DEFAULT_STATE_CACHE_MAXSIZE = 10_000
Clock = Callable[[], datetime]
CYCLE_ADMIN_ROLES = ("forvaltningschef", "stallforetradande_forvaltningschef", "controller")


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


@dataclass(frozen=True)
class CommandResult:
    aggregate_id: UUID
    version: int
    duplicate: bool = False


class Arsplaner(DelegationUseCases, Application[UUID]):
    """The årsplan's event-sourced application: the one way to change the record."""

    name = "arsplan"

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
        # The store's environment may name a decorator for the recorder (group commit:
        # infrastructure/group_commit.py). Named by topic, as eventsourcing names its cipher,
        # so the domain imports no infrastructure.
        recorder = super().construct_recorder()
        topic = self.env.get(RECORDER_DECORATOR_TOPIC)
        return resolve_topic(topic)(recorder, self.env) if topic else recorder

    def _select_after(self) -> SelectAfter | None:
        topic = self.env.get(READ_TOGETHER_TOPIC)
        if not topic:
            return None
        select = resolve_topic(topic)
        return lambda requests: select(self.recorder, requests)

    # Loading and saving

    def get(self, aggregate_id: UUID, kind: type[A], version: int | None = None) -> A:
        try:
            if version is None and not self._snapshotted_automatically(kind):
                aggregate: Any = self._from_events(aggregate_id)
            else:
                aggregate = self.repository.get(aggregate_id, version=version,
                                                projector_func=project_events)
        except AggregateNotFoundError:
            raise NotFoundError(f"{kind.__name__} {aggregate_id} finns inte") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"{aggregate_id} är inte en {kind.__name__}")
        return aggregate

    def _snapshotted_automatically(self, kind: type[Any]) -> bool:
        return any(issubclass(k, kind) for k in self.snapshotting_intervals or ())

    def _from_events(self, aggregate_id: UUID) -> Any:
        """The current state from events alone. Kinds without automatic snapshots have no
        snapshot worth a round trip for a current read (only as-of reads use the manual ones),
        and every command loads its aggregate this way: from the state cache, decoding only
        the events recorded since."""
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

    def _cause(self, actor: Actor, command: c.Command | None = None,
               occurred_at: datetime | None = None, command_id: str | None = None) -> Cause:
        now = self.clock()
        when = occurred_at or (command.occurred_at if command else None) or now
        cid = command_id or (command.command_id if command else None)
        return Cause(actor=actor, occurred_at=when, command_id=cid, recorded_at=now)

    def _save(self, *aggregates: AuditedAggregate) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise ConcurrencyConflictError(
                "Någon annan har ändrat samma sak samtidigt; ladda om och försök igen"
            ) from None

    def _change(self, aggregate_id: UUID, kind: type[A], command: c.Command,
                act: Callable[[A], Sequence[AuditedAggregate] | None]) -> CommandResult:
        """Runs one command against one aggregate: idempotent and version-checked.

        ``act`` may return further aggregates it changed; all are saved atomically.
        """
        with self._reads.scope():  # the aggregate and its organisation in one round trip
            aggregate = self.get(aggregate_id, kind)
            if aggregate.handled_command(command.command_id):
                return CommandResult(aggregate.id,
                                     aggregate._command_versions[command.command_id],
                                     duplicate=True)
            if (command.expected_version is not None
                    and command.expected_version != aggregate.version):
                raise ConcurrencyConflictError(
                    f"Versionen har ändrats ({command.expected_version} → "
                    f"{aggregate.version}); ladda om och försök igen"
                )
            also = act(aggregate) or ()
        try:
            self.save(aggregate, *also)
        except IntegrityError:
            # A concurrent delivery of the same command may have won the race.
            current = self.get(aggregate_id, kind)
            if current.handled_command(command.command_id):
                return CommandResult(current.id,
                                     current._command_versions[command.command_id],
                                     duplicate=True)
            raise ConcurrencyConflictError(
                "Någon annan har ändrat samma sak samtidigt; ladda om och försök igen"
            ) from None
        return CommandResult(aggregate.id, aggregate.version)

    # Authority

    def organisation(self, namnd_code: str) -> Organisation:
        """Read-only: shared between commands, brought up to date on every call."""
        return self._organisations.get(organisation_id(namnd_code))

    def capacity(self, person_id: str, role: str, namnd_code: str, unit_id: str | None,
                 on: datetime, org: Organisation | None = None) -> Actor:
        org = org or self.organisation(namnd_code)
        if unit_id is None:
            raise NotAuthorisedError(f"Ingen {role_label(role)} finns för denna nivå",
                                     rule="no_such_role")
        actor = org.acting_capacity(person_id, role, unit_id, local_date(on))
        if actor is None:
            person = org.people.get(person_id, {}).get("name", person_id)
            unit = org.units[unit_id].name if unit_id in org.units else unit_id
            raise NotAuthorisedError(
                f"{person} innehar inte rollen {role_label(role)} för {unit} "
                f"den {local_date(on).isoformat()} (varken ordinarie eller ersättare)",
                rule="role_not_held",
            )
        return actor

    def any_capacity(self, person_id: str, roles: tuple[str, ...], namnd_code: str,
                     on: datetime) -> Actor:
        org = self.organisation(namnd_code)
        for a in org.roles_of(person_id, local_date(on)):
            if a.role in roles:
                return Actor(person_id, a.role, a.unit_id, a.substitute_for)
        person = org.people.get(person_id, {}).get("name", person_id)
        raise NotAuthorisedError(
            f"{person} har ingen av rollerna {', '.join(role_label(r) for r in roles)} "
            f"i {namnd_code} "
            f"den {local_date(on).isoformat()}",
            rule="role_not_held",
        )

    # Person commands

    def execute(self, command: c.Command, person_id: str) -> CommandResult:
        handler = self._handlers().get(type(command))
        if handler is None:
            raise TypeError(f"No handler for {type(command).__name__}")
        return handler(command, person_id)

    def _handlers(self) -> dict[type[c.Command], Callable[[Any, str], CommandResult]]:
        return {
            c.ChangeItem: self._change_item,
            c.Klarmarkera: self._klarmarkera,
            c.Godkann: self._godkann,
            c.Atersand: self._atersand,
            c.Reopen: self._reopen,
            c.MoveReportDeadline: self._move_report_deadline,
            c.OpenCycle: self._open_cycle,
            c.MoveCycleDeadline: self._move_cycle_deadline,
            c.RecordIndicator: self._record_indicator,
            c.SetBedomning: self._set_bedomning,
            c.RecordEkonomi: self._record_ekonomi,
            c.MoveMilestone: self._move_milestone,
        }

    def _as_owner(self, report: UnitReport, person_id: str, cmd: c.Command,
                  org: Organisation | None = None) -> Cause:
        when = cmd.occurred_at or self.clock()
        actor = self.capacity(person_id, report.owner_role, report.namnd_code, report.unit_id,
                              when, org)
        return self._cause(actor, cmd)

    def _as_attester(self, report: UnitReport, person_id: str, cmd: c.Command) -> Cause:
        when = cmd.occurred_at or self.clock()
        role = report.attester_role or "attesterare"
        actor = self.capacity(person_id, role, report.namnd_code, report.parent_unit_id, when)
        return self._cause(actor, cmd)

    def _change_item(self, cmd: c.ChangeItem, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.change_item(cmd.item_id, cmd.field, cmd.value, self._as_owner(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _klarmarkera(self, cmd: c.Klarmarkera, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            # One organisation for the whole command: each read asks the store again.
            org = self.organisation(r.namnd_code)
            cause = self._as_owner(r, person_id, cmd, org)
            r.klarmarkera(cause, self.child_statuses(r, org), _unit_names(org))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _godkann(self, cmd: c.Godkann, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.godkann(self._as_attester(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _atersand(self, cmd: c.Atersand, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.atersand(cmd.reason, cmd.new_deadline, self._as_attester(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _reopen(self, cmd: c.Reopen, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.reopen(cmd.reason, self._as_owner(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _record_indicator(self, cmd: c.RecordIndicator, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.record_indicator(cmd.item_id, cmd.indicator.model_dump(),
                               self._as_owner(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _set_bedomning(self, cmd: c.SetBedomning, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.set_bedomning(cmd.item_id, cmd.bedomning, cmd.motivering,
                            self._as_owner(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _record_ekonomi(self, cmd: c.RecordEkonomi, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            r.record_ekonomi(cmd.model_dump(include={"kind", "columns", "rows"}),
                             self._as_owner(r, person_id, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _move_report_deadline(self, cmd: c.MoveReportDeadline, person_id: str) -> CommandResult:
        def act(r: UnitReport) -> None:
            actor = self.any_capacity(person_id, CYCLE_ADMIN_ROLES, r.namnd_code,
                                      cmd.occurred_at or self.clock())
            r.move_deadline(cmd.deadline_kind, cmd.new_deadline, cmd.reason,
                            self._cause(actor, cmd))
        return self._change(cmd.report_id, UnitReport, cmd, act)

    def _move_cycle_deadline(self, cmd: c.MoveCycleDeadline, person_id: str) -> CommandResult:
        def act(cy: Cycle) -> list[UnitReport]:
            actor = self.any_capacity(person_id, CYCLE_ADMIN_ROLES, cy.namnd_code,
                                      cmd.occurred_at or self.clock())
            cause = self._cause(actor, cmd)
            old = cy.deadlines[cmd.level]
            cy.move_deadline(cmd.level, cmd.new_deadline, cmd.reason, cause)
            # Reports of that level follow, except those whose deadline was moved on its own.
            following = [r for r in self._reports_of(cy)
                         if r.unit_kind == cmd.level and r.deadline == old]
            for r in following:
                r.move_deadline("klarmarkering", cmd.new_deadline, cmd.reason, cause)
            return following
        return self._change(cmd.cycle_id, Cycle, cmd, act)

    def _move_milestone(self, cmd: c.MoveMilestone, person_id: str) -> CommandResult:
        def act(plan: Arsplan) -> None:
            actor = self.any_capacity(person_id, CYCLE_ADMIN_ROLES, plan.namnd_code,
                                      cmd.occurred_at or self.clock())
            plan.move_milestone(
                cmd.milestone_id, cmd.start, cmd.end, cmd.reason, self._cause(actor, cmd),
                is_opened=lambda cy: self.exists(cycle_id(plan.namnd_code, cy.process, cy.year)))
        return self._change(arsplan_id(cmd.namnd_code, cmd.label), Arsplan, cmd, act)

    def _reports_of(self, cycle: Cycle) -> list[UnitReport]:
        return [self.get(unit_report_id(cycle.id, u), UnitReport) for u in cycle.unit_ids]

    def _open_cycle(self, cmd: c.OpenCycle, person_id: str) -> CommandResult:
        actor = self.any_capacity(person_id, CYCLE_ADMIN_ROLES, cmd.namnd_code,
                                  cmd.occurred_at or self.clock())
        return self.open_cycle(cmd, actor, item_template=self.report_template(cmd.namnd_code))

    def report_template(self, namnd_code: str) -> list[dict[str, Any]]:
        template_id = report_template_id(namnd_code)
        if not self.exists(template_id):
            return []
        return self.get(template_id, ReportTemplate).items

    def open_cycle(self, cmd: c.OpenCycle, actor: Actor,
                   item_template: list[dict[str, Any]]) -> CommandResult:
        """Opens the cycle and every unit's report in one atomic save."""
        existing_id = cycle_id(cmd.namnd_code, cmd.process, cmd.year)
        if self.exists(existing_id):
            existing = self.get(existing_id, Cycle)
            if existing.handled_command(cmd.command_id):
                return CommandResult(existing.id, existing.version, duplicate=True)
            raise ConcurrencyConflictError(f"Cykeln {existing.title} är redan öppnad")
        org = self.organisation(cmd.namnd_code)
        scope = cmd.unit_ids or [u.unit_id for u in org.units.values()
                                 if u.kind in CHEF_ROLE_BY_KIND]
        units = [org.unit(u) for u in scope]
        deadlines = {"enhet": end_of_day(cmd.enhet_deadline),
                     "avdelning": end_of_day(cmd.avdelning_deadline),
                     "forvaltning": end_of_day(cmd.forvaltning_deadline)}
        cause = self._cause(actor, cmd)
        cycle = Cycle.open(cmd.namnd_code, cmd.process, cmd.year, cmd.title, deadlines,
                           cmd.underlag_date, cmd.beslut_date, scope, item_template, cause)
        reports = [
            UnitReport.open(cycle.id, cmd.namnd_code, u.unit_id, u.kind, u.parent_id,
                            deadlines[u.kind], _items_for(u.kind, item_template), cause)
            for u in units
        ]
        try:
            self._save(cycle, *reports)
        except ConcurrencyConflictError:
            # A concurrent delivery of the same command may have opened it first.
            existing = self.get(existing_id, Cycle)
            if existing.handled_command(cmd.command_id):
                return CommandResult(existing.id, existing.version, duplicate=True)
            raise
        return CommandResult(cycle.id, cycle.version)

    def unit_names(self, namnd_code: str) -> dict[str, str]:
        """Unit id → name, for refusals that name units the way users know them."""
        return _unit_names(self.organisation(namnd_code))

    def child_statuses(self, report: UnitReport, org: Organisation | None = None
                       ) -> dict[str, str]:
        children = (org or self.organisation(report.namnd_code)).children(report.unit_id)
        if not children:  # an enhet: no cycle to read
            return {}
        cycle = self.get(report.cycle_id, Cycle)
        in_scope = set(cycle.unit_ids)
        return {
            child.unit_id: self.get(unit_report_id(cycle.id, child.unit_id), UnitReport).status
            for child in children if child.unit_id in in_scope
        }

    # Facts recorded by workflows (through activities), keyed by idempotency key.

    def record_workflow_fact(self, report_id: UUID, idempotency_key: str,
                             occurred_at: datetime,
                             act: Callable[[UnitReport, Cause], None]) -> CommandResult:
        cmd = c.Command(command_id=idempotency_key, occurred_at=occurred_at)
        return self._change(report_id, UnitReport, cmd,
                            lambda r: act(r, self._cause(Actor.system(), cmd)))

    def record_cycle_fact(self, cycle_id: UUID, idempotency_key: str, occurred_at: datetime,
                          act: Callable[[Cycle, Cause], None],
                          actor: Actor | None = None) -> CommandResult:
        cmd = c.Command(command_id=idempotency_key, occurred_at=occurred_at)
        return self._change(cycle_id, Cycle, cmd,
                            lambda cy: act(cy, self._cause(actor or Actor.system(), cmd)))

    # Set-up (imports run as the system, idempotently)

    def ensure_organisation(self, code: str, name: str, units: list[dict[str, Any]],
                            people: list[dict[str, Any]], assignments: list[RoleAssignment],
                            actor: Actor) -> CommandResult:
        """Creates the organisation or adds what is missing; re-running changes nothing."""
        oid = organisation_id(code)
        cause = self._cause(actor)
        org = self.get(oid, Organisation) if self.exists(oid) else Organisation.register(
            code, name, cause)
        for u in units:
            if u["unit_id"] not in org.units:
                org.add_unit(u["unit_id"], u["name"], u["kind"], u.get("parent_id"), cause)
        for p in people:
            if p["person_id"] not in org.people:
                org.register_person(p["person_id"], p["name"], p.get("email"), cause)
        for a in assignments:
            if a.assignment_id not in org.assignments:
                org.assign_role(a, cause)
        self._save(org)
        return CommandResult(org.id, org.version)

    def ensure_arsplan(self, namnd_code: str, label: str, milestones: list[Milestone],
                       actor: Actor, cycles: list[PlannedCycle] | None = None) -> CommandResult:
        """Adopts the plan once; ``cycles`` (re)defines which milestones date which cycle."""
        cause = self._cause(actor)
        plan = Arsplan.adopt(namnd_code, label, milestones, cause)
        if self.exists(plan.id):
            plan = self.get(plan.id, Arsplan)
        if cycles is not None:
            plan.define_cycles(cycles, cause)
        if not plan.pending_events:
            return CommandResult(plan.id, plan.version, duplicate=True)
        self._save(plan)
        return CommandResult(plan.id, plan.version)

    def ensure_report_template(self, namnd_code: str, items: list[dict[str, Any]],
                               actor: Actor) -> CommandResult:
        template_id = report_template_id(namnd_code)
        cause = self._cause(actor)
        if not self.exists(template_id):
            template = ReportTemplate.adopt(namnd_code, items, cause)
        else:
            template = self.get(template_id, ReportTemplate)
            template.revise(items, cause)
        self._save(template)
        return CommandResult(template.id, template.version)

    # Audit

    def aggregate_events(self, aggregate_id: UUID) -> Iterator[Any]:
        return iter(self.events.get(aggregate_id))

    def verify_aggregate(self, aggregate_id: UUID) -> BrokenLink | None:
        return verify_sequence(self.aggregate_events(aggregate_id))

    def today(self) -> date:
        return local_date(self.clock())


def _items_for(kind: str, template: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [dict(i) for i in template if kind in i.get("levels", ("enhet", "avdelning"))]
    if kind != "enhet":
        items.append({"item_id": "sammanfattning", "kind": "sammanfattning",
                      "title": "Sammanfattning", "levels": [kind]})
    return items


def _unit_names(org: Organisation) -> dict[str, str]:
    return {u.unit_id: u.name for u in org.units.values()}
