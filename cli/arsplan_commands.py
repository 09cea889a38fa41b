"""`arsplan plan move-milestone`: a controller moves a milestone of the årsplan, with a reason.

The person is named with ``--as``; whether they may is the domain's decision, as in the API.
"""

from __future__ import annotations

from datetime import datetime

import typer
from pydantic import ValidationError
from rich.console import Console

from domain.commands import MoveMilestone
from domain.errors import DomainError
from infrastructure.store import build_application

plan_app = typer.Typer(help="Årsplanen: flytta milstolpar", no_args_is_help=True)
console = Console()


@plan_app.command("move-milestone")
def move_milestone(
    milestone: str = typer.Option(..., help="Milstolpens id, t.ex. f-delar-2022-enhetschefer"),
    start: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="Nytt startdatum"),
    end: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="Nytt slutdatum"),
    reason: str = typer.Option(..., help="Motivering (syns för revisorerna)"),
    person: str = typer.Option(..., "--as", help="Vem flyttar (person-id)"),
    namnd: str = typer.Option("VON", help="Nämndens kod"),
    label: str = typer.Option("2022/2023", help="Årsplanens beteckning"),
) -> None:
    """Move a milestone; refused once a cycle it dates has opened (move its deadline then)."""
    try:
        command = MoveMilestone(namnd_code=namnd, label=label, milestone_id=milestone,
                                start=start.date(), end=end.date(), reason=reason)
    except ValidationError as exc:
        raise typer.BadParameter(str(exc)) from None
    application = build_application()
    try:
        result = application.execute(command, person)
    except DomainError as exc:
        console.print(f"[red]Nekad ({exc.rule})[/red]: {exc}")
        raise typer.Exit(1) from None
    finally:
        application.close()
    console.print(f"Milstolpen {milestone} flyttad till {start.date()}–{end.date()} "
                  f"(årsplanens version {result.version})")
