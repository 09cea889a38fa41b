"""Every long-running process checks production mode before it starts (ARSPLAN_ENV)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from feed.settings import FeedSettings
from infrastructure.production import production_problems
from infrastructure.settings import Settings


def refuse_unless_ready(settings: Settings, tokens_file: Path | None = None, *,
                        signs_people_in: bool = True) -> None:
    """Exits 1, naming each missing or unsafe setting, when production mode lacks one."""
    if tokens_file is None and os.environ.get("ARSPLAN_API_TOKENS_FILE"):
        tokens_file = Path(os.environ["ARSPLAN_API_TOKENS_FILE"])
    problems = production_problems(settings, tokens_file=tokens_file,
                                   pseudonym_secret=FeedSettings().pseudonym_secret,
                                   signs_people_in=signs_people_in)
    if problems:
        err = Console(stderr=True)
        err.print("[red]ARSPLAN_ENV=production: not starting.[/red] Missing or unsafe:")
        for problem in problems:
            err.print(f"  - {problem}")
        raise typer.Exit(1)
