"""Dependency arrows point one way: the domain imports none of the outer layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTER = {"infrastructure", "projections", "api", "cli", "activities", "workflows", "feed",
         "reporting", "worker", "bench", "application", "follower", "simulation", "audit",
         "bootstrap"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "domain").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_domain_imports_no_outer_layer(path: Path) -> None:
    assert not imported_packages(path) & OUTER


@pytest.mark.parametrize("path", sorted([*(ROOT / "domain").rglob("*.py"),
                                         *(ROOT / "application").rglob("*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_and_service_layer_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300
