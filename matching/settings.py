"""The Splink settings of the linkage model, assembled from comparisons and blocking rules."""

from __future__ import annotations

from splink import SettingsCreator

from matching.blocking import prediction_rules
from matching.comparisons import all_comparisons


def settings_creator(probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    """Dedupe-only model over the mention feature table (``unique_id`` = mention_id)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=all_comparisons(),
        blocking_rules_to_generate_predictions=prediction_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        # Splink emits gamma (comparison level) columns only with the matching columns; scoring
        # copies ids, weights and gammas out and drops the rest, so no PII leaves DuckDB.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=25,
        em_convergence=1e-4,
    )
