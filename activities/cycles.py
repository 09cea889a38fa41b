"""Activities of the CycleWorkflow: the plan, the underlag to KLK, the beslut to Platina."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, time
from typing import Any
from uuid import UUID

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from activities.heartbeat import heartbeating
from domain import system_commands as sc
from domain.calendar import STOCKHOLM, local_date
from domain.command_identity import system_identity
from domain.cycle import Cycle
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from infrastructure.adapters import OutboundDocument
from infrastructure.logging import get_logger
from reporting.compile import compile_underlag
from reporting.document import CompiledDocument
from workflows import activity_names as names
from workflows.levels import avdelning_groups
from workflows.payloads import (
    AvdelningShare,
    AvdelningShareRef,
    AvdelningShareRequest,
    CycleFact,
    CyclePlan,
    UnitRef,
)

UNDERLAG_HOUR = 8


class CycleActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    def _cycle(self, cycle_id: str) -> Cycle:
        return self.deps.store.get(UUID(cycle_id), Cycle)

    def _refs(self, cycle: Cycle, org: Organisation, unit_ids: list[str]) -> list[UnitRef]:
        """The plan's entry of each unit, with its report's status as stored now."""
        refs = []
        for unit_id in unit_ids:
            report = self.deps.store.get(unit_report_id(cycle.id, unit_id), UnitReport)
            refs.append(_skeleton(cycle, org, unit_id).model_copy(update={
                "report_id": str(report.id), "status": report.status, "done": report.done}))
        return refs

    def _plan(self, cycle_id: str, cycle: Cycle, units: list[UnitRef],
              shares: list[AvdelningShareRef] | None = None) -> CyclePlan:
        underlag_at = datetime.combine(cycle.underlag_date, time(UNDERLAG_HOUR),
                                       tzinfo=STOCKHOLM)
        return CyclePlan(cycle_id=cycle_id, namnd_code=cycle.namnd_code,
                         title=cycle.title, status=cycle.status,
                         underlag_at=self.deps.timeline.to_workflow(underlag_at),
                         beslut_date=cycle.beslut_date, units=units, shares=shares)

    @activity.defn(name=names.LOAD_CYCLE)
    @heartbeating
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        """Every unit of the cycle (cycles begun before the plan by share)."""
        def read() -> CyclePlan:
            cycle = self._cycle(cycle_id)
            org = self.deps.store.organisation(cycle.namnd_code)
            return self._plan(cycle_id, cycle, self._refs(cycle, org, list(cycle.unit_ids)))

        return await in_domain(read)

    @activity.defn(name=names.LOAD_CYCLE_OUTLINE)
    @heartbeating
    async def load_cycle_outline(self, cycle_id: str) -> CyclePlan:
        """The units the cycle starts itself and the avdelningar whose workflows load
        their own enheter (``load_avdelning_share``): grouped as ``avdelning_groups``."""
        def read() -> CyclePlan:
            cycle = self._cycle(cycle_id)
            org = self.deps.store.organisation(cycle.namnd_code)
            groups = avdelning_groups([_skeleton(cycle, org, u) for u in cycle.unit_ids])
            shared = {e.unit_id for g in groups for e in g.enheter}
            units = self._refs(cycle, org, [u for u in cycle.unit_ids if u not in shared])
            by_id = {u.unit_id: u for u in units}
            return self._plan(cycle_id, cycle, units, [
                AvdelningShareRef(avdelning_id=g.avdelning_id,
                                  avdelning=by_id.get(g.avdelning_id)) for g in groups])

        return await in_domain(read)

    @activity.defn(name=names.LOAD_AVDELNING_SHARE)
    @heartbeating
    async def load_avdelning_share(self, request: AvdelningShareRequest) -> AvdelningShare:
        """The cycle's enheter under one avdelning (its share of the outline)."""
        def read() -> AvdelningShare:
            cycle = self._cycle(request.cycle_id)
            org = self.deps.store.organisation(cycle.namnd_code)
            members = [u for u in cycle.unit_ids
                       if org.unit(u).parent_id == request.avdelning_id]
            return AvdelningShare(enheter=self._refs(cycle, org, members))

        return await in_domain(read)

    @activity.defn(name=names.SEND_UNDERLAG)
    @heartbeating
    async def send_underlag(self, fact: CycleFact) -> None:
        """Compiles the förvaltning's underlag as of now and delivers it to KLK, once."""
        store, klk = self.deps.store, self.deps.klk
        when = self.deps.timeline.to_domain(fact.occurred_at)
        log = get_logger(cycle_id=fact.cycle_id, key=fact.key)

        def send() -> None:
            if self._cycle(fact.cycle_id).handled_command(system_identity(fact.key)):
                return  # delivered and recorded by an earlier attempt
            compiled = compile_underlag(store, UUID(fact.cycle_id))
            sha = hashlib.sha256(compiled.content).hexdigest()
            reference = klk.deliver(OutboundDocument(compiled.filename, compiled.content,
                                                     compiled.media_type), fact.key)
            self.deps.bus.execute_system(sc.RecordUnderlagSent(
                command_id=fact.key, occurred_at=when, cycle_id=UUID(fact.cycle_id),
                destination=klk.name, reference=reference, document_sha256=sha))
            log.info("underlag_sent", destination=klk.name, reference=reference, sha256=sha)

        await in_domain(send)

    @activity.defn(name=names.EXPORT_BESLUT)
    @heartbeating
    async def export_beslut(self, fact: CycleFact) -> None:
        """Exports the beslut package (protokollsutdrag as JSON + the underlag) to Platina."""
        store, platina = self.deps.store, self.deps.platina
        when = self.deps.timeline.to_domain(fact.occurred_at)

        def export() -> None:
            cycle = self._cycle(fact.cycle_id)
            if cycle.handled_command(system_identity(fact.key)):
                return
            # The package carries the underlag exactly as it was sent (same bytes, same hash).
            sent_at = next(e.timestamp for e in store.aggregate_events(cycle.id)
                           if isinstance(e, Cycle.UnderlagSent))
            underlag = compile_underlag(store, cycle.id, as_of=sent_at)
            head = self.deps.tree_heads.current() if self.deps.tree_heads else None
            package = beslut_package(cycle, underlag, when, head)
            reference = platina.deliver(package, fact.key)
            self.deps.bus.execute_system(sc.RecordBeslutExported(
                command_id=fact.key, occurred_at=when, cycle_id=cycle.id,
                destination=platina.name, reference=reference))
            get_logger(cycle_id=fact.cycle_id, key=fact.key).info(
                "beslut_exported", destination=platina.name, reference=reference)

        await in_domain(export)


