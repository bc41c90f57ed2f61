"""Fixtures of the publish tests: the small simulated city, built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.publish.simulated_city import build_small_city


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sources, data) of the shared small simulated city (read it, do not change it)."""
    base = tmp_path_factory.getbasetemp()
    # under pytest-xdist every worker has its own basetemp; their parent is the session's
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return build_small_city(shared / "small-simulated-city")
