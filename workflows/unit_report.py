"""UnitReportWorkflow: drives one unit's report through klarmarkering and attest."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows import legacy
    from workflows.activity_options import ActivityRunner
    from workflows.payloads import (
        ClockRequest,
        ClockTick,
        DeadlineChange,
        ReminderPlan,
        ReminderPlanRequest,
        RemindersSkipped,
        ReportEvent,
        ReportFact,
        ReportProgress,
        ReportSnapshot,
        Task,
        UnitReportInput,
        UnitReportStatus,
    )

# Short store writes: a worker killed inside one gets it retried elsewhere after this.
ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Histories recorded before it never recorded the reminders a moved deadline skipped.
RECORD_SKIPPED_PATCH = "unit-report-records-skipped-reminders"
# Runs that requested attest before it need the old branch (histories/*late_enhet, *_atersand).
ATTEST_WITH_PROGRESS_PATCH = "attest-without-waiting-for-progress"


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%M%S%z")


@workflow.defn
class UnitReportWorkflow:
    """One report in one cycle: remind, pass the deadline, escalate, request attest.

    The report's state comes from the event store (a snapshot at start, then the
    follower's signals, deduped by aggregate version), with the domain's answer to which
    task is open and whether the level above may go on. Each task (klarmarkera, then
    attestera for the parent chef) runs reminders before its deadline, records
    DeadlinePassed with an escalation at it, and reminds daily after. Återsänd
    loops back to klarmarkera with the new deadline; a moved deadline replans.
    Runs until the cycle closes it.

    Started with ``shared_clock`` (by an AvdelningWorkflow), it asks its parent to tick
    each instant of a task's plan and waits for that signal instead of a timer of its
    own; once a task's deadline moved for this report alone (``move_deadline``, an
    återsändning with a new deadline), that task keeps its own timers.
    """

    def __init__(self) -> None:
        self._report_id = ""
        self._unit_id = ""
        self._unit_kind = ""
        self._status = "ej_paborjad"
        self._task: Task | None = "klarmarkera"
        self._done = False
        self._version = 0
        self._deadline: datetime | None = None
        self._attest_deadline: datetime | None = None
        self._has_attester = True
        self._phase = "starting"
        self._seen: list[str] = []
        self._ignored = 0
        self._generation = 0
        self._closed = False
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT)
        self._fired: set[str] = set()
        self._attest_requested_for = -1
        self._reported_status: str | None = None
        self._klarmarkerad_version = 0
        self._planned: dict[str, datetime] = {}  # each task's deadline as last planned
        self._shared_clock = False
        self._ticked: datetime | None = None  # the latest instant the parent ticked
        self._own_deadline: set[Task] = set()  # tasks whose deadline moved for this report
        self._asking = 0  # clock requests in flight

    @workflow.run
    async def run(self, inp: UnitReportInput) -> UnitReportStatus:
        self._report_id = inp.report_id
        self._shared_clock = inp.shared_clock and workflow.info().parent is not None
        snap: ReportSnapshot = await self._activities.run(act.LOAD_REPORT, inp.report_id,
                                                          ReportSnapshot)
        self._adopt(snap)
        while not self._closed:
            together = (self._attestation_due() and self._progress_unreported()
                        and workflow.patched(ATTEST_WITH_PROGRESS_PATCH))
            if not together:
                await self._report_progress()
            if self._task == "klarmarkera":
                self._phase = "klarmarkering"
                await self._drive("klarmarkera")
            elif self._task == "attestera":
                self._phase = "attest"
                if await self._ensure_attestation_requested(with_progress=together):
                    await self._drive("attestera")
            else:
                self._phase = "klar"
                await self._until_status_changes()
        self._phase = "closed"
        return self.status()

    def _adopt(self, snap: ReportSnapshot) -> None:
        self._unit_id = snap.unit_id
        self._unit_kind = snap.unit_kind
        self._has_attester = snap.has_attester
        if snap.version > self._version:  # signals may have overtaken the snapshot
            self._version = snap.version
            self._set_status(snap.status, snap.open_task, snap.done)
            self._deadline = snap.deadline
            self._attest_deadline = snap.attest_deadline
            if self._task == "attestera" and snap.attest_deadline is not None:
                self._attest_requested_for = self._klarmarkerad_version
        self._deadline = self._deadline or snap.deadline

    def _set_status(self, status: str, task: Task | None, done: bool | None) -> None:
        self._status = status
        if done is None:  # a payload recorded before the domain's answers were passed
            task, done = (legacy.open_task(status, self._has_attester),
                          legacy.is_done(self._unit_kind, status))
        self._task, self._done = task, done

    # Signals, updates and queries

    @workflow.signal
    def report_event(self, event: ReportEvent) -> None:
        if event.version <= self._version:
            self._ignored += 1
            return
        self._version = event.version
        self._seen.append(event.event_id)
        if event.status is None:
            self._set_status(legacy.STATUS_AFTER[event.kind], None, None)
        else:
            self._set_status(event.status, event.open_task, event.done)
        if event.kind == "klarmarkerad":
            self._klarmarkerad_version = event.version
        if event.kind == "atersand" and event.new_deadline is not None:
            self._deadline = event.new_deadline
            self._own_deadline.add("klarmarkera")
            self._generation += 1

    @workflow.update
    def move_deadline(self, change: DeadlineChange) -> UnitReportStatus:
        if change.version <= self._version:
            self._ignored += 1
            return self.status()
        self._version = change.version
        self._seen.append(change.event_id)
        if change.deadline_kind == "attest":
            self._attest_deadline = change.new_deadline
            self._own_deadline.add("attestera")
        else:
            self._deadline = change.new_deadline
            self._own_deadline.add("klarmarkera")
        self._generation += 1
        return self.status()

    @move_deadline.validator
    def _validate_move(self, change: DeadlineChange) -> None:
        if self._closed:
            raise ValueError("Rapporteringen i cykeln är avslutad; tidsgränsen kan inte flyttas")
        if change.deadline_kind == "attest" and not self._has_attester:
            raise ValueError("Rapporten attesteras inte; den har ingen attesttidsgräns")

    @workflow.signal
    def close(self) -> None:
        self._closed = True

    @workflow.signal
    def tick(self, tick: ClockTick) -> None:
        if self._ticked is None or tick.at > self._ticked:
            self._ticked = tick.at

    @workflow.query
    def status(self) -> UnitReportStatus:
        return UnitReportStatus(
            report_id=self._report_id, unit_id=self._unit_id, phase=self._phase,
            status=self._status, version=self._version, deadline=self._deadline,
            attest_deadline=self._attest_deadline, seen_event_ids=list(self._seen),
            ignored_duplicates=self._ignored,
            busy=(self._activities.busy or self._progress_unreported()
                  or self._asking > 0),
        )

    # One task: reminders before, deadline with escalation, daily reminders after

    def _task_open(self, task: Task) -> bool:
        return not self._closed and self._task == task

    def _task_deadline(self, task: Task) -> datetime:
        deadline = self._deadline if task == "klarmarkera" else self._attest_deadline
        assert deadline is not None
        return deadline

    async def _drive(self, task: Task) -> None:
        while self._task_open(task):
            generation = self._generation
            deadline = self._task_deadline(task)
            plan: ReminderPlan = await self._activities.run(
                act.PLAN_REMINDERS, ReminderPlanRequest(deadline=deadline), ReminderPlan)
            steps = ([(at, "reminder") for at in plan.before] + [(deadline, "deadline")]
                     + [(at, "overdue") for at in plan.overdue])
            await self._record_skipped(task, deadline, steps)
            shared = self._shared_clock and task not in self._own_deadline
            if shared:
                await self._ask_for_ticks([at for at, _ in steps])
            interrupted = False
            for at, what in sorted(steps):
                if what != "deadline" and at < workflow.now():
                    continue  # a reminder whose moment passed before this plan is not sent late
                if await self._wait_until(at, task, generation, shared):
                    interrupted = True
                    break
                await self._fire(task, what, deadline, at)
            if not interrupted:
                await self._wait_until(None, task, generation)

    async def _until_status_changes(self) -> None:
        status = self._status

        def changed() -> bool:
            return self._closed or self._status != status
        await workflow.wait_condition(changed)

    async def _ask_for_ticks(self, instants: list[datetime]) -> None:
        """Asks the parent to tick this plan's instants still ahead (shared clock)."""
        ahead = sorted({at for at in instants if at > workflow.now()})
        parent = workflow.info().parent
        if not ahead or parent is None:
            return
        self._asking += 1
        try:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "await_instants", ClockRequest(workflow_id=workflow.info().workflow_id,
                                               instants=ahead))
        finally:
            self._asking -= 1

    async def _wait_until(self, at: datetime | None, task: Task, generation: int,
                          shared: bool = False) -> bool:
        """True when the task closed or its plan changed before ``at`` (None: ever).

        ``shared``: the parent's tick, not a timer of this workflow, says ``at`` has come."""
        def changed() -> bool:
            return not self._task_open(task) or self._generation != generation
        if at is None:
            await workflow.wait_condition(changed)
            return True
        remaining = at - workflow.now()
        if remaining <= timedelta(0):
            return changed()
        if shared:
            await workflow.wait_condition(
                lambda: changed() or (self._ticked is not None and self._ticked >= at))
            return changed()
        try:
            await workflow.wait_condition(changed, timeout=remaining)
        except TimeoutError:
            return changed()
        return True

    async def _record_skipped(self, task: Task, deadline: datetime,
                              steps: list[tuple[datetime, str]]) -> None:
        """Reminders of a moved deadline whose moments had already passed are not sent late;
        the report's history says so. (A moment that passed before the task existed, such
        as the attest task's first reminder on a klarmarkering after it, is not news.)"""
        moved = self._planned.get(task) not in (None, deadline)
        self._planned[task] = deadline
        skipped = [at for at, what in sorted(steps) if what != "deadline"
                   and at < workflow.now() and self._key(task, what, deadline, at)
                   not in self._fired]
        if not (moved and skipped) or not workflow.patched(RECORD_SKIPPED_PATCH):
            return
        key = f"{workflow.info().workflow_id}:skipped:{task}:{_stamp(deadline)}:{self._version}"
        await self._activities.run(act.RECORD_REMINDERS_SKIPPED, RemindersSkipped(
            report_id=self._report_id, key=key, task=task, deadline=deadline,
            skipped=skipped, occurred_at=workflow.now()))

    def _key(self, task: Task, what: str, deadline: datetime, at: datetime) -> str:
        key = f"{workflow.info().workflow_id}:{what}:{task}:{_stamp(deadline)}"
        return key if what == "deadline" else f"{key}:{_stamp(at)}"

    async def _fire(self, task: Task, what: str, deadline: datetime, at: datetime) -> None:
        key = self._key(task, what, deadline, at)
        if key in self._fired:
            return
        fact = ReportFact(report_id=self._report_id, key=key, task=task, deadline=deadline,
                          occurred_at=workflow.now(), overdue=what == "overdue")
        name = act.DEADLINE_PASSED if what == "deadline" else act.SEND_REMINDER
        await self._activities.run(name, fact)
        self._fired.add(key)

    def _attestation_due(self) -> bool:
        return (self._task == "attestera"
                and self._attest_requested_for != self._klarmarkerad_version)

    async def _ensure_attestation_requested(self, with_progress: bool = False) -> bool:
        if self._attest_requested_for == self._klarmarkerad_version:
            return True
        key = f"{workflow.info().workflow_id}:attest:{self._klarmarkerad_version}"
        fact = ReportFact(report_id=self._report_id, key=key, task="attestera",
                          deadline=self._deadline or workflow.now(), occurred_at=workflow.now())
        request = self._activities.run(act.REQUEST_ATTESTATION, fact, datetime)
        if with_progress:
            # Signal and activity go out in one workflow task; the attester's task does not
            # wait for the parent's signal round trip. A failed signal still fails the run.
            _, deadline = await asyncio.gather(self._report_progress(), request)
        else:
            deadline = await request
        if deadline is None:
            # The store already moved on (återsänd, reopened, godkänd): await that signal.
            await workflow.wait_condition(lambda: self._closed or self._status != "klarmarkerad")
            return False
        self._attest_deadline = deadline
        self._attest_requested_for = self._klarmarkerad_version
        self._planned.pop("attestera", None)  # a new attest task, not a moved deadline
        return True

    def _progress_unreported(self) -> bool:
        return workflow.info().parent is not None and self._reported_status != self._status

    async def _report_progress(self) -> None:
        parent = workflow.info().parent
        if parent is None or self._reported_status == self._status:
            return
        self._reported_status = self._status
        handle = workflow.get_external_workflow_handle(parent.workflow_id)
        await handle.signal("report_progress", ReportProgress(
            unit_id=self._unit_id, status=self._status, done=self._done))
