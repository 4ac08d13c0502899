"""Fixtures of the deployment tests: the pinned tools (scripts/setup-deploy-tools)
and the sk8 servers they start (tests/pyspark/sk8_servers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pyspark"))


@pytest.fixture(scope="session")
def tools() -> Path:
    """Folder with bin/{helm,kubectl-validate,hadolint} and crds/ (installed once, cached)."""
    out = subprocess.run([str(REPO / "scripts" / "setup-deploy-tools")], cwd=REPO, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    path = Path(out.strip().splitlines()[-1])
    for tool in ("helm", "kubectl-validate", "hadolint"):
        assert (path / "bin" / tool).is_file(), f"{tool} missing from {path}/bin: run scripts/setup-deploy-tools"
    return path
