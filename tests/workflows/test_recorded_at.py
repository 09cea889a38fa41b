"""In simulated time as in real time, no fact is recorded before it happened.

The simulation's store clock moves at each step of the script, while the workflows'
facts (deadlines passed, reminders, the underlag) happen during the time skips between
steps: each is recorded at the instant it happened, never at the step before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.calendar import local_date
from infrastructure.eventstore import ArsplanStore
from simulation.delarsbokslut_2022 import simulate_cycle
from tests.support.stores import sqlite_env
from tests.workflows.harness import harness_settings


async def test_every_fact_of_the_simulated_cycle_is_recorded_when_it_happened(
        tmp_path: Path) -> None:
    env = sqlite_env(tmp_path / "sim.sqlite")
    await simulate_cycle(harness_settings(tmp_path), env)
    store = ArsplanStore(env=env)
    try:
        events = [store.mapper.to_domain_event(n)
                  for n in store.recorder.select_notifications(1, 100_000)]
    finally:
        store.close()
    assert events and all(e.timestamp >= e.occurred_at for e in events)
    by_type = {type(e).__name__: e for e in events}
    # Haga hemtjänst 1 misses 23 August (23:59); the underlag goes on 13 September.
    assert local_date(by_type["DeadlinePassed"].timestamp) == date(2022, 8, 23)
    assert local_date(by_type["UnderlagSent"].timestamp) == date(2022, 9, 13)
