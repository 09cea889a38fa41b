"""A test run that leaves a new file in the repository fails, naming the file (the
session-finish guard in tests/conftest.py); tests write under tmp_path instead."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_that_writes_into_the_tree_fails_naming_what_it_wrote(tmp_path: Path) -> None:
    probe = f"tree-guard-probe-{uuid.uuid4().hex}.txt"
    (tmp_path / "test_writes.py").write_text(
        "from pathlib import Path\n\n\n"
        "def test_writes_into_the_tree() -> None:\n"
        f"    (Path({str(ROOT)!r}) / {probe!r}).write_text('x')\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("ARSPLAN_TREE_GUARD", "ARSPLAN_REQUIRE_POSTGRES")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
             "-p", "tests.conftest", str(tmp_path / "test_writes.py")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    finally:
        (ROOT / probe).unlink(missing_ok=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert "the tests wrote into the working tree" in done.stdout
    assert f"  {probe}" in done.stdout
