"""Feed settings: environment variables with the prefix ARSPLAN_FEED_."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from infrastructure.production import DEV_PSEUDONYM_SECRET
from infrastructure.secret_files import SecretFilesMixin


class FeedSettings(SecretFilesMixin, BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARSPLAN_FEED_", env_file=".env",
                                      extra="ignore")

    clients: str = "{}"  # JSON: token → {"client_id", "namnd_codes" | null, "personal_data"}
    pseudonym_secret: str = DEV_PSEUDONYM_SECRET
    poll_seconds: float = 0.5  # how often a live stream looks for new events
    stream_max_per_client: int = Field(default=4, ge=1)  # open streams per client at once
    stream_max_seconds: float = Field(default=3600.0, gt=0)  # then it ends; the client resumes
    stream_reauthorise_seconds: float = Field(default=60.0, gt=0)  # a revoked grant ends it
    nats_url: str = Field(default="nats://127.0.0.1:4222", validation_alias=AliasChoices(
        "ARSPLAN_FEED_NATS_URL", "ARSPLAN_NATS_URL"))  # the latter shared with other services
    stream: str = "ARSPLAN"
    subject_prefix: str = "arsplan"
    relay_name: str = "nats-relay"
    relay_batch: int = 200
    relay_personal_data: bool = False  # publish person ids in clear (only for a closed broker)
