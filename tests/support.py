"""What several test packages need: requirements that may not skip silently in CI.

On a developer's machine a test whose tool is missing (headless Chromium, the shared spec beside
the checkout) is skipped with the reason; under ``CI=true`` it runs and fails instead, so a CI
that lost the tool says so rather than passing with fewer tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def requires(available: bool, what: str) -> pytest.MarkDecorator:
    """Skip when ``what`` is missing, except under CI=true (then the test runs and fails)."""
    return pytest.mark.skipif(not available and not in_ci(), reason=f"needs {what}")


requires_chromium = requires(CHROMIUM.exists(), "Chromium (scripts/install-system-deps.sh)")
requires_shared_spec = requires(SHARED_SPEC.exists(), f"the shared spec at {SHARED_SPEC}")


def chromium(args: list[str], profile: Path, timeout: int = 90) -> str:
    """Run headless Chromium offline (no background networking, a fresh profile folder) and
    return what it printed (``--dump-dom`` gives the page after its scripts ran)."""
    import subprocess

    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
    ]  # fmt: skip
    done = subprocess.run(
        [str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout
