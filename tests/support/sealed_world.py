"""The VON demo with a seal key: justering prints the log's signed head in the protokoll, as
the main job does with ``ARSPLAN_SEAL_KEY_FILE``. On a manual clock, so a sammanträde's day
comes when the test says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from fastapi import FastAPI

from api.app import create_app
from api.auth import dev_tokens
from audit.seals import LiveTreeHeads, SealKey
from cli.demo import NAMND_CODE, DemoData, load_demo_data
from infrastructure.person_directory import person_names
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.read_world import DATA, OPENED
from tests.support.stores import sqlite_env
from tests.unit.von_meetings import add, hold, justera, schedule


@dataclass
class SealedWorld:
    app: TestEngine
    api: FastAPI
    clock: ManualClock
    key: SealKey
    demo: DemoData


@contextmanager
def sealed_world(folder: Path) -> Iterator[SealedWorld]:
    clock = ManualClock(OPENED)
    env = sqlite_env(folder / "events.sqlite")
    # The signer reads the log through its own store, as the main job's does.
    plain = TestEngine(env=env, clock=clock)
    log = ReadModels.for_app(plain, [TransparencyLogProjection])
    key = SealKey.create(folder / "seal.pem")
    heads = LiveTreeHeads(key, plain, log.view(TransparencyLogProjection))
    app = TestEngine(env=env, clock=clock, tree_heads=heads)
    demo = load_demo_data(app, DATA)
    read_models = ReadModels.for_app(app)
    tokens = dev_tokens(app.organisation(NAMND_CODE), person_names(app.store, NAMND_CODE))
    api = create_app(app, app.bus, tokens,
                     read_models=read_models, namnd_code=NAMND_CODE, tree_heads=heads)
    try:
        yield SealedWorld(app, api, clock, key, demo)
    finally:
        read_models.close()
        log.close()
        app.close()
        plain.close()


def justerat_meeting(world: SealedWorld, days: int = 14) -> UUID:
    """A sammanträde ``days`` from now held and justerat the day after: one more seal."""
    day = world.clock().date() + timedelta(days=days)
    mid = schedule(world.app, day)
    add(world.app, mid, f"{day.year}.228 VON", "Delårsrapport")
    world.clock.now = world.clock.now + timedelta(days=days, hours=6)
    hold(world.app, mid)
    world.clock.advance(days=1)
    justera(world.app, mid, day + timedelta(days=1))
    return mid
