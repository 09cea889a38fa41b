"""Loads by name (topics, settings) obey the same arrows as imports.

import-linter sees only import statements. What is loaded from a string at run time is
checked here: stored event topics resolve into the domain, the settings name only
eventsourcing's own modules, and no module of ours loads code by name except where
listed (each with the reason).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic

from domain.aggregates import AGGREGATES
from domain.base import AuditedAggregate
from infrastructure.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "application", "infrastructure", "workflows", "activities", "follower",
            "projections", "reporting", "feed", "audit", "simulation", "api", "cli",
            "bootstrap")
LOADERS = {"resolve_topic", "import_module", "__import__"}
# module → why it may load by name
ALLOWED = {
    "projections/audit_trail.py": "decodes a stored event's topic (always a domain class)",
    "feed/wire.py": "decodes a stored event's topic (always a domain class) for its envelope",
}


def _calls_by_name(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in LOADERS:
                found.add(name)
    return found


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_loads_code_by_name_unless_listed(path: Path) -> None:
    relative = str(path.relative_to(ROOT))
    if relative in ALLOWED:
        return
    assert not _calls_by_name(path), f"{relative} loads code by name: list it in ALLOWED"


def test_the_listed_loaders_still_exist() -> None:
    for relative in ALLOWED:
        assert _calls_by_name(ROOT / relative), f"{relative} no longer loads by name"


def test_every_recorded_event_topic_is_a_domain_class() -> None:
    topics = [get_topic(attr) for aggregate in AGGREGATES for attr in vars(aggregate).values()
              if isinstance(attr, type) and issubclass(attr, AuditedAggregate.Event)]
    assert topics and all(t.startswith("domain.") for t in topics)


@pytest.mark.parametrize("store", ["sqlite", "postgres", "memory"])
def test_settings_name_only_eventsourcing_modules(store: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, event_store=store,  # type: ignore[call-arg]
                        sqlite_path=tmp_path / "e.sqlite", encryption_key="k" * 24)
    env = settings.eventsourcing_env()
    named = [v for k, v in env.items() if k.endswith(("_TOPIC", "_MODULE"))]
    assert named and all(v.startswith("eventsourcing.") for v in named), named