def _skeleton(cycle: Cycle, org: Organisation, unit_id: str) -> UnitRef:
    """A unit's place in the plan (kind, parent within the cycle), before its report is read."""
    unit = org.unit(unit_id)
    parent = unit.parent_id if unit.parent_id in cycle.unit_ids else None
    return UnitRef(unit_id=unit_id, kind=unit.kind, parent_unit_id=parent, report_id="",
                   status="")


def beslut_package(cycle: Cycle, underlag: CompiledDocument, when: datetime,
                   tree_head: dict[str, Any] | None = None) -> OutboundDocument:
    """A zip with the beslut's metadata, the underlag and, when the log is signed, its
    signed head (tree_head.json) kept with the diarium's copy, outside our database."""
    filename, content = underlag.filename, underlag.content
    manifest = {
        "cycle_id": str(cycle.id), "namnd": cycle.namnd_code, "title": cycle.title,
        "beslut": cycle.beslut, "beslutsdatum": local_date(when).isoformat(),
        "underlag_reference": cycle.underlag_reference,
        "underlag_sha256": hashlib.sha256(content).hexdigest(), "underlag_file": filename,
    }
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    files = [("beslut.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()),
             (filename, content)]
    if tree_head is not None:
        files.append(("tree_head.json", json.dumps(tree_head, indent=2).encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data)
    return OutboundDocument(
        f"beslut-{cycle.namnd_code.lower()}-{cycle.process}-{cycle.year}.zip",
        buffer.getvalue(), "application/zip")
