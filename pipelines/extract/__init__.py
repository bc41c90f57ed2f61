"""Extract stage: deliveries of night D → typed raw Parquet, quarantine and a load log."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extract.run import ExtractSummary, extract_date

__all__ = ["ExtractSummary", "extract_date"]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that importing one helper module (e.g. ids) stays cheap
    if name in __all__:
        return getattr(importlib.import_module("pipelines.extract.run"), name)
    raise AttributeError(f"module 'pipelines.extract' has no attribute {name!r}")
