"""The house style is kept: ruff (line length 99, imports, pyupgrade, bugbear) and mypy (the
settings in pyproject.toml) are clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    local = Path(sys.executable).parent / name
    return found or (str(local) if local.exists() else None)


@pytest.mark.skipif(_tool("ruff") is None, reason="ruff is not installed")
def test_ruff_is_clean() -> None:
    done = subprocess.run([str(_tool("ruff")), "check", "--no-cache", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.skipif(_tool("mypy") is None, reason="mypy is not installed")
def test_mypy_is_clean() -> None:
    done = subprocess.run([str(_tool("mypy")), "--no-incremental", "--cache-dir", "/dev/null"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
