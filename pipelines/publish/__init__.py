"""The publish stage: reference data into the lake, then warehouse.duckdb and analytics.duckdb."""

from pipelines.publish.build import PublishSummary, publish
from pipelines.publish.errors import (
    InputError,
    ModelError,
    PseudonymKeyError,
    PublishError,
    ReferenceDataError,
)
from pipelines.publish.reference import load_reference

__all__ = [
    "InputError",
    "ModelError",
    "PseudonymKeyError",
    "PublishError",
    "PublishSummary",
    "ReferenceDataError",
    "load_reference",
    "publish",
]
