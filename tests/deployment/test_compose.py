"""docker-compose.yml is validated by parsing (no Docker engine here): services, images,
health checks, start order, and that every command it runs exists in the project."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from cli.main import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
LONG_RUNNING = ["postgres", "temporal", "temporal-ui", "nats", "worker", "follower", "api"]


def test_every_part_of_the_deployment_is_there() -> None:
    assert set(LONG_RUNNING) | {"relay", "migrate", "import"} <= set(SERVICES)


def test_third_party_images_are_pinned() -> None:
    for name, service in SERVICES.items():
        image = service.get("image", "")
        if image and not image.startswith("arsplan"):
            assert ":" in image and not image.endswith(":latest"), name


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_health_checks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"]


def test_app_services_start_after_their_dependencies_are_healthy() -> None:
    for name in ("worker", "follower", "api", "migrate", "import", "relay"):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["temporal"]["condition"] == "service_healthy"
        if name != "migrate":
            assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["temporal"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_temporal_uses_the_postgres_service() -> None:
    env = SERVICES["temporal"]["environment"]
    assert env["DB"].startswith("postgres") and env["POSTGRES_SEEDS"] == "postgres"


def test_the_follower_stays_single_and_workers_scale() -> None:
    assert SERVICES["follower"]["deploy"]["replicas"] == 1
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2


def _cli_commands() -> set[str]:
    group = get_command(cli_app)
    return set(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [n for n, s in SERVICES.items() if "command" in s])
def test_every_service_command_exists_in_the_project(name: str) -> None:
    command = SERVICES[name]["command"]
    if SERVICES[name].get("image", "").startswith("arsplan") or "build" in SERVICES[name]:
        if command[0] == "arsplan":
            assert command[1] in _cli_commands(), command
        elif command[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(command[2]) is not None, command
        else:
            pytest.fail(f"unexpected command form {command}")


def test_dockerfile_copies_every_package_the_image_runs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("domain", "application", "activities", "workflows", "projections",
                    "infrastructure", "follower", "cli", "api", "reporting", "feed", "audit",
                    "simulation", "bootstrap", "worker.py"):
        assert f"COPY {package}" in dockerfile
        assert (ROOT / package).exists()


APP_SERVICES = [n for n, s in SERVICES.items() if s.get("image", "").startswith("arsplan")]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_app_service_runs_in_production_mode_with_file_secrets(name: str) -> None:
    env = SERVICES[name]["environment"]
    assert env["ARSPLAN_ENV"] == "production"
    assert env["ARSPLAN_SECRETS_DIR"] == "/run/secrets"
    targets = {s["target"] if isinstance(s, dict) else s for s in SERVICES[name]["secrets"]}
    assert "arsplan_postgres_dsn" in targets and "arsplan_encryption_key" in targets
    assert "ARSPLAN_POSTGRES_DSN" not in env and "ARSPLAN_ENCRYPTION_KEY" not in env


def test_only_migrate_creates_tables() -> None:
    for name in APP_SERVICES:
        creates = SERVICES[name]["environment"]["ARSPLAN_CREATE_TABLES"]
        assert creates == ("true" if name == "migrate" else "false"), name
    assert SERVICES["migrate"]["command"][:2] == ["arsplan", "migrate"]


def _values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _values(value)]
    if isinstance(node, list):
        return [v for value in node for v in _values(value)]
    return [str(node)]


def test_no_password_or_key_is_written_in_the_file() -> None:
    for name, service in SERVICES.items():
        for key, value in service.get("environment", {}).items():
            if any(word in key for word in ("PASSWORD", "PWD", "SECRET")):
                assert key.endswith(("_FILE", "_DIR")), (name, key, value)
                assert str(value).startswith("/run/secrets"), (name, key, value)
    assert not any("://" in v and "@" in v for v in _values(COMPOSE)), "a DSN with a password"


def test_every_secret_is_one_arsplan_secrets_writes() -> None:
    from cli.secrets_command import SECRETS
    for name, secret in COMPOSE["secrets"].items():
        file = Path(secret["file"]).name
        assert file in SECRETS or file == "seal_key.pem", name


def test_the_temporal_ui_is_an_operators_read_only_tool() -> None:
    ui = SERVICES["temporal-ui"]
    assert ui["profiles"] == ["ops"]
    assert all(str(p).startswith("127.0.0.1:") for p in ui.get("ports", []))
    assert ui["environment"]["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"


def test_the_database_roles_are_created_at_first_start() -> None:
    mounts = SERVICES["postgres"]["volumes"]
    for mount in mounts[1:]:
        assert (ROOT / mount.split(":")[0]).exists(), mount
    assert SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")


@pytest.mark.parametrize("name", [n for n, s in SERVICES.items()
                                  if "python -c" in str(s.get("healthcheck", {}).get("test"))])
def test_health_checks_import_modules_that_exist(name: str) -> None:
    test = " ".join(SERVICES[name]["healthcheck"]["test"])
    module = test.split("import ")[1].split("'")[0].split(";")[0].strip()
    if module != "urllib.request":
        assert importlib.util.find_spec(module) is not None, module
