"""A pregnant woman's records at one MCH institution are one archive (孕产妇保健手册).

A prenatal, delivery or postpartum row sometimes names the mother with nothing else — her ID
number left out or unreadable, no phone, no birth date on that record type. A name alone
never links a person in a city, but inside one institution's maternal care the women it
follows are few: when exactly one woman of that name holds identified MCH records at the
institution, the name-only row is hers. Two such women and the row waits for a reviewer.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from matching.relations import Rel

EPISODE_REASON = "automatic: one woman of that name in the institution's maternal care"

_SQL = """
WITH m AS (
    SELECT f.unique_id, f.org_code, f.name_key, f.id_key, f.phone_key, f.birth_key,
        l.resident_id
    FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id
    WHERE f.source = 'mch' AND f.role = 'mother' AND f.name_key IS NOT NULL),
known AS (  -- identified women in each institution's maternal care, by name
    SELECT org_code, name_key, min(unique_id) AS unique_id,
        count(DISTINCT resident_id) AS women, any_value(resident_id) AS resident_id
    FROM m WHERE id_key IS NOT NULL GROUP BY ALL),
identified AS (  -- residents holding an ID number somewhere: not joined on a name
    SELECT DISTINCT l.resident_id FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id
    WHERE f.id_key IS NOT NULL),
bare AS (  -- name-only rows of residents without an ID number
    SELECT unique_id, org_code, name_key, resident_id FROM m
    WHERE id_key IS NULL AND phone_key IS NULL AND birth_key IS NULL
      AND resident_id NOT IN (SELECT resident_id FROM identified))
SELECT k.unique_id AS mention_id_l, b.unique_id AS mention_id_r,
    NULL::DOUBLE AS match_weight
FROM bare b JOIN known k USING (org_code, name_key)
WHERE k.women = 1 AND k.resident_id <> b.resident_id
ORDER BY ALL
"""


def episode_merges(con: duckdb.DuckDBPyConnection, features: str, links: Rel) -> pd.DataFrame:
    """Pairs (mention_id_l, mention_id_r, match_weight): a name-only MCH mother row and a
    record of the one identified woman of that name in the institution's maternal care."""
    return con.sql(_SQL.format(features=features, links=links)).df()
