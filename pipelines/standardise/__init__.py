"""Standardise stage: raw deliveries of night D → std.person_mention and the event tables."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.standardise.run import StandardiseSummary, standardise_date

__all__ = ["StandardiseSummary", "standardise_date"]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that importing one helper module (e.g. ids) stays cheap
    if name in __all__:
        return getattr(importlib.import_module("pipelines.standardise.run"), name)
    raise AttributeError(f"module 'pipelines.standardise' has no attribute {name!r}")
