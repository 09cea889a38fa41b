"""`arsplan`: the main job, imports and the auditor's tools."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from audit.seals import SealKey, TreeHead, published_heads
from audit.standalone_verifier import ProofError
from audit.verify import Seal, verify_store
from bootstrap import open_store
from cli.arsplan_commands import plan_app
from cli.audit_commands import audit_app
from cli.migrate_command import migrate_command
from cli.person_commands import person_app
from cli.production_check import refuse_unless_ready
from cli.read_model_commands import read_models_app
from cli.report_commands import report_app
from cli.run_commands import follow_command, relay_command, worker_command
from cli.secrets_command import secrets_command
from cli.store_option import STORE_HELP, settings_for
from infrastructure.importer import (
    DataFileError,
    import_arsplan,
    import_organisation,
    import_report_template,
    organisation_code,
)
from infrastructure.logging import configure_logging
from infrastructure.packaged_data import require_files, von_dir
from infrastructure.settings import Settings, get_settings
from infrastructure.tracing import configure_tracing
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection

app = typer.Typer(help="Årsplan workflow engine", no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")
app.add_typer(read_models_app, name="read-models")
app.add_typer(plan_app, name="plan")
app.add_typer(person_app, name="person")
app.command("worker")(worker_command)
app.command("follow")(follow_command)
app.command("relay")(relay_command)
app.command("migrate")(migrate_command)
app.command("secrets")(secrets_command)
console = Console()


@app.callback()
def _main() -> None:
    configure_logging(get_settings().log_level)
    configure_tracing(get_settings())


@app.command("import")
def import_data(
    data_dir: Path = typer.Option(None, help="Folder with organisation.yaml, arsplan_*.yaml; "
                                  "default: von/ of ARSPLAN_DATA_DIR or the packaged data"),
) -> None:
    """Import the organisation and årsplan data files (idempotent)."""
    settings = get_settings()
    try:
        folder = von_dir(settings, data_dir)
        require_files(folder, "organisation.yaml")  # before the store is opened (or made)
    except DataFileError as exc:
        raise data_file_error(exc) from None
    application = open_store(settings)
    try:
        org = import_organisation(application, folder / "organisation.yaml")
        code = organisation_code(folder / "organisation.yaml")  # the folder's nämnd
        console.print(f"Organisation: version {org.version}")
        for plan_file in sorted(folder.glob("arsplan_*.yaml")):
            result = import_arsplan(application, plan_file)
            console.print(f"Årsplan {plan_file.name}: version {result.version}")
        template = folder / "report_template.yaml"
        if template.exists():
            result = import_report_template(application, code, template)
            console.print(f"Rapportmall: version {result.version}")
        for process_template in sorted(folder.glob("report_template_*.yaml")):
            result = import_report_template(application, code, process_template)
            console.print(f"Rapportmall {process_template.name}: version {result.version}")
        ordning = folder / "delegationsordning_2022.yaml"
        if ordning.exists():
            from infrastructure.delegation_import import import_delegationsordning
            result = import_delegationsordning(application, ordning)
            console.print(f"Delegationsordning: version {result.version}")
    except DataFileError as exc:
        raise data_file_error(exc) from None
    finally:
        application.close()


def data_file_error(exc: DataFileError) -> typer.Exit:
    """The problem as the file names it (one line for a missing file), exit status 2."""
    console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.command()
def dev() -> None:
    """The main job: Temporal dev server, event store, worker, projections, API, dashboard."""
    from cli.dev import main_job
    settings = get_settings()
    if settings.env == "production":
        console.print("[red]arsplan dev är demon[/red]: i produktion körs tjänsterna var för "
                      "sig (arsplan api, worker, follow, relay; docker-compose.yml).")
        raise typer.Exit(1)
    try:
        main_job(settings, console)
    except DataFileError as exc:
        raise data_file_error(exc) from None


@app.command()
def simulate(
    store: Path = typer.Option(None, help="Keep the simulated event store in this SQLite file"),
    out: Path = typer.Option(None, help="Folder for everything the run writes (the documents "
                             "sent, in drop/; with --cycle the burn-down chart); default: "
                             "simulation/ in ARSPLAN_VAR_DIR"),
    data_dir: Path = typer.Option(None, help="Folder with VON's organisation.yaml, "
                                  "report_template.yaml, arsplan_2022_2023.yaml; default: von/ "
                                  "of ARSPLAN_DATA_DIR or the packaged data"),
    cycle: str = typer.Option(None, help="A cycle of the årsplan, NÄMND:process:year (e.g. "
                              "VON:arsbokslut:2022): a generated scenario over the whole "
                              "organisation, with a burn-down chart (HTML) in --out; "
                              "default: the Delårsbokslut 2022 script"),
    seed: int = typer.Option(None, help="Seed of the --cycle scenario (the same seed plays "
                             "the same steps); default: 2022"),
    scenario: Path = typer.Option(None, help="A scenario file (YAML, docs/scenarios.md) to "
                                  "play instead of a generated one; it names its cycle"),
    write_scenario: Path = typer.Option(None, help="Write the generated scenario of --cycle "
                                        "(and --seed) to this file, to edit and play with "
                                        "--scenario; plays nothing"),
) -> None:
    """A cycle in time-skipped simulation, with the outcome per unit (default: the
    Delårsbokslut 2022 VON script)."""
    import os
    import sys

    from cli.simulate import (
        render_cycle_outcome,
        render_outcome,
        run_cycle_simulation,
        run_simulation,
    )
    from cli.simulate_scenario import scenario_options_refused
    from cli.simulate_scenario import write_scenario as write_scenario_file
    from simulation.scenario import CycleOptionError
    from simulation.scenario_file import ScenarioFileError
    if cycle is None and seed is not None:
        console.print("--seed: gäller bara med --cycle", style="red", markup=False)
        raise typer.Exit(2)
    if refused := scenario_options_refused(cycle, scenario, write_scenario):
        console.print(refused, style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    try:
        if write_scenario is not None:
            written = write_scenario_file(get_settings(), cycle, seed, write_scenario, data_dir)
            console.print(f"Scenariot skrivet till {written}", markup=False, highlight=False,
                          soft_wrap=True)
            return
        if cycle is None and scenario is None:
            console.print(render_outcome(run_simulation(get_settings(), console, store, out,
                                                        data_dir)))
        else:
            console.print(render_cycle_outcome(run_cycle_simulation(
                get_settings(), console, cycle, seed, store, out, data_dir, scenario)))
    except DataFileError as exc:
        raise data_file_error(exc) from None
    except ScenarioFileError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except CycleOptionError as exc:
        console.print(f"--cycle: {exc}", style="red", markup=False, highlight=False,
                      soft_wrap=True)
        raise typer.Exit(2) from None
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
    refuse_unless_ready(settings, tokens_file)
    serve_api(settings, host or settings.api_host, port or settings.api_port, tokens_file)


@app.command()
def verify(
    store: str = typer.Option(None, "--store", help=STORE_HELP),
    seal: list[str] = typer.Option(None, help="A published seal, SIZE:ROOT"),
    seal_file: list[Path] = typer.Option(
        None, help="A signed tree head (JSON), e.g. from a protokoll"),
) -> None:
    """Verify the whole history: every event chain, the log's tree, the seals, the snapshots.

    The seals in justerade protokoll are always checked; more can be given. Exits with 1 at
    the first error, naming the event type, aggregate, version and notification.
    """
    settings = settings_for(store)
    application = open_store(settings)
    log_views = ReadModels.for_app(application, [TransparencyLogProjection])
    try:
        heads = [*published_heads(application), *(_read_head(f) for f in seal_file or [])]
        public_key = _public_key(settings)
        for head in heads:
            try:
                head.verify(public_key)
            except ProofError as exc:
                console.print(f"[red]SIGILL FALSKT[/red]: {exc}")
                raise typer.Exit(1) from None
        seals = [Seal(h.tree_size, h.root_hash) for h in heads] + [_parse_seal(s)
                                                                   for s in seal or []]
        with console.status("Verifierar händelsekedjan…") as status:
            report = verify_store(application, seals=seals,
                                  log_view=log_views.view(TransparencyLogProjection),
                                  progress=lambda n: status.update(f"Verifierat {n} händelser…"))
    finally:
        log_views.close()
        application.close()
    if not report.ok:
        for problem in report.problems():
            console.print(f"[red]FEL[/red]: {problem}")
        if report.broken is not None:
            console.print(f"  förväntat: {report.broken.expected}\n"
                          f"  funnet:    {report.broken.found}")
        raise typer.Exit(1)
    console.print(f"[green]OK[/green]: {report.events_checked} händelser i "
                  f"{report.aggregates} aggregat, {len(seals)} sigill stämmer. Loggens huvud: "
                  f"{report.head.tree_size}:{report.head.root_hash}")
    if report.notification_gaps:
        console.print(f"Notera: {len(report.notification_gaps)} luckor i notifikationsnumren "
                      "(avbrutna transaktioner lämnar sådana; loggens träd täcker varje "
                      "händelse som finns).")


def _parse_seal(text: str) -> Seal:
    size, _, root = text.partition(":")
    if not size.isdigit() or len(root) != 64:
        raise typer.BadParameter(f"{text!r}: ett sigill skrivs STORLEK:ROT (64 hex)",
                                 param_hint="--seal")
    return Seal(int(size), root)


def _read_head(path: Path) -> TreeHead:
    try:
        return TreeHead.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise typer.BadParameter(f"{path}: inget signerat trädhuvud ({exc})") from None


def _public_key(settings: Settings) -> str | None:
    """The configured key's public half: heads are checked against it, not their own."""
    if settings.seal_key_file is None or not settings.seal_key_file.exists():
        return None
    return SealKey.load(settings.seal_key_file).public_key


if __name__ == "__main__":
    app()
