"""Blocking rules: which pairs of mentions are scored at all.

Chosen for recall: every rule is a cheap equi-join on per-record features, each catching what
the others miss (an ID typo, a missing ID, a homophone name, a newborn without ID or name).
Placeholder values were already nulled by ``matching.features`` so they form no block.
"""

from __future__ import annotations

import duckdb
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

# (label, key columns): the label goes to logs and the summary.
PREDICTION_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id_no", ("id_key",)),
    ("id address+birth", ("id_ab",)),
    ("id birth+sequence+check", ("substr(id_key, 7, 12)",)),
    ("pinyin+birth", ("name_pinyin", "birth_key")),
    ("pinyin+phone", ("name_pinyin", "phone_key")),
    ("birth+phone", ("birth_key", "phone_key")),
    ("mother+birth", ("mother_key", "birth_key")),
    ("name+district+birth year", ("name", "district_key", "birth_year")),
)

# EM sessions: each blocks on fields whose own parameters it then cannot learn, so together
# they estimate every comparison.
TRAINING_KEYS: tuple[tuple[str, ...], ...] = (
    ("id_key",),
    ("name_pinyin", "birth_key"),
    ("mother_key", "birth_key"),
)


def prediction_rules() -> list[BlockingRuleCreator]:
    return [block_on(*keys) for _, keys in PREDICTION_KEYS]


def training_rules() -> list[BlockingRuleCreator]:
    return [block_on(*keys) for keys in TRAINING_KEYS]


def count_candidate_pairs(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    """Pairs each prediction rule generates on ``table``, from block sizes (sum of n·(n-1)/2).

    Counted per rule before predicting, without enumerating pairs; a pair found by several
    rules counts under each, so the total is an upper bound of what Splink scores.
    """
    counts = {}
    for label, keys in PREDICTION_KEYS:
        not_null = " AND ".join(f"({k}) IS NOT NULL" for k in keys)
        sql = f"""
            SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (
                SELECT count(*) AS n FROM {table} WHERE {not_null} GROUP BY {", ".join(keys)})
        """
        counts[label] = int(con.execute(sql).fetchall()[0][0])
    return counts
