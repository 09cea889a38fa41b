"""`arsplan read-models`: positions of each read model, and rebuilding from zero."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from bootstrap import open_store
from projections.read_models import ReadModels
from projections.runner import CatchUpProgress, catch_up, rebuild

read_models_app = typer.Typer(help="The read models: status, catch-up and rebuild",
                              no_args_is_help=True)
console = Console()


@read_models_app.command("status")
def status_command() -> None:
    """Each read model's tracked position against the event store's head."""
    app = open_store()
    models = ReadModels.for_app(app)
    head = app.recorder.max_notification_id() or 0
    table = Table(title=f"Läsmodeller (händelselagrets sista notifikation: {head})")
    table.add_column("Läsmodell")
    table.add_column("Position")
    for p in models.projections:
        table.add_row(p.name, str(p.view.max_tracking_id(app.name) or 0))
    console.print(table)
    models.close()


@read_models_app.command("rebuild")
def rebuild_command(
    from_zero: bool = typer.Option(True, help="Forget every row first (else only catch up)"),
) -> None:
    """Project the whole log again (or catch up), with progress."""
    app = open_store()
    models = ReadModels.for_app(app)
    head = app.recorder.max_notification_id() or 0
    with Progress(console=console) as bar:
        for p in models.projections:
            task = bar.add_task(p.name, total=head)

            def show(progress: CatchUpProgress, task: TaskID = task) -> None:
                bar.update(task, completed=progress.position)

            (rebuild if from_zero else catch_up)(app, p, progress=show)
            bar.update(task, completed=head)
    models.close()
    console.print("[green]Klart[/green]")
