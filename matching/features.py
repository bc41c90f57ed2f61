"""Per-record preparation for linkage: every feature is computed ONCE per mention.

Pairwise SQL then only compares ready columns: the GB 11643 check of a legacy number, the
ID's address/birth/sequence parts, name characters, phone suffix, birth-date parts. Values
that are placeholders rather than identities (dummy ID numbers, shared office phones,
default birth dates) are removed here through data-driven stop lists, so they neither blow
up blocks nor count as agreement.
"""

from __future__ import annotations

import duckdb

# Roles whose mention names a child; a vaccination recipient is a child when young at the dose.
CHILD_ROLES = ("newborn", "child")
CHILD_MAX_AGE_YEARS = 14

# Default dates that source systems put in a required birth-date field.
PLACEHOLDER_BIRTH_DATES = ("1900-01-01", "1800-01-01", "1970-01-01", "2000-01-01", "0001-01-01")
# A value carried by this many different names is a placeholder, not a person's own.
STOP_DISTINCT_NAMES_ID = 5
STOP_DISTINCT_NAMES_PHONE = 6
# A birth date carried by far more mentions than an average date is a default value.
STOP_BIRTH_MIN_COUNT = 50
STOP_BIRTH_RATIO = 20

ID18 = "'^[0-9]{17}[0-9X]$'"

MACROS = """
CREATE OR REPLACE MACRO gb11643_check(b17) AS substr('10X98765432', CAST(list_sum(
    list_transform(range(17), lambda i: (ascii(substr(b17, i + 1, 1)) - 48)
    * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11 AS BIGINT) + 1, 1);
CREATE OR REPLACE MACRO id_clean(x) AS nullif(regexp_replace(upper(x), '\\s', '', 'g'), '');
CREATE OR REPLACE MACRO legacy_to_18(x) AS CASE
    WHEN regexp_full_match(x, '[0-9]{15}')
    THEN substr(x, 1, 6) || '19' || substr(x, 7) || gb11643_check(substr(x, 1, 6) || '19'
         || substr(x, 7))
    ELSE x END;
"""

_TEXT_COLUMNS = ("mention_id", "source", "org_code", "dataset", "record_id", "role", "id_no",
                 "mother_id_no", "name", "name_pinyin", "surname", "given_name", "sex_code",
                 "id_sex_code", "phone", "district_code")
_DATE_COLUMNS = ("birth_date", "id_birth_date", "event_date")
# Typed, so that a column that happens to be all null (a tiny delivery) still binds.
_TYPED = ", ".join([f"CAST({c} AS VARCHAR) AS {c}" for c in _TEXT_COLUMNS]
                   + [f"CAST({c} AS DATE) AS {c}" for c in _DATE_COLUMNS])

# Mentions with the columns linkage reads; the rest of the contract stays in the lake.
_BASE_SQL = """
SELECT
    mention_id AS unique_id, source, org_code, dataset, record_id, role,
    CASE WHEN role IN {child_roles}
              OR (role = 'recipient' AND coalesce(
                  date_diff('year', birth_date, event_date) < {child_age},
                  mother_id_no IS NOT NULL))
         THEN 'child' ELSE 'adult' END AS role_group,
    legacy_to_18(id_clean(id_no)) AS id_conv,
    legacy_to_18(id_clean(mother_id_no)) AS mother_conv,
    nullif(trim(name), '') AS name,
    nullif(trim(name_pinyin), '') AS name_pinyin,
    coalesce(nullif(surname, ''), substr(nullif(trim(name), ''), 1, 1)) AS surname,
    coalesce(nullif(given_name, ''), nullif(substr(trim(name), 2), '')) AS given_name,
    coalesce(birth_date, id_birth_date) AS birth_raw,
    coalesce(CASE WHEN sex_code IN ('1', '2') THEN sex_code END,
             CASE WHEN id_sex_code IN ('1', '2') THEN id_sex_code END) AS sex_key,
    CASE WHEN regexp_full_match(phone, '1[0-9]{{10}}') THEN phone END AS phone_raw,
    nullif(district_code, '') AS district_key,
    CASE WHEN dataset = 'mch.delivery' AND role = 'newborn' THEN org_code END AS delivery_key
FROM (SELECT {typed} FROM {source})
"""

