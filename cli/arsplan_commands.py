"""`arsplan plan`: start the workflow that drives a nämnd's årsplan, and move its milestones.

`move-milestone` names the person with ``--as``; whether they may is the domain's decision,
as in the API.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import typer
from pydantic import ValidationError
from rich.console import Console
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from bootstrap import build_engine
from cli.run_commands import exit_cleanly
from domain.commands import MoveMilestone
from domain.errors import DomainError
from infrastructure.settings import get_settings
from workflows.arsplan import ArsplanWorkflow
from workflows.ids import arsplan_workflow_id
from workflows.payloads import ArsplanInput

plan_app = typer.Typer(help="The årsplan: start its workflow, move milestones",
                       no_args_is_help=True)
console = Console()


async def start_arsplan(client: Client, namnd: str, label: str, task_queue: str) -> str:
    """Starts the plan's ÅrsplanWorkflow, or finds the one already running (one per plan);
    returns its workflow id."""
    handle = await client.start_workflow(
        ArsplanWorkflow.run, ArsplanInput(namnd_code=namnd, label=label),
        id=arsplan_workflow_id(namnd, label), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    return handle.id


async def _start(namnd: str, label: str) -> str:
    from bootstrap import connect

    settings = get_settings()
    return await start_arsplan(await connect(settings), namnd, label, settings.task_queue)


@plan_app.command("start")
def start(
    namnd: str = typer.Option("VON", help="The nämnd's code"),
    label: str = typer.Option("2022/2023", help="The årsplan's label"),
) -> None:
    """Let the engine open each cycle of an imported årsplan on its date (safe to repeat).

    Cycles whose nämnd beslut day has already passed are not opened.
    """
    workflow_id = asyncio.run(_start(namnd, label))
    console.print(f"Årsplan {namnd} {label} drivs av arbetsflödet {workflow_id} "
                  "(status i Temporal UI eller med en query på status)")
    exit_cleanly()


@plan_app.command("move-milestone")
def move_milestone(
    milestone: str = typer.Option(..., help="The milestone's id, e.g. f-delar-2022-enhetschefer"),
    start: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="New start date"),
    end: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="New end date"),
    reason: str = typer.Option(..., help="Motivering (shown to the auditors)"),
    person: str = typer.Option(..., "--as", help="Who moves it (person id)"),
    namnd: str = typer.Option("VON", help="The nämnd's code"),
    label: str = typer.Option("2022/2023", help="The årsplan's label"),
) -> None:
    """Move a milestone; refused once a cycle it dates has opened (move its deadline then)."""
    try:
        command = MoveMilestone(namnd_code=namnd, label=label, milestone_id=milestone,
                                start=start.date(), end=end.date(), reason=reason)
    except ValidationError as exc:
        raise typer.BadParameter(str(exc)) from None
    engine = build_engine()
    try:
        result = engine.execute(command, person)
    except DomainError as exc:
        console.print(f"[red]Nekad ({exc.rule})[/red]: {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.close()
    console.print(f"Milstolpen {milestone} flyttad till {start.date()}–{end.date()} "
                  f"(årsplanens version {result.version})")
