"""All settings come from the environment (prefix ARSPLAN_) or a .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from infrastructure.eventstore.environment import (
    CREATE_TABLE,
    DEFAULT_STATE_CACHE_MAXSIZE,
    GROUP_COMMIT,
    STATE_CACHE_MAXSIZE,
    postgres_env,
)
from infrastructure.secret_files import SecretFilesMixin


class Settings(SecretFilesMixin, BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARSPLAN_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = Field(
        default="development", description="production refuses to start without its secrets")
    event_store: Literal["sqlite", "postgres", "memory"] = "sqlite"
    sqlite_path: Path = Path("var/arsplan.sqlite")
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/test"
    postgres_schema: str = Field(default="public", description="schema of every table")
    group_commit: bool = Field(
        default=True, description="concurrent commands share one insert (PostgreSQL, SQLite)")
    state_cache_maxsize: int = Field(
        default=DEFAULT_STATE_CACHE_MAXSIZE, ge=0,
        description="aggregates whose current state commands keep in memory; 0: none")
    encryption_key: str | None = Field(default=None, description="AES key (base64) for payloads")
    create_tables: bool = Field(
        default=True, description="create missing tables at start; false where the database "
                                  "role may not (deploy/roles.sql, `arsplan migrate`)")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_db: Path = Path("var/temporal.sqlite")
    temporal_ui_port: int = 8233
    task_queue: str = "arsplan"
    # temporalio's default; a cycle keeps every workflow open (10,000 enheter: 10,501).
    worker_max_cached_workflows: int = Field(
        default=1000, ge=1,
        description="workflows the worker keeps in memory; set above the open workflows of "
                    "the largest cycle (docs/scaling.md)")
    # Orchestration (workflows, follower, notifier, outbound adapters)
    reminder_working_days_before: list[int] = [3, 1]
    reminder_hour: int = 8
    overdue_reminder_days: int = 20
    attest_working_days: int = 3
    follower_poll_seconds: float = 0.2  # a klarmarkering reaches its workflow within this
    # PostgreSQL: wake on the store's NOTIFY; off where LISTEN cannot work (a pooler in
    # transaction mode), leaving polling alone.
    follower_listen: bool = True
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "arsplan@alingsas.example"
    drop_dir: Path = Path("var/drop")
    klk_transport: Literal["file", "http"] = "file"
    klk_url: str | None = None
    platina_transport: Literal["file", "http"] = "file"
    platina_url: str | None = None

    timezone: str = "Europe/Stockholm"
    data_dir: Path | None = Field(
        default=None, description="folder of the data files (von/, snd2023/); unset: the "
                                  "files shipped in the package (infrastructure.packaged_data)")
    var_dir: Path = Path("var")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    session_hours: float = Field(
        default=8, gt=0, description="a dashboard session's lifetime from sign-in")
    log_level: str = "INFO"

    seal_key_file: Path | None = Field(
        default=None, description="Ed25519 private key (PEM) that signs the transparency "
                                  "log's heads; kept outside the database")
    oidc_jwks_file: Path | None = Field(
        default=None, description="JWKS (JSON) of the identity provider whose bearer JWTs "
                                  "sign people in")
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_person_claim: str = "sub"
    calendar_secret: str | None = Field(
        default=None, description="HMAC key for per-person/per-unit calendar feed links")
    otel_enabled: bool = False
    otel_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint; unset: spans to the console")
    otel_service_name: str = "arsplan"

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing reads to choose and open its recorders."""
        if self.event_store == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.event_store == "sqlite":  # its folder is made where the store is opened
            env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                   "SQLITE_DBNAME": str(self.sqlite_path),
                   "SQLITE_LOCK_TIMEOUT": "10"}
        else:
            env = {"PERSISTENCE_MODULE": "eventsourcing.postgres",
                   **postgres_env(self.postgres_dsn), "POSTGRES_SCHEMA": self.postgres_schema}
        env[GROUP_COMMIT] = "y" if self.group_commit else "n"
        env[CREATE_TABLE] = "y" if self.create_tables else "n"
        env[STATE_CACHE_MAXSIZE] = str(self.state_cache_maxsize)
        if self.encryption_key:
            env.update({"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
                        "CIPHER_KEY": self.encryption_key})
        return env


@lru_cache
def get_settings() -> Settings:
    return Settings()
