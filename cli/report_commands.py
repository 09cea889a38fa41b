"""`arsplan report`: compile the underlag of any cycle as of any instant, and a delårsrapport
from data files. Read-only: nothing here writes to the event store."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID

import typer
from rich.console import Console

from bootstrap import open_store
from domain.calendar import STOCKHOLM
from domain.errors import DomainError
from domain.ids import cycle_id
from infrastructure.packaged_data import data_dir
from infrastructure.settings import get_settings
from reporting.compile import (
    compile_delarsrapport,
    compile_underlag,
    delarsrapport_html,
    underlag_html,
)
from reporting.document import CompiledDocument

report_app = typer.Typer(help="Reports: the underlag and the delårsrapport (.docx or HTML)",
                         no_args_is_help=True)
console = Console()


def parse_cycle(spec: str) -> UUID:
    """A cycle id, or NÄMND:process:år such as VON:delarsbokslut:2022."""
    try:
        return UUID(spec)
    except ValueError:
        pass
    parts = spec.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        raise typer.BadParameter("ange ett cykel-id eller NÄMND:process:år, "
                                 "t.ex. VON:delarsbokslut:2022")
    return cycle_id(parts[0], parts[1], int(parts[2]))


def parse_as_of(text: str | None) -> datetime | None:
    """ISO date or date-time; a date means the end of that day, times are Stockholm time."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=STOCKHOLM)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} är inget datum (ÅÅÅÅ-MM-DD[THH:MM])") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


def _write(document: CompiledDocument | str, out: Path | None, default: str) -> None:
    target = out or Path(default)
    if isinstance(document, str):
        target.write_text(document, encoding="utf-8")
        console.print(f"Skrev {target}")
        return
    target.write_bytes(document.content)
    console.print(f"Skrev {target} ({len(document.content)} byte, sha256 {document.sha256})")


@report_app.command("compile")
def compile_command(
    cycle: str = typer.Option(..., help="Cycle id or NÄMND:process:year"),
    as_of: str = typer.Option(None, "--as-of", help="As it looked then (YYYY-MM-DD[THH:MM])"),
    out: Path = typer.Option(None, help="Output file; default: underlag-….docx in the "
                             "current folder"),
    html: bool = typer.Option(False, "--html", help="HTML instead of .docx"),
) -> None:
    """The förvaltning's underlag for a cycle, from the approved reports."""
    # The options are checked before the store is opened: a typo creates no store.
    ident, moment = parse_cycle(cycle), parse_as_of(as_of)
    application = open_store()
    try:
        if html:
            _write(underlag_html(application, ident, moment), out, "underlag.html")
        else:
            document = compile_underlag(application, ident, moment)
            _write(document, out, document.filename)
    except DomainError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        application.close()


@report_app.command("delarsrapport")
def delarsrapport_command(
    data: Path = typer.Option(None, help="Folder with rapport.yaml, internkontroll.yaml, "
                              "ekonomi.yaml; default: snd2023/ in ARSPLAN_DATA_DIR or "
                              "in the packaged data (Socialnämnden 2023)"),
    out: Path = typer.Option(None, help="Output file; default: delarsrapport-….docx"),
    html: bool = typer.Option(False, "--html", help="HTML instead of .docx"),
) -> None:
    """The nämnd's delårsrapport from structured data files."""
    data = data if data is not None else data_dir(get_settings()) / "snd2023"
    try:
        if html:
            _write(delarsrapport_html(data), out, "delarsrapport.html")
        else:
            document = compile_delarsrapport(data)
            _write(document, out, document.filename)
    except DomainError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
