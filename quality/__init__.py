"""Data quality: the validate stage (GE suites generated from the contracts, SQL checks declared
as data, the fatal gate), the check stage after link, offline Data Docs and the monthly
governance report.

    validate_date(data, day) -> QualitySummary     quality.result + held deliveries for night D
    check_date(data, day) -> CheckSummary          lake and MPI checks of night D, after link
    build_data_docs(data, day) -> Path             self-contained GE Data Docs for night D
    report.build_quality_report(data, month) -> Path   数据质量通报 for one month

Great Expectations is imported only inside the functions that use it.
"""

from __future__ import annotations

from quality.data_docs import build_data_docs
from quality.post_link import CheckSummary, check_date
from quality.validate import QualitySummary, validate_date

__all__ = ["CheckSummary", "QualitySummary", "build_data_docs", "check_date", "validate_date"]
