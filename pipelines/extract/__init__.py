"""Extract stage: deliveries of night D → typed raw Parquet, quarantine and a load log."""

from pipelines.extract.run import ExtractSummary, extract_date

__all__ = ["ExtractSummary", "extract_date"]
