"""Extract stage: reference data, then the deliveries of night D → typed raw Parquet,
quarantine and a load log."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extract.errors import ReferenceDataError
    from pipelines.extract.reference import load_reference
    from pipelines.extract.run import ExtractSummary, extract_date

_LAZY = {
    "ExtractSummary": "pipelines.extract.run",
    "extract_date": "pipelines.extract.run",
    "load_reference": "pipelines.extract.reference",
    "ReferenceDataError": "pipelines.extract.errors",
}
__all__ = ["ExtractSummary", "ReferenceDataError", "extract_date", "load_reference"]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that importing one helper module stays cheap
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipelines.extract' has no attribute {name!r}")
