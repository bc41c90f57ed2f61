"""Data quality: the validate stage (GE suites generated from the contracts, SQL checks declared
as data, the fatal gate) and offline Data Docs.

    validate_date(data, day) -> QualitySummary   quality.result + held deliveries for night D
    build_data_docs(data, day) -> Path           self-contained GE Data Docs for night D

Great Expectations is imported only inside the functions that use it.
"""

from __future__ import annotations

from quality.data_docs import build_data_docs
from quality.validate import QualitySummary, validate_date

__all__ = ["QualitySummary", "build_data_docs", "validate_date"]
