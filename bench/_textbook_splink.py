"""Textbook Splink on the same person mentions: the baseline the scorecard holds us against.

What a competent user does with Splink's documented building blocks and no Chinese-specific
work: standard comparisons on the standardised mention columns (Jaro-Winkler names, the date
of birth comparison, Damerau-Levenshtein ID numbers, exact phone and sex, Jaro-Winkler
addresses), u by random sampling, the match prior from a deterministic ID rule, m by EM on two
blocks, prediction and clustering at match probability 0.5 — trained on the dataset itself,
which flatters it. A helper of the scorecard (``python -m bench`` skips underscored modules):
it calls ``textbook_splink``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kernel.layout import Layout
from schemas.tables import std_current_sql

THRESHOLD = 0.5
COLUMNS = ("name", "surname", "given_name", "birth_date", "sex_code", "id_no", "phone", "address")


def _settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="mention_id",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("id_no", [1, 2]),
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("sex_code"),
            cl.ExactMatch("phone"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_no"),
            block_on("name", "birth_date"),
            block_on("surname", "birth_date"),
            block_on("birth_date", "phone"),
            block_on("name", "phone"),
        ],
        retain_matching_columns=False,
    )


def textbook_splink(sources: Path, data: Path, day: date) -> dict:
    """Pairwise figures of textbook Splink on the mentions current after ``day``."""
    from splink import DuckDBAPI, Linker, block_on

    from matching.evaluation import TRUTH_KEYS, pairwise_metrics

    con = duckdb.connect()
    current = std_current_sql(Layout(data), "person_mention", day)
    con.execute(f"""CREATE TABLE mentions AS SELECT mention_id, {", ".join(TRUTH_KEYS)},
        {", ".join(COLUMNS)} FROM ({current})""")
    db = DuckDBAPI(connection=con)
    linker = Linker(db.register("mentions"), _settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("id_no")], 0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("id_no"), block_on("name", "birth_date")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, THRESHOLD)
    truth = sources / "truth" / "record_person.csv"
    frame = con.sql(f"""
        SELECT c.cluster_id, t.person_id FROM {clusters.physical_name} c
        JOIN read_csv('{truth}', all_varchar = true) t USING ({", ".join(TRUTH_KEYS)})""").df()
    con.close()
    return pairwise_metrics(frame, "cluster_id")
