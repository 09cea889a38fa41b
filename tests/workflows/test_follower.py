"""The follower: durable position on SQLite and PostgreSQL, resume after a crash, routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from domain.calendar import STOCKHOLM
from domain.commands import Klarmarkera
from domain.unit_report import UnitReport
from follower.delivery import Delivery
from follower.follower import Follower
from follower.routes import Route, workflow_routes
from infrastructure.eventstore.positions import PositionStore
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.timeline import REAL_TIME, Timeline
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from workflows.ids import unit_report_workflow_id

UNITS = ["enh-ekhagen", "enh-bjorkliden", "enh-hemtjanst-norr"]
CHEFS = {"enh-ekhagen": "anna", "enh-bjorkliden": "bertil", "enh-hemtjanst-norr": "cecilia"}


class RecordingClient:
    """Stands in for the Temporal client: records signals and starts, can fail after N."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.delivered: list[tuple[str, str, Any]] = []
        self.fail_after = fail_after

    async def start_workflow(self, workflow: str, arg: Any, *, id: str, **_: Any) -> None:
        await self.get_workflow_handle(id).signal(f"start:{workflow}", arg)

    def signals(self) -> list[tuple[str, str, Any]]:
        return [d for d in self.delivered if not d[1].startswith("start:")]

    def get_workflow_handle(self, workflow_id: str) -> Any:
        client = self

        class Handle:
            async def signal(self, name: str, arg: Any) -> None:
                if client.fail_after is not None and len(client.delivered) >= client.fail_after:
                    raise OSError("Temporal-servern är nere")
                client.delivered.append((workflow_id, name, arg))

            async def execute_update(self, name: str, arg: Any) -> None:
                await self.signal(name, arg)

        return Handle()


def follower_on(app: TestEngine, client: RecordingClient, env: dict[str, str]) -> Follower:
    """The follower with the production routes, its position in ``env``'s sidecar."""
    return Follower(app, client, PositionStore(sidecar_for(env, "follower")),  # type: ignore[arg-type]
                    workflow_routes(app))


def klarmarkera_all(app: TestEngine) -> None:
    for unit in UNITS:
        app.execute(Klarmarkera(report_id=report(unit),
                                occurred_at=datetime(2022, 8, 19, 10, tzinfo=STOCKHOLM)),
                    CHEFS[unit])


class TestDurablePosition:
    async def test_a_restarted_follower_resumes_after_the_last_delivered_event(
            self, durable_env: dict[str, str], clock: ManualClock) -> None:
        app = TestEngine(env=durable_env, clock=clock)
        build_organisation(app)
        open_delar_2022(app)
        klarmarkera_all(app)
        crashing = RecordingClient(fail_after=2)
        first = follower_on(app, crashing, durable_env)
        with pytest.raises(OSError):
            await first.poll_once()

        # A new process: new follower object, same durable position.
        resumed = RecordingClient()
        second = follower_on(app, resumed, durable_env)
        await second.poll_once()
        app.close()

        delivered = [(w, a.kind) for w, _, a in crashing.signals() + resumed.signals()]
        assert delivered == [(unit_report_workflow_id(report(u)), "klarmarkerad") for u in UNITS]

    async def test_polling_again_delivers_nothing_new(
            self, durable_env: dict[str, str], clock: ManualClock) -> None:
        app = TestEngine(env=durable_env, clock=clock)
        build_organisation(app)
        open_delar_2022(app)
        klarmarkera_all(app)
        client = RecordingClient()
        follower = follower_on(app, client, durable_env)
        # The cycle's Opened (its workflow started) and three klarmarkeringar.
        assert await follower.poll_once() == 4
        assert await follower.poll_once() == 0
        app.close()
        assert [name for _, name, _ in client.delivered] == [
            "start:CycleWorkflow", "report_event", "report_event", "report_event"]


class TestRoutes:
    async def test_only_routed_events_are_read_and_the_signal_carries_version_and_event_id(
            self, app: TestEngine, store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        klarmarkera_all(app)
        client = RecordingClient()
        follower = follower_on(app, client, store_env)
        await follower.poll_once()
        event = list(app.aggregate_events(report("enh-ekhagen")))[-1]
        assert isinstance(event, UnitReport.Klarmarkerad)
        workflow_id, name, signal = client.signals()[0]
        assert (workflow_id, name) == (unit_report_workflow_id(report("enh-ekhagen")),
                                       "report_event")
        assert (signal.event_id, signal.version) == (str(event.event_id),
                                                     event.originator_version)

    async def test_a_custom_route_table_is_honoured(
            self, app: TestEngine, store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        klarmarkera_all(app)
        seen: list[str] = []

        def route(event: Any, timeline: Timeline) -> list[Delivery]:
            seen.append(str(event.originator_id))
            return []

        from eventsourcing.utils import get_topic
        routes: dict[str, Route] = {get_topic(UnitReport.Klarmarkerad): route}
        follower = Follower(app, RecordingClient(), PositionStore(  # type: ignore[arg-type]
            sidecar_for(store_env, "follower")), routes=routes, timeline=REAL_TIME)
        assert await follower.poll_once() == 3
        assert seen == [str(report(u)) for u in UNITS]
