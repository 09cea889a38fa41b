"""The `arsplan` command (Typer + Rich)."""
