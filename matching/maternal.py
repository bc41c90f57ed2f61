"""A pregnant woman's records at one MCH institution are one archive (孕产妇保健手册).

A prenatal, delivery or postpartum row sometimes names the mother with nothing else — her ID
number left out or unreadable, no phone, no birth date on that record type. A name alone
never links a person in a city, but inside one institution's maternal care the women it
follows are few: when exactly one woman of that name holds identified MCH records at the
institution, the name-only row is hers. Two such women and the row waits for a reviewer — and
so it does when a name-only delivery there cannot be hers: another delivery under that name
less than half a year from hers is another woman (or the same birth entered twice), and the
name no longer tells whose the other rows are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from matching.pregnancy import conflicts, timelines
from matching.relations import Rel, count, table

# One woman's two deliveries are at least this far apart (a very preterm birth conceived just
# after the last one).
MIN_DAYS_BETWEEN_BIRTHS = 180


def another_birth(a: str, b: str, same_day: bool = False) -> str:
    """SQL: two delivery rows' dates ``a``, ``b`` are births no one woman had both of — a day
    to half a year apart. On one day they may be her twins (one row per baby) or two women:
    ``same_day`` counts them too, where the doubt must stop a join rather than allow it."""
    low = 0 if same_day else 1
    return f"abs(date_diff('day', {a}, {b})) BETWEEN {low} AND {MIN_DAYS_BETWEEN_BIRTHS - 1}"


EPISODE_REASON = "automatic: one woman of that name in the institution's maternal care"

_SQL = """
WITH m AS (
    SELECT f.unique_id, f.org_code, f.dataset, f.record_id, f.name_key, f.id_key, f.phone_key,
        f.birth_key, l.resident_id
    FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id
    WHERE f.source = 'mch' AND f.role = 'mother' AND f.name_key IS NOT NULL),
deliveries AS (  -- a delivery row's date is its newborn's birth date (the row names both)
    SELECT m.org_code, m.name_key, m.unique_id, m.id_key, n.birth_key AS delivered_on
    FROM m JOIN {features} n ON n.org_code = m.org_code AND n.record_id = m.record_id
        AND n.dataset = m.dataset AND n.role = 'newborn'
    WHERE m.dataset = 'mch.delivery' AND n.birth_key IS NOT NULL),
two_births AS (  -- a name-only delivery near an identified one: the name cannot say whose
    SELECT DISTINCT b.org_code, b.name_key FROM deliveries b JOIN deliveries k
        ON k.org_code = b.org_code AND k.name_key = b.name_key
    WHERE b.id_key IS NULL AND k.id_key IS NOT NULL AND b.unique_id <> k.unique_id
      AND {another_birth}),
known AS (  -- identified women in each institution's maternal care, by name
    SELECT org_code, name_key, min(unique_id) AS unique_id,
        count(DISTINCT resident_id) AS women, any_value(resident_id) AS resident_id
    FROM m WHERE id_key IS NOT NULL GROUP BY ALL),
identified AS (  -- residents holding an ID number somewhere: not joined on a name
    SELECT DISTINCT l.resident_id FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id
    WHERE f.id_key IS NOT NULL),
bare AS (  -- name-only rows of residents without an ID number; a delivery row is the
           -- birth of a baby whose records name the mother (matching.family), not a visit
    SELECT unique_id, org_code, name_key, resident_id FROM m
    WHERE id_key IS NULL AND phone_key IS NULL AND birth_key IS NULL
      AND dataset <> 'mch.delivery'
      AND resident_id NOT IN (SELECT resident_id FROM identified))
SELECT k.unique_id AS mention_id_l, b.unique_id AS mention_id_r,
    NULL::DOUBLE AS match_weight
FROM bare b JOIN known k USING (org_code, name_key)
WHERE k.women = 1 AND k.resident_id <> b.resident_id
  AND NOT EXISTS (SELECT 1 FROM two_births t
                  WHERE t.org_code = b.org_code AND t.name_key = b.name_key)
ORDER BY ALL
"""


def episode_merges(
    con: duckdb.DuckDBPyConnection, features: str, links: Rel, data: Path, day: date
) -> pd.DataFrame:
    """Pairs (mention_id_l, mention_id_r, match_weight): a name-only MCH mother row and a
    record of the one identified woman of that name in the institution's maternal care —
    unless the row dates another pregnancy than her rows there (``matching.pregnancy``)."""
    sql = _SQL.format(
        features=features,
        links=links,
        another_birth=another_birth("b.delivered_on", "k.delivered_on", same_day=True),
    )
    pairs = table(con, "_episode_pairs", sql)
    if not count(con, pairs):
        return con.sql(f"SELECT * FROM {pairs}").df()
    hers = table(con, "_episode_rows", _HER_ROWS.format(pairs=pairs, features=features,
                                                        links=links))  # fmt: skip
    ids = table(
        con,
        "_episode_ids",
        f"""
        SELECT unique_id_l AS unique_id FROM {hers} UNION SELECT unique_id_r FROM {hers}""",
    )
    apart = conflicts(con, hers, timelines(con, data, day, ids))
    return con.sql(f"""
        SELECT * FROM {pairs}
        WHERE mention_id_r NOT IN (SELECT unique_id_l FROM {apart}) ORDER BY ALL""").df()


# each name-only row beside every MCH mother row of the woman it would join, at its institution
_HER_ROWS = """
SELECT p.mention_id_r AS unique_id_l, f.unique_id AS unique_id_r
FROM {pairs} p
JOIN {features} bare ON bare.unique_id = p.mention_id_r
JOIN {links} k ON k.mention_id = p.mention_id_l
JOIN {links} l ON l.resident_id = k.resident_id
JOIN {features} f ON f.unique_id = l.mention_id AND f.org_code = bare.org_code
WHERE f.source = 'mch' AND f.role = 'mother'
"""
