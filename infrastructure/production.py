"""Production mode (``ARSPLAN_ENV=production``): what a deployment must have set, or no
process starts.

Development falls back to the demo's dev tokens, a dev pseudonym secret, no encryption and
the PostgreSQL superuser; production refuses each of those and names what is missing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from infrastructure.settings import Settings

DEFAULT_PASSWORDS = frozenset({"", "arsplan", "postgres", "password", "secret"})
DEV_PSEUDONYM_SECRET = "dev-only-pseudonym-secret"


def production_problems(settings: Settings, *, tokens_file: Path | None,
                        pseudonym_secret: str, signs_people_in: bool = True) -> list[str]:
    """What production mode refuses; empty in development. ``signs_people_in``: the API
    (the worker, follower and relay sign nobody in)."""
    if settings.env != "production":
        return []
    problems = []
    if signs_people_in and tokens_file is None and settings.oidc_jwks_file is None:
        problems.append("ARSPLAN_API_TOKENS_FILE (or ARSPLAN_OIDC_JWKS_FILE): who may sign "
                        "in; without them the guessable dev tokens would be used")
    if signs_people_in and tokens_file is not None and not tokens_file.is_file():
        problems.append(f"ARSPLAN_API_TOKENS_FILE: {tokens_file} does not exist")
    if pseudonym_secret in ("", DEV_PSEUDONYM_SECRET):
        problems.append("ARSPLAN_FEED_PSEUDONYM_SECRET: the default lets anyone reverse the "
                        "feed's pseudonyms")
    if not settings.encryption_key:
        problems.append("ARSPLAN_ENCRYPTION_KEY: event payloads would be stored in clear")
    if settings.seal_key_file is None or not settings.seal_key_file.is_file():
        problems.append("ARSPLAN_SEAL_KEY_FILE: the key that signs the log's heads")
    if settings.event_store != "postgres":
        problems.append("ARSPLAN_EVENT_STORE=postgres: production runs on PostgreSQL")
    else:
        dsn = urlparse(settings.postgres_dsn)
        if (dsn.username or "postgres") == "postgres":
            problems.append("ARSPLAN_POSTGRES_DSN: the application's own role, not the "
                            "superuser postgres (deploy/roles.sql)")
        if (dsn.password or "") in DEFAULT_PASSWORDS:
            problems.append("ARSPLAN_POSTGRES_DSN: a password of its own, not a default one")
    return problems


