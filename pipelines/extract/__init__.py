"""Extract stage: reference data, then the deliveries of night D → typed raw Parquet,
quarantine and a load log."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extract.errors import ReferenceDataError
    from pipelines.extract.reference import load_reference
    from pipelines.extract.run import (
        ExtractSummary,
        UnitResult,
        begin_extract,
        extract_date,
        extract_units,
        finish_extract,
    )
    from pipelines.extract.units import Unit

_LAZY = {
    "ExtractSummary": "pipelines.extract.run",
    "extract_date": "pipelines.extract.run",
    "begin_extract": "pipelines.extract.run",
    "extract_units": "pipelines.extract.run",
    "finish_extract": "pipelines.extract.run",
    "UnitResult": "pipelines.extract.run",
    "Unit": "pipelines.extract.units",
    "load_reference": "pipelines.extract.reference",
    "ReferenceDataError": "pipelines.extract.errors",
}
__all__ = [
    "ExtractSummary",
    "ReferenceDataError",
    "Unit",
    "UnitResult",
    "begin_extract",
    "extract_date",
    "extract_units",
    "finish_extract",
    "load_reference",
]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that importing one helper module stays cheap
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipelines.extract' has no attribute {name!r}")
