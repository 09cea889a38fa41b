"""`arsplan person`: the person directory (correction, erasure, migration, proof).

Names and e-mail addresses live in the directory, not in the events; these commands are
how the kommun corrects or erases them (by whoever administers the organisation) and how
an auditor proves a name was the registered one. Output names people by id only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from application.person_directory import correct_person, erase_person, prove_profile
from bootstrap import open_store
from cli.store_option import STORE_HELP, settings_for
from domain.errors import DomainError
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from infrastructure.person_directory import directory_for, migrate_profiles

person_app = typer.Typer(help="The person directory: correct, erase, migrate and prove profiles",
                         no_args_is_help=True)
console = Console()

NAMND = typer.Option("VON", "--namnd", help="The nämnd's code")
PERSON = typer.Option(..., "--person", help="The person's id (e.g. p-5abbb7)")
STORE = typer.Option(None, "--store", help=STORE_HELP)
BY = typer.Option(..., "--by", help="Id of the person who administers the organisation "
                                    "(förvaltningschef)")


@contextmanager
def _store(store: str | None = None) -> Iterator[ArsplanStore]:
    application = open_store(settings_for(store))
    try:
        yield application
    except DomainError as refused:
        console.print(f"[red]Nekas[/red] ({refused.rule}): {refused}")
        raise typer.Exit(1) from None
    finally:
        application.close()


@person_app.command("correct")
def correct_command(person: str = PERSON, name: str = typer.Option(..., "--name"),
                    email: str = typer.Option(None, "--email"), by: str = BY,
                    namnd: str = NAMND, store: str = STORE) -> None:
    """Correct a person's name or e-mail (GDPR art. 16); the chain records the new digest."""
    with _store(store) as app:
        version = correct_person(app, directory_for(app), namnd, person, name, email, by)
    get_logger(person_id=person).info("person_profile_corrected", by=by, version=version)
    console.print(f"Profilen för {person} är rättad (organisationen version {version}).")


@person_app.command("erase")
def erase_command(person: str = PERSON, by: str = BY, namnd: str = NAMND,
                  store: str = STORE) -> None:
    """Erase a person's name and e-mail at the end of retention; the events stay."""
    with _store(store) as app:
        version = erase_person(app, directory_for(app), namnd, person, by)
    get_logger(person_id=person).info("person_profile_erased", by=by, version=version)
    console.print(f"Profilen för {person} är raderad (organisationen version {version}).")


@person_app.command("migrate")
def migrate_command(store: str = STORE) -> None:
    """Copy names and e-mail of version-1 PersonRegistered events into the directory where
    a row is missing (events are never rewritten)."""
    with _store(store) as app:
        copied = migrate_profiles(app)
    console.print(f"{len(copied)} profiler flyttade till personkatalogen.")


@person_app.command("prove")
def prove_command(person: str = PERSON, name: str = typer.Option(..., "--name"),
                  email: str = typer.Option(None, "--email"),
                  salt: str = typer.Option(..., "--salt", help="The salt, in hex"),
                  namnd: str = NAMND, store: str = STORE) -> None:
    """Prove that name, e-mail and salt are the profile the chain last committed to."""
    try:
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        raise typer.BadParameter("saltet ska vara hexadecimalt", param_hint="--salt") from None
    with _store(store) as app:
        try:
            matches = prove_profile(app, namnd, person, name, email, salt_bytes)
        except ValueError as bad:
            raise typer.BadParameter(str(bad), param_hint="--salt") from None
    if not matches:
        console.print(f"[red]STÄMMER INTE[/red]: profilen är inte den registrerade för {person}.")
        raise typer.Exit(1)
    console.print(f"[green]STÄMMER[/green]: profilen är den registrerade för {person}.")
