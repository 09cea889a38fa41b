"""`arsplan api`: the API and dashboard alone, against the configured event store.

For deployments where Temporal, the worker and the follower run elsewhere
(docker-compose.yml). The API keeps its read models up to date itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import uvicorn

from api.app import create_app
from api.auth import dev_tokens
from bootstrap import build_engine, open_store
from cli.demo import NAMND_CODE
from infrastructure.logging import get_logger
from infrastructure.oidc import JwtVerifier
from infrastructure.person_directory import person_names
from infrastructure.settings import Settings
from infrastructure.tracing import instrument_api
from projections.read_models import ReadModels


def load_tokens(tokens_file: Path | None, settings: Settings) -> dict[str, str]:
    """A JSON object token → person_id; without a file, the demo people's dev tokens
    (development only: production mode has refused to start by then)."""
    if tokens_file is not None:
        tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
        if not isinstance(tokens, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in tokens.items()):
            raise ValueError(f"{tokens_file}: expected a JSON object of token → person_id")
        return tokens
    if settings.env == "production" or settings.oidc_jwks_file is not None:
        return {}
    app = open_store(settings)
    try:
        return dev_tokens(app.organisation(NAMND_CODE), person_names(app, NAMND_CODE))
    finally:
        app.close()


def jwt_verifier(settings: Settings) -> JwtVerifier | None:
    if settings.oidc_jwks_file is None:
        return None
    return JwtVerifier.from_file(settings.oidc_jwks_file, settings.oidc_issuer,
                                 settings.oidc_audience, settings.oidc_person_claim)


def serve_api(settings: Settings, host: str, port: int, tokens_file: Path | None) -> None:
    tokens = load_tokens(tokens_file, settings)
    engine = build_engine(settings)
    read_models = ReadModels.for_app(engine.store)
    try:
        dev_login = tokens_file is None and settings.env == "development" and \
            settings.oidc_jwks_file is None
        if dev_login:
            get_logger().warning("dev_tokens_in_use", hint="set ARSPLAN_API_TOKENS_FILE")
        api = create_app(engine.store, engine.bus, tokens, read_models=read_models,
                         namnd_code=NAMND_CODE, dev_login=dev_login,
                         tree_heads=engine.tree_heads, jwt_verifier=jwt_verifier(settings),
                         session_hours=settings.session_hours,
                         secure_cookies=settings.env == "production")
        instrument_api(api, settings)
        uvicorn.run(api, host=host, port=port, log_level="warning")
    finally:
        read_models.close()
        engine.close()
