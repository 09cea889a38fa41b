"""`arsplan`: the main job, imports and the auditor's tools."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from audit.verify import Seal, verify_store
from bootstrap import open_store
from cli.arsplan_commands import plan_app
from cli.audit_commands import audit_app
from cli.read_model_commands import read_models_app
from cli.report_commands import report_app
from cli.run_commands import follow_command, relay_command, worker_command
from infrastructure.importer import (
    DataFileError,
    import_arsplan,
    import_organisation,
    import_report_template,
)
from infrastructure.logging import configure_logging
from infrastructure.settings import get_settings
from infrastructure.tracing import configure_tracing

app = typer.Typer(help="Årsplan workflow engine", no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")
app.add_typer(read_models_app, name="read-models")
app.add_typer(plan_app, name="plan")
app.command("worker")(worker_command)
app.command("follow")(follow_command)
app.command("relay")(relay_command)
console = Console()


@app.callback()
def _main() -> None:
    configure_logging(get_settings().log_level)
    configure_tracing(get_settings())


@app.command("import")
def import_data(
    data_dir: Path = typer.Option(None, help="Folder with organisation.yaml, arsplan_*.yaml"),
) -> None:
    """Import the organisation and årsplan data files (idempotent)."""
    settings = get_settings()
    folder = data_dir or settings.data_dir / "von"
    application = open_store(settings)
    try:
        org = import_organisation(application, folder / "organisation.yaml")
        console.print(f"Organisation: version {org.version}")
        for plan_file in sorted(folder.glob("arsplan_*.yaml")):
            result = import_arsplan(application, plan_file)
            console.print(f"Årsplan {plan_file.name}: version {result.version}")
        template = folder / "report_template.yaml"
        if template.exists():
            result = import_report_template(application, "VON", template)
            console.print(f"Rapportmall: version {result.version}")
        ordning = folder / "delegationsordning_2022.yaml"
        if ordning.exists():
            from infrastructure.delegation_import import import_delegationsordning
            result = import_delegationsordning(application, ordning)
            console.print(f"Delegationsordning: version {result.version}")
    except DataFileError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def dev() -> None:
    """The main job: Temporal dev server, event store, worker, projections, API, dashboard."""
    from cli.dev import main_job
    main_job(get_settings(), console)


@app.command()
def simulate(
    store: Path = typer.Option(None, help="Keep the simulated event store in this SQLite file"),
) -> None:
    """Delårsbokslut 2022 VON in time-skipped simulation, with the outcome per unit."""
    import os
    import sys

    from cli.simulate import render_outcome, run_simulation
    outcome = run_simulation(get_settings(), console, store)
    console.print(render_outcome(outcome))
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime threads can abort a normal exit (sdk-python #300)


@app.command("api")
def api_only(
    host: str = typer.Option(None, help="Interface (default ARSPLAN_API_HOST)"),
    port: int = typer.Option(None, help="Port (default ARSPLAN_API_PORT)"),
    tokens_file: Path = typer.Option(None, envvar="ARSPLAN_API_TOKENS_FILE",
                                     help="JSON token → person_id; default: dev tokens"),
) -> None:
    """The API and dashboard alone (Temporal, worker and follower run elsewhere)."""
    from cli.serve import serve_api
    settings = get_settings()
    serve_api(settings, host or settings.api_host, port or settings.api_port, tokens_file)


@app.command()
def verify(
    seal: str = typer.Option(None, help="A published seal, NOTIFICATION_ID:DIGEST"),
) -> None:
    """Check every event's hash chain; report the first broken link."""
    application = open_store()
    expected = None
    if seal:
        nid, _, digest = seal.partition(":")
        expected = Seal(int(nid), digest)
    with console.status("Verifierar händelsekedjan…") as status:
        report = verify_store(application, seal=expected,
                              progress=lambda n: status.update(f"Verifierat {n} händelser…"))
    if report.broken is not None:
        b = report.broken
        console.print(f"[red]BRUTEN LÄNK[/red] vid notifikation {report.broken_notification_id}: "
                      f"aggregat {b.originator_id} version {b.originator_version}: {b.reason}\n"
                      f"  förväntat: {b.expected}\n  funnet:    {b.found}")
        raise typer.Exit(1)
    if report.seal_problem:
        console.print(f"[red]SIGILL STÄMMER INTE[/red]: {report.seal_problem}")
        raise typer.Exit(1)
    console.print(f"[green]OK[/green]: {report.events_checked} händelser i "
                  f"{report.aggregates} aggregat. Sigill: "
                  f"{report.head.notification_id}:{report.head.digest}")
    if report.notification_gaps:
        console.print(f"Notera: {len(report.notification_gaps)} luckor i notifikationsnumren "
                      "(avbrutna transaktioner lämnar sådana; händelsekedjorna är hela).")


if __name__ == "__main__":
    app()