_STOP_SQL = """
CREATE OR REPLACE TEMP TABLE _stop_id AS
    SELECT id_conv AS v FROM _base WHERE id_conv IS NOT NULL
    GROUP BY id_conv
    HAVING count(DISTINCT name) >= {id_names}
        OR length(replace(id_conv, substr(id_conv, 1, 1), '')) = 0;
CREATE OR REPLACE TEMP TABLE _stop_phone AS
    SELECT phone_raw AS v FROM _base WHERE phone_raw IS NOT NULL
    GROUP BY phone_raw HAVING count(DISTINCT name) >= {phone_names};
CREATE OR REPLACE TEMP TABLE _stop_birth AS
    WITH c AS (SELECT birth_raw AS v, count(*) AS n FROM _base
               WHERE birth_raw IS NOT NULL GROUP BY birth_raw)
    SELECT v FROM c WHERE n >= greatest({birth_min}, {birth_ratio} * (SELECT avg(n) FROM c))
    UNION SELECT CAST(d AS DATE) FROM unnest({placeholders}) t(d);
"""

_FEATURE_SQL = """
CREATE OR REPLACE TABLE {table} AS
WITH keyed0 AS (
    SELECT b.* EXCLUDE (id_conv, mother_conv, birth_raw, phone_raw),
        CASE WHEN b.id_conv IN (SELECT v FROM _stop_id) THEN NULL
             -- a newborn or child recorded under the mother's (guardian's) number
             WHEN b.id_conv = b.mother_conv THEN NULL
             WHEN b.role_group = 'child' AND regexp_full_match(b.id_conv, {id18})
                  AND abs(try_cast(substr(b.id_conv, 7, 4) AS INTEGER)
                          - year(b.birth_raw)) > 1 THEN NULL
             ELSE b.id_conv END AS id_key,
        CASE WHEN b.role_group = 'child' AND b.mother_conv NOT IN (SELECT v FROM _stop_id)
             THEN b.mother_conv END AS mother_key,
        CASE WHEN b.birth_raw NOT IN (SELECT v FROM _stop_birth) THEN b.birth_raw END
            AS birth_key,
        CASE WHEN b.phone_raw NOT IN (SELECT v FROM _stop_phone) THEN b.phone_raw END
            AS phone_key
    FROM _base b
),
-- a mother with two babies born the same day: two delivery records, or two different names
births AS (
    SELECT mother_key, birth_key FROM keyed0
    WHERE mother_key IS NOT NULL AND birth_key IS NOT NULL
    GROUP BY ALL
    HAVING count(DISTINCT CASE WHEN delivery_key IS NOT NULL THEN unique_id END) >= 2
        OR count(DISTINCT name_pinyin) >= 2
),
keyed AS (
    SELECT k.*, b.mother_key IS NOT NULL AS multiple_birth
    FROM keyed0 k LEFT JOIN births b USING (mother_key, birth_key)
)
SELECT * EXCLUDE (given_name),
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 1, 17) END AS id_body,
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 18, 1) END AS id_check,
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 1, 14) END AS id_ab,
    coalesce(regexp_full_match(id_key, {id18})
             AND gb11643_check(substr(id_key, 1, 17)) = substr(id_key, 18, 1), false)
        AS id_valid,
    string_split(given_name, '') AS given_chars,
    strftime(birth_key, '%Y%m%d') AS birth_str,
    year(birth_key) AS birth_year, month(birth_key) AS birth_month, day(birth_key) AS birth_day,
    right(phone_key, 8) AS phone8
FROM keyed
ORDER BY unique_id
"""


def build_features(
    con: duckdb.DuckDBPyConnection, source: str, table: str = "mention_features"
) -> int:
    """Create ``table`` (one row per mention, ``unique_id`` = mention_id) from the relation or
    view named ``source`` holding person mentions; returns its row count."""
    con.execute(MACROS)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _base AS "
        + _BASE_SQL.format(
            child_roles=str(CHILD_ROLES), child_age=CHILD_MAX_AGE_YEARS, source=source,
            typed=_TYPED,
        )
    )
    con.execute(
        _STOP_SQL.format(
            id_names=STOP_DISTINCT_NAMES_ID,
            phone_names=STOP_DISTINCT_NAMES_PHONE,
            birth_min=STOP_BIRTH_MIN_COUNT,
            birth_ratio=STOP_BIRTH_RATIO,
            placeholders=list(PLACEHOLDER_BIRTH_DATES),
        )
    )
    con.execute(_FEATURE_SQL.format(table=table, id18=ID18))
    for temp in ("_base", "_stop_id", "_stop_phone", "_stop_birth"):
        con.execute(f"DROP TABLE {temp}")
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
