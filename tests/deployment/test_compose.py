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
    assert set(LONG_RUNNING) | {"relay", "migrate"} <= set(SERVICES)


def test_third_party_images_are_pinned() -> None:
    for name, service in SERVICES.items():
        image = service.get("image", "")
        if image and not image.startswith("arsplan"):
            assert ":" in image and not image.endswith(":latest"), name


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_health_checks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"]


def test_app_services_start_after_their_dependencies_are_healthy() -> None:
    for name in ("worker", "follower", "api", "migrate"):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["temporal"]["condition"] == "service_healthy"
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
