"""Standardise stage: raw deliveries of night D → std.person_mention and the event tables."""

from pipelines.standardise.run import StandardiseSummary, standardise_date

__all__ = ["StandardiseSummary", "standardise_date"]
