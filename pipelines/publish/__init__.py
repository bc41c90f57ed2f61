"""The publish stage: warehouse.duckdb and analytics.duckdb, archives, the indicator report.

``publish`` is imported on first use (PEP 562), so that a command that
only reads the published files (``archive show``) does not pay for the build's imports.
"""

from __future__ import annotations

import importlib
from typing import Any

from pipelines.publish.errors import (
    DataTestError,
    InputError,
    ModelError,
    PseudonymKeyError,
    PublishError,
)

_LAZY = {
    "PublishSummary": "pipelines.publish.build",
    "publish": "pipelines.publish.build",
}

__all__ = [
    "DataTestError",
    "InputError",
    "ModelError",
    "PseudonymKeyError",
    "PublishError",
    "PublishSummary",
    "publish",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
