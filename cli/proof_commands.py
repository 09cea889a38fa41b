"""`arsplan audit seal | prove | consistency`: signed tree heads and proofs for revisorer.

The proofs are JSON files (docs/proofs.md) that audit/standalone_verifier.py checks
without the engine: ``python standalone_verifier.py inclusion proof.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import typer
from rich.console import Console

from audit.proofs import consistency_proof, inclusion_proof
from audit.seals import LiveTreeHeads, SealKey, TreeHead
from bootstrap import open_store
from cli.store_option import STORE_HELP, settings_for
from domain.errors import NotFoundError
from infrastructure.settings import Settings
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection

console = Console()


def _key(settings: Settings) -> SealKey:
    if settings.seal_key_file is None:
        console.print("[red]Ingen signeringsnyckel[/red]: ange ARSPLAN_SEAL_KEY_FILE.")
        raise typer.Exit(2)
    return SealKey.load(settings.seal_key_file)


def _write(doc: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if out is None:
        print(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        Console(stderr=True).print(f"Skrev {out}")


def _head_file(path: Path) -> TreeHead:
    try:
        return TreeHead.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise typer.BadParameter(f"{path}: inget signerat trädhuvud ({exc})") from None


def seal_command(store: str = typer.Option(None, "--store", help=STORE_HELP),
                 out: Path = typer.Option(None, help="File to write (default: stdout)")
                 ) -> None:
    """Sign the transparency log's head now (the key in ARSPLAN_SEAL_KEY_FILE)."""
    settings = settings_for(store)
    app = open_store(settings)
    views = ReadModels.for_app(app, [TransparencyLogProjection])
    try:
        head = LiveTreeHeads(_key(settings), app,
                             views.view(TransparencyLogProjection)).current()
    finally:
        views.close()
        app.close()
    if head is None:
        console.print("[red]Loggen är tom[/red]: det finns inget att signera.")
        raise typer.Exit(1)
    _write(head, out)


def prove_command(event_id: UUID = typer.Argument(..., help="The event's id (event_id)"),
                  seal_file: Path = typer.Option(
                      None, help="The tree head to prove against (default: sign now)"),
                  store: str = typer.Option(None, "--store", help=STORE_HELP),
                  out: Path = typer.Option(None, help="File to write (default: stdout)")
                  ) -> None:
    """Proof that an event is in the log under a signed tree head."""
    settings = settings_for(store)
    app = open_store(settings)
    views = ReadModels.for_app(app, [TransparencyLogProjection])
    view = views.view(TransparencyLogProjection)
    try:
        if seal_file is not None:
            head = _head_file(seal_file)
        else:
            current = LiveTreeHeads(_key(settings), app, view).current()
            if current is None:
                raise NotFoundError("loggen är tom")
            head = TreeHead.from_dict(current)
        proof = inclusion_proof(app, view, event_id, head)
    except NotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        views.close()
        app.close()
    _write(proof, out)


def consistency_command(first: Path = typer.Argument(..., help="The older tree head (JSON)"),
                        second: Path = typer.Argument(..., help="The newer tree head (JSON)"),
                        store: str = typer.Option(None, "--store", help=STORE_HELP),
                        out: Path = typer.Option(None, help="File to write (default: stdout)")
                        ) -> None:
    """Proof that the log has only grown between two signed tree heads."""
    app = open_store(settings_for(store))
    views = ReadModels.for_app(app, [TransparencyLogProjection])
    try:
        proof = consistency_proof(views.view(TransparencyLogProjection), _head_file(first),
                                  _head_file(second))
    except (ValueError, LookupError) as exc:
        console.print(f"[red]{exc}[/red] (är transparensloggen ikapp? arsplan read-models "
                      "rebuild)")
        raise typer.Exit(1) from None
    finally:
        views.close()
        app.close()
    _write(proof, out)
