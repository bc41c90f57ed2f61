"""Blocking rules: which pairs of mentions are scored at all.

Chosen for recall: every rule is a cheap equi-join on per-record features, each catching what
the others miss (an ID typo, a missing ID, a homophone name, a newborn without ID or name).
Placeholder values were nulled by ``matching.features`` so they form no block. Candidate pairs
are counted from block sizes before anything is predicted.
"""

from __future__ import annotations

import duckdb
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from matching.relations import Rel, table

_LATIN = "name_latin"

# (label, key columns): the label goes to logs and the summary. An expression without a function
# call is put in parentheses, or Splink reads it as one column name.
PREDICTION_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id_no", ("id_key",)),
    # twins and sequence typos; with the surname, or a city's births of one day in one
    # district form one block (15 M pairs at three million mentions)
    ("id address+birth+surname", ("id_ab", "surname")),
    # the parts of an 18-character resident number only (id_body is null for a passport or a
    # short number: a block on its 7th character would join a tenth of them)
    ("id birth+sequence+check", ("substr(id_body, 7, 11) || id_check",)),
    # a typo in the birth part of the number, when no birth date was delivered beside it
    (
        "id address+sequence+check+pinyin",
        ("substr(id_body, 1, 6)", "substr(id_body, 15, 3) || id_check", "name_pinyin"),
    ),
    # a passport or permit number with two characters transposed (no check digit catches it):
    # the same characters in order; resident numbers are left to the blocks above
    (
        "document characters",
        ("(CASE WHEN id_kind = 'other' THEN array_sort(split(id_key, '')) END)",),
    ),
    ("pinyin+birth", ("name_pinyin", "birth_key")),
    # a Latin name with its words in another order
    ("name+birth", ("name_key", "birth_key")),
    # a mistyped given name, or a mistyped surname
    ("surname+birth", ("surname", "birth_key")),
    ("given name+birth", ("given_name", "birth_key")),
    ("pinyin+phone", ("name_pinyin", "phone_key")),
    ("birth+phone", ("birth_key", "phone_key")),
    ("mother+birth", ("mother_key", "birth_key")),
    # a child's record without a birth date (or with the mother's, nulled by the features): a
    # mother has few children, so the block stays small
    ("mother", ("mother_key",)),
    ("name+district+birth year", ("name", "district_key", "birth_year")),
    # Latin names (foreigners) are a small share of a Chinese city, so their blocks can be
    # wide: a name whatever its birth date, a birth date whatever the spelling. (Halves of a
    # passport number, or one word of the name, recovered a few FEBRL pairs for ten times the
    # pairs and scoring time: not kept.)
    ("Latin name", (f"(CASE WHEN {_LATIN} THEN name_key END)",)),
    ("Latin name birth", (f"(CASE WHEN {_LATIN} THEN birth_key END)",)),
    ("Latin name address", (f"(CASE WHEN {_LATIN} THEN address_key END)",)),
    # one word of a Latin name mistyped and no birth date to block on: the other word whole and
    # the first letters of the mistyped one
    (
        "Latin surname+given initials",
        (f"(CASE WHEN {_LATIN} THEN surname || ' ' || substr(given_name, 1, 2) END)",),
    ),
    (
        "Latin given name+surname initials",
        (f"(CASE WHEN {_LATIN} THEN given_name || ' ' || substr(surname, 1, 3) END)",),
    ),
)

# EM sessions: each blocks on fields whose own parameters it then cannot learn, so together
# they estimate every comparison.
TRAINING_KEYS: tuple[tuple[str, ...], ...] = (
    ("id_key",),
    ("name_pinyin", "birth_key"),
    ("mother_key", "birth_key"),
    # The birth-date comparison reads the ID columns (a generation apart with one document is a
    # mistyped date), so neither block above can train it: these two do, the second where a city
    # has no phones (FEBRL). Splink trains a comparison only in blocks that leave it free.
    ("name_pinyin", "phone_key"),
    ("name_key",),
)


def prediction_rules() -> list[BlockingRuleCreator]:
    return [block_on(*keys) for _, keys in PREDICTION_KEYS]


def training_rules() -> list[BlockingRuleCreator]:
    return [block_on(*keys) for keys in TRAINING_KEYS]


def _not_null(keys: tuple[str, ...], alias: str = "") -> str:
    return " AND ".join(f"({alias}{k}) IS NOT NULL" for k in keys)


def _keyed(keys: tuple[str, ...]) -> str:
    return ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))


def count_candidate_pairs(
    con: duckdb.DuckDBPyConnection, new: str, index: str | None = None
) -> dict[str, int]:
    """Pairs each prediction rule generates among ``new`` and between ``new`` and ``index``.

    Counted from block sizes (n·(n-1)/2 within, n_new·n_index between) without enumerating
    pairs; a pair found by several rules counts under each, so the total is an upper bound
    of what Splink scores.
    """
    counts = {}
    for label, keys in PREDICTION_KEYS:
        cols = ", ".join(f"k{i}" for i in range(len(keys)))
        within = f"""SELECT {cols}, count(*) AS n FROM (SELECT {_keyed(keys)} FROM {new}
                     WHERE {_not_null(keys)}) GROUP BY ALL"""
        if index is None:
            sql = f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM ({within})"
        else:
            between = f"""SELECT {cols}, count(*) AS m FROM (SELECT {_keyed(keys)} FROM {index}
                          WHERE {_not_null(keys)}) GROUP BY ALL"""
            sql = f"""WITH w AS ({within}), b AS ({between})
                SELECT (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM w)
                     + (SELECT coalesce(sum(w.n * b.m), 0) FROM w JOIN b USING ({cols}))"""
        counts[label] = int(con.execute(sql).fetchall()[0][0])
    return counts


def index_candidates(
    con: duckdb.DuckDBPyConnection, new: str, index: str, out: str = "candidate_ids"
) -> Rel:
    """Table ``out`` (unique_id): the rows of ``index`` sharing a blocking key with ``new``.

    Only these can form a pair with a new mention, so Splink's ``predict_between`` runs on a
    few thousand index rows instead of the whole city. Keys are compared before stop lists,
    so the result is a superset of what the blocking rules accept.
    """
    semis = []
    for _, keys in PREDICTION_KEYS:
        on = " AND ".join(f"i.k{n} = w.k{n}" for n in range(len(keys)))
        semis.append(f"""
            SELECT i.unique_id FROM (SELECT unique_id, {_keyed(keys)} FROM {index}
                                     WHERE {_not_null(keys)}) i
            SEMI JOIN (SELECT DISTINCT {_keyed(keys)} FROM {new} WHERE {_not_null(keys)}) w
            ON {on}""")
    return table(con, out, " UNION ".join(semis))
