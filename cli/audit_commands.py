"""`arsplan audit`: the auditor's tools. They read; they never change the record.

`replay` copies the log into a fresh throw-away store and projects it there;
`history` and `export` only read the store; `seal` signs the transparency log's head,
`prove` and `consistency` write proofs audit/standalone_verifier.py checks. Each takes
``--store`` (a SQLite file or a PostgreSQL DSN).
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from audit.replay import period_entries, replay
from bootstrap import open_store
from cli.proof_commands import consistency_command, prove_command, seal_command
from cli.store_option import STORE_HELP, settings_for
from domain.calendar import STOCKHOLM, iso_local
from projections.audit_trail import event_payload
from projections.read_models import ReadModels

audit_app = typer.Typer(help="The auditor's tools: they read the history, never change it",
                        no_args_is_help=True)
audit_app.command("seal")(seal_command)
audit_app.command("prove")(prove_command)
audit_app.command("consistency")(consistency_command)
console = Console()
EXPORT_FIELDS = ["recorded_at", "occurred_at", "aggregate_type", "aggregate_id", "version",
                 "event_type", "person_id", "role", "unit_id", "on_behalf_of", "cycle_id",
                 "command_id", "payload", "chain_hash"]


@audit_app.command("replay")
def replay_command(
    in_memory: bool = typer.Option(False, help="Replay in memory instead of into a "
                                               "temporary SQLite file"),
    store: str = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Replay the log into a new store, rebuild every read model and compare them."""
    app = open_store(settings_for(store))
    if app.env.get("PERSISTENCE_MODULE", "").endswith("popo"):
        console.print("[red]Händelselagret ligger i minnet: det finns inget att spela upp.[/red]")
        raise typer.Exit(2)
    live = ReadModels.for_app(app)
    if (app.recorder.max_notification_id() or 0) and not any(
            p.view.max_tracking_id(app.name) for p in live.projections if p.compared_in_replay):
        live.close()
        console.print("[red]Lagret har inga byggda läsmodeller att jämföra med[/red] (kör "
                      "arsplan read-models rebuild mot lagret först).")
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory() as folder, Progress(console=console) as bar:
        fresh_env = ({"PERSISTENCE_MODULE": "eventsourcing.popo"} if in_memory else
                     {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                      "SQLITE_DBNAME": str(Path(folder) / "replay.sqlite")})
        head = app.recorder.max_notification_id() or 0
        copying = bar.add_task("Kopierar händelser", total=head)
        projecting = bar.add_task("Bygger läsmodeller", total=None)
        result = replay(
            app, live, fresh_env,
            copied=lambda n: bar.update(copying, completed=n),
            projected=lambda p: bar.update(projecting, completed=p.position,
                                           description=f"Bygger {p.projection}"))
    live.close()
    table = Table(title=f"Uppspelning av {result.events_copied} händelser")
    for column in ("Läsmodell", "Position", "Levande", "Uppspelad", "Resultat"):
        table.add_column(column)
    for c in result.comparisons:
        table.add_row(c.projection, str(c.live_position), c.live_digest[:16],
                      c.replayed_digest[:16],
                      "[green]lika[/green]" if c.matches else "[red]SKILJER[/red]")
    console.print(table)
    if not result.verify.ok:
        console.print(f"[red]Kedjan bryts[/red]: {result.verify.broken}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("history")
def history_command(aggregate_id: UUID = typer.Argument(..., help="The aggregate's id"),
                    store: str = typer.Option(None, "--store", help=STORE_HELP)) -> None:
    """Every event of an aggregate: actor, role, on whose behalf, content and chain hash."""
    app = open_store(settings_for(store))
    events = list(app.aggregate_events(aggregate_id))
    if not events:
        console.print(f"[red]Inga händelser för {aggregate_id}[/red]")
        raise typer.Exit(1)
    table = Table(title=f"Historik för {aggregate_id}")
    for column in ("Version", "Händelse", "Registrerad", "Inträffade", "Aktör", "Roll",
                   "För", "Innehåll", "Kedja"):
        table.add_column(column, overflow="fold")
    for e in events:
        table.add_row(str(e.originator_version), type(e).__qualname__, iso_local(e.timestamp),
                      iso_local(e.occurred_at), e.actor.person_id, e.actor.role,
                      e.actor.on_behalf_of or "",
                      json.dumps(event_payload(e), ensure_ascii=False), e.chain_hash[:12])
    console.print(table)
    broken = app.verify_aggregate(aggregate_id)
    if broken is not None:
        console.print(f"[red]BRUTEN LÄNK[/red] vid version {broken.originator_version}: "
                      f"{broken.reason}")
        raise typer.Exit(1)
    console.print(f"[green]Kedjan hel[/green]: {len(events)} händelser")


@audit_app.command("export")
def export_command(
    start: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD) or instant (ISO)"),
    end: str = typer.Option(..., "--to", help="Last day (inclusive) or instant (exclusive)"),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl or csv"),
    output: Path = typer.Option(None, help="File to write (default: standard output)"),
    store: str = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Export the events recorded during a period (times in Europe/Stockholm)."""
    if output_format not in ("jsonl", "csv"):
        raise typer.BadParameter("välj jsonl eller csv", param_hint="--format")
    app = open_store(settings_for(store))
    entries = period_entries(app, parse_instant(start), parse_instant(end, end_of_day=True))
    stream: TextIO = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        count = write_entries(entries, stream, output_format)
    finally:
        if output:
            stream.close()
    Console(stderr=True).print(f"Exporterade {count} händelser")


def parse_instant(text: str, *, end_of_day: bool = False) -> datetime:
    """A date means midnight Stockholm time (the day after, for an inclusive end day)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            raise typer.BadParameter(f"{text!r} är varken ett datum eller en tidpunkt") from None
        return instant if instant.tzinfo else instant.replace(tzinfo=STOCKHOLM)
    if end_of_day:
        day += timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=STOCKHOLM)


def write_entries(entries: Any, stream: TextIO, output_format: str) -> int:
    count = 0
    writer = csv.DictWriter(stream, EXPORT_FIELDS, extrasaction="ignore")
    if output_format == "csv":
        writer.writeheader()
    for entry in entries:  # instants already in Stockholm time (projections.audit_trail)
        if output_format == "csv":
            writer.writerow({**entry, "payload": json.dumps(entry["payload"],
                                                            ensure_ascii=False)})
        else:
            stream.write(json.dumps({k: entry[k] for k in EXPORT_FIELDS}, ensure_ascii=False)
                         + "\n")
        count += 1
    return count
