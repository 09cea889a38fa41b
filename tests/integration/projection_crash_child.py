"""Child process for the kill test: projects a SQLite store slowly until killed."""

from __future__ import annotations

import sys
import time
from typing import Any

from eventsourcing.persistence import Tracking

from projections.read_models import ReadModels
from projections.reporting import ReportingProjection
from projections.runner import catch_up
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env


class SlowReportingProjection(ReportingProjection):
    name = "reporting"

    def write(self, tracking: Tracking, changes: Any) -> None:
        time.sleep(0.02)  # slow enough that the parent kills us mid-catch-up
        super().write(tracking, changes)


if __name__ == "__main__":
    env = sqlite_env(sys.argv[1])  # type: ignore[arg-type]
    app = TestEngine(env=env)
    models = ReadModels(env, [ReportingProjection])
    slow = SlowReportingProjection(view=models.view(ReportingProjection))
    print("started", flush=True)
    catch_up(app, slow, batch_size=10)
