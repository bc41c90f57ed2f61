"""Test-wide setup and the fixtures several test packages share.

Airflow must see a throwaway AIRFLOW_HOME before anything imports it. The fixtures build small
published lakes once per module (or once per session for the simulated city): read them, do not
change them, or build your own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="healtharchive-airflow-"))
os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", "test-only-key-not-a-secret-0123456789")


@pytest.fixture(scope="module")
def published_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built scenario city (``tests/publish/scenario.py``), published after night D."""
    from pipelines.publish import publish
    from tests.publish.scenario import D, build_city

    data = tmp_path_factory.mktemp("city")
    build_city(data)
    publish(data, D)
    return data


@pytest.fixture(scope="module")
def published_clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built clinic (``tests/publish/clinic.py``), published after night D."""
    from pipelines.publish import publish
    from tests.publish.clinic import D, build_clinic

    data = tmp_path_factory.mktemp("clinic")
    build_clinic(data)
    publish(data, D)
    return data


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sources, data) of the small simulated city after every night (built once per run)."""
    from tests.publish.simulated_city import build_small_city

    base = tmp_path_factory.getbasetemp()
    # under pytest-xdist every worker has its own basetemp; their parent is the session's
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return build_small_city(shared / "small-simulated-city")
