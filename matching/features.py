"""Per-record preparation for linkage: every feature is computed ONCE per mention version.

``record_features`` turns standardised person mentions into one row of ready columns per
mention: the parts of the ID number standardisation repaired and checked (GB 11643 is applied
once, there), name characters and pinyin, phone suffix, birth-date parts, address character
bigrams. These rows are stored in the index
(``matching.index``) and never recomputed unless the mention changes.

``population_features`` then applies, each night, what depends on everyone rather than on
one record: stop lists of placeholder values (dummy ID numbers, shared office phones,
default birth dates) so that they neither blow up blocks nor count as agreement, term
frequencies of names and birth dates, and the "mother with two babies born that day" flag.
It only aggregates over the values tonight's mentions carry, so a night of 10,000 mentions
does not re-count a city of millions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from kernel import idno
from kernel.city import city
from kernel.sql import sql_string
from matching.relations import Rel
from matching.services import EMPTY as SERVICES_NONE
from schemas.tables import typed_sql

# Roles whose mention names a child; a vaccination recipient is a child when young at the dose
# (younger than the city's ``child_max_age_years``).
CHILD_ROLES = ("newborn", "child")

# Default dates that source systems put in a required birth-date field.
PLACEHOLDER_BIRTH_DATES = ("1900-01-01", "1800-01-01", "1970-01-01", "2000-01-01", "0001-01-01")
# A value carried by many different names is a placeholder, not a person's own (how many: the
# city's ``stop_names_per_id`` / ``stop_names_per_phone``); a birth date carried by far more
# mentions than an average date (``stop_birth_min_count`` and this ratio) is a default value.
STOP_BIRTH_RATIO = 20

ID18 = "'^[0-9]{17}[0-9X]$'"
# A mother's age at a birth: a woman of 55 or more is the child's grandmother (China's
# oldest mothers, after IVF, are rare cases in the news), whose phone a baby's record may carry.
MOTHER_AGE_YEARS = (12, 54)

# SQL macros the features and the comparison levels call, declared once: DuckDB gets them as
# macros (``MACROS``); the Spark engine inlines them (``matching.spark_sql``), so a body only
# uses functions both know, or that ``matching.spark_sql`` translates.
SQL_MACROS: dict[str, tuple[tuple[str, ...], str]] = {
    "char_bigrams": (
        ("s",),
        "CASE WHEN length(s) >= 2 THEN list_distinct("
        "list_transform(range(length(s) - 1), lambda i: substr(s, i + 1, 2))) END",
    ),
    # the share of the shorter list's (distinct) values found in the other
    "overlap_share": (
        ("a", "b"),
        "array_length(array_intersect(a, b)) / least(array_length(a), array_length(b))",
    ),
    # a child's "mother's" number that cannot be the mother's: a man's (GB 11643: an odd
    # 17th digit), or a woman's born more than a mother's age (MOTHER_AGE_YEARS) before the
    # child. A vaccination record names the guardian of the day, often the father or a
    # grandparent. (The year is compared as text: a number with letters in it is neither.)
    "not_a_mother": (
        ("mother_key", "child_year"),
        f"coalesce(length(mother_key) = 18 AND ({idno.sex_code_sql('mother_key')} = '1'"
        f" OR substr(mother_key, 7, 4) < CAST(child_year - {MOTHER_AGE_YEARS[1]} AS VARCHAR)),"
        " false)",
    ),
}

MACROS = "".join(
    f"CREATE OR REPLACE MACRO {name}({', '.join(params)}) AS {body};\n"
    for name, (params, body) in SQL_MACROS.items()
)

_TEXT_COLUMNS = (
    "mention_id",
    "source",
    "org_code",
    "dataset",
    "record_id",
    "role",
    "id_type",
    "id_no",
    "mother_id_no",
    "mother_name",
    "name",
    "name_pinyin",
    "surname",
    "given_name",
    "sex_code",
    "id_sex_code",
    "phone",
    "district_code",
    "address",
)
_DATE_COLUMNS = ("birth_date", "id_birth_date", "event_date", "load_date")
# Typed, so that a column that happens to be all null (a tiny delivery) still binds.
_TYPED = (
    "CAST(id_no_valid AS BOOLEAN) AS id_no_valid, CAST(birth_order AS INTEGER) AS birth_order, "
    "CAST(placeholder_child AS BOOLEAN) AS placeholder_child, "
    + ", ".join(
        [f"CAST({c} AS VARCHAR) AS {c}" for c in _TEXT_COLUMNS]
        + [f"CAST({c} AS DATE) AS {c}" for c in _DATE_COLUMNS]
    )
)


def _address_tail() -> str:
    """Address text without the province and city a clerk may or may not write (the city's
    names, ``kernel.city``): what is left from the district on is compared (bigram overlap),
    so 江苏省苏州市吴中区… equals 吴中区…."""
    here = city()
    prefix = f"^({here.province})?({here.name})?"
    return f"regexp_replace(address, {sql_string(prefix)}, '')"


_RECORD_SQL = """
CREATE OR REPLACE TEMP TABLE {table} AS
WITH base AS (
    SELECT
        mention_id AS unique_id, source, org_code, dataset, record_id, role,
        -- a child by role, by name (王芳之子, 张宝宝: a baby before it has a name), by a
        -- guardian on a vaccination record, by the care (a neonatal or paediatric department,
        -- a perinatal diagnosis: a newborn's hospital record under the mother's identity is
        -- the baby's, ``matching.care``), or by age at the service (a hospital patient of
        -- three is a child too)
        CASE WHEN role IN {child_roles} OR coalesce(placeholder_child, false)
                  OR child_care
                  OR (role = 'recipient' AND mother_id_no IS NOT NULL)
                  OR date_diff('year', birth_date, coalesce(event_date, load_date))
                     < {child_age}
             THEN 'child' ELSE 'adult' END AS role_group,
        year(coalesce(event_date, load_date)) AS event_year,
        id_no_valid, id_no AS id_conv, mother_id_no AS mother_conv,
        -- a resident ID number (居民身份证, and the HK/Macao/Taiwan residence permits of its
        -- format) carries a check character; a passport or another permit does not
        CASE WHEN id_no IS NOT NULL THEN
             CASE WHEN coalesce(id_type, '01') = '01' THEN 'resident' ELSE 'other' END
        END AS id_kind,
        nullif(trim(name), '') AS name,
        nullif(trim(mother_name), '') AS mother_name,
        coalesce(regexp_full_match(trim(name), '[A-Z][A-Z .''-]*'), false) AS name_latin,
        birth_order, placeholder_child,
        nullif(trim(name_pinyin), '') AS name_pinyin,
        coalesce(nullif(surname, ''), substr(nullif(trim(name), ''), 1, 1)) AS surname,
        coalesce(nullif(given_name, ''), nullif(substr(trim(name), 2), '')) AS given_name,
        coalesce(birth_date, id_birth_date) AS birth_key,
        CASE WHEN sex_code IN ('1', '2') THEN sex_code END AS sex_delivered,
        CASE WHEN id_sex_code IN ('1', '2') THEN id_sex_code END AS sex_of_id,
        CASE WHEN regexp_full_match(phone, '1[0-9]{{10}}') THEN phone END AS phone_key,
        nullif(district_code, '') AS district_key,
        nullif({address_tail}, '') AS address_tail,
        CASE WHEN dataset = 'mch.delivery' AND role = 'newborn' THEN org_code END
            AS delivery_key,
        child_care, newborn_on, service_key, service_on, service_mark
    FROM (SELECT s.*, c.unique_id IS NOT NULL AS child_care, c.newborn_on,
              d.service_key, d.service_on, d.service_mark
          FROM (SELECT {typed} FROM {source}) s
          LEFT JOIN {cared} c ON c.unique_id = s.mention_id
          LEFT JOIN {services} d ON d.unique_id = s.mention_id)
)
SELECT * EXCLUDE (address_tail, id_no_valid, event_year),
    -- a Latin name compared whatever the order of its words (SMITH JOHN = JOHN SMITH)
    CASE WHEN name_latin THEN array_to_string(list_sort(string_split(name, ' ')), ' ')
         ELSE name END AS name_key,
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 1, 17) END AS id_body,
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 18, 1) END AS id_check,
    CASE WHEN regexp_full_match(id_key, {id18}) THEN substr(id_key, 1, 14) END AS id_ab,
    -- standardisation checked the number (GB 11643); a parent's number is not the child's own
    id_key IS NOT NULL AND coalesce(id_no_valid, false) AS id_valid,
    strftime(birth_key, '%Y%m%d') AS birth_str,
    year(birth_key) AS birth_year, month(birth_key) AS birth_month, day(birth_key) AS birth_day,
    right(phone_key, 8) AS phone8,
    -- what a partial name shares: given-name characters, or the words of a Latin name
    CASE WHEN name_latin THEN list_filter(string_split(name, ' '), lambda t: length(t) >= 2)
         ELSE string_split(given_name, '') END AS given_chars,
    char_bigrams(address_tail) AS address_grams,
    -- hash() of NULL is a value: a missing address must not be a key
    CASE WHEN address_tail IS NOT NULL THEN hash(address_tail) END AS address_key,
    md5(concat_ws('|', role_group, id_key, id_kind, mother_key, name, name_pinyin, birth_key,
                  sex_key, phone_key, district_key, address_tail, delivery_key, birth_order,
                  service_key, service_mark))
        AS identity_hash
FROM (
    SELECT * EXCLUDE (id_conv, mother_conv, parent_id, parent_birth, parent_name, birth_key,
                      sex_delivered, sex_of_id)
        REPLACE (
            CASE WHEN NOT parent_name THEN name END AS name,
            CASE WHEN NOT parent_name THEN name_pinyin END AS name_pinyin,
            CASE WHEN NOT parent_name THEN surname END AS surname,
            CASE WHEN NOT parent_name THEN given_name END AS given_name,
            CASE WHEN parent_name THEN name ELSE mother_name END AS mother_name),
        CASE WHEN parent_id THEN NULL ELSE id_conv END AS id_key,
        -- the sex an ID number encodes is its holder's: a parent's number says nothing of the
        -- child's sex; nor does the sex on a record carrying her identity (hers too). A
        -- checksum-valid number of the record's own outweighs the sex typed beside it (a
        -- mistyped 性别 code is commoner than a digit mistyped into another valid number)
        CASE WHEN NOT parent_birth
             THEN coalesce(CASE WHEN NOT parent_id THEN sex_of_id END, sex_delivered)
        END AS sex_key,
        CASE WHEN role_group = 'child'
             THEN coalesce(mother_conv, CASE WHEN parent_id THEN id_conv END) END AS mother_key,
        CASE WHEN NOT parent_birth THEN birth_key END AS birth_key
    FROM (
        SELECT *,
            -- a child's record carrying the parent's birth date (the hospital copied the
            -- mother's): it is not the child's, and would make the child look like her
            role_group = 'child' AND coalesce(
                event_year - year(birth_key) >= {child_age}
                OR (parent_id AND strftime(birth_key, '%Y%m%d') = substr(id_conv, 7, 8)),
                false) AS parent_birth,
            -- a child's record carrying the parent's birth date (the mother's identity copied,
            -- a newborn registered as 王芳) carries her name too; with the child's own birth
            -- date the name may be the child's (comparisons tell, by the other records'
            -- mothers' names)
            role_group = 'child' AND mother_name IS NULL AND NOT name_latin
                AND coalesce(event_year - year(birth_key) >= {child_age}
                    OR (parent_id AND strftime(birth_key, '%Y%m%d') = substr(id_conv, 7, 8)),
                    false) AS parent_name
        FROM (
            SELECT *,
                -- a newborn or child recorded under the mother's (guardian's) number, or a
                -- child's "own" number whose birth year is not the child's, or that belongs
                -- to someone too old to be a child at the service: a parent's
                coalesce(id_conv = mother_conv, false) OR coalesce(
                    role_group = 'child' AND regexp_full_match(id_conv, {id18})
                    AND (abs(try_cast(substr(id_conv, 7, 4) AS INTEGER) - year(birth_key)) > 1
                         OR event_year - try_cast(substr(id_conv, 7, 4) AS INTEGER)
                            >= {child_age}),
                    false) AS parent_id
            FROM base))
)
ORDER BY unique_id
"""


def record_features(
    con: duckdb.DuckDBPyConnection,
    source: str,
    table: str = "record_features",
    cared: str | None = None,
    services: str | None = None,
) -> Rel:
    """Table ``table`` (one row per mention, ``unique_id`` = mention_id) made from the relation
    ``source`` holding person mentions; ``cared`` (unique_id, newborn_on) lists the mentions
    whose care says they are a child's, and a newborn's since when (``matching.care``);
    ``services`` (unique_id, service_key, service_on, service_mark) the dose or visit a mention
    records (``matching.services``)."""
    cared = cared or "(SELECT NULL::VARCHAR AS unique_id, NULL::DATE AS newborn_on LIMIT 0)"
    services = services or f"({SERVICES_NONE})"
    con.execute(MACROS)
    # read in the contract's shape: a column a source (an older lake, a test) lacks is null
    typed_source = f"({typed_sql('std.person_mention', f'SELECT * FROM {source}')})"
    con.execute(_RECORD_SQL.format(
        table=table, source=typed_source, typed=_TYPED, child_roles=str(CHILD_ROLES),
        child_age=city().child_max_age_years, id18=ID18, address_tail=_address_tail(),
        cared=cared, services=services,
    ))  # fmt: skip
    return Rel(table)


# Stop lists and frequencies over index ∪ new, restricted to the values new mentions carry:
# a value no new mention carries cannot make a new pair agree.
_POPULATION_SQL = """
CREATE OR REPLACE TEMP VIEW _everyone AS
    SELECT unique_id, name, name_key, id_key, id_kind, mother_key, phone_key, birth_key,
           name_pinyin, delivery_key, birth_order, sex_key FROM {index}
    UNION ALL BY NAME
    SELECT unique_id, name, name_key, id_key, id_kind, mother_key, phone_key, birth_key,
           name_pinyin, delivery_key, birth_order, sex_key FROM {new};
CREATE OR REPLACE TEMP TABLE _stop_id AS
    WITH mine AS (SELECT DISTINCT v FROM (SELECT id_key AS v FROM {new} UNION ALL
                                          SELECT mother_key FROM {new}) WHERE v IS NOT NULL)
    SELECT v FROM mine WHERE length(replace(v, substr(v, 1, 1), '')) = 0
    UNION
    SELECT id_key FROM _everyone WHERE id_key IN (SELECT v FROM mine)
    GROUP BY id_key HAVING count(DISTINCT name) >= {id_names}
        -- unless it is one document whose holder's name was mistyped again and again: a
        -- number without a birth part (a passport) whose dated records give one birth date
        AND NOT (bool_and(id_kind = 'other') AND count(DISTINCT birth_key) = 1
                 AND count(birth_key) >= 2);
CREATE OR REPLACE TEMP TABLE _stop_phone AS
    SELECT phone_key AS v FROM _everyone
    WHERE phone_key IN (SELECT phone_key FROM {new})
    GROUP BY phone_key HAVING count(DISTINCT name) >= {phone_names};
CREATE OR REPLACE TEMP TABLE _birth_counts AS
    WITH total AS (SELECT count(birth_key) AS n, count(DISTINCT birth_key) AS dates
                   FROM _everyone),
    mine AS (SELECT birth_key AS v, count(*) AS n FROM _everyone
             WHERE birth_key IN (SELECT birth_key FROM {new}) GROUP BY birth_key)
    SELECT v, mine.n / total.n AS tf,
        mine.n >= greatest({birth_min}, {birth_ratio} * total.n / total.dates)
        OR v IN (SELECT CAST(d AS DATE) FROM unnest({placeholders}) t(d)) AS stop
    FROM mine, total;
CREATE OR REPLACE TEMP TABLE _stop_birth AS SELECT v FROM _birth_counts WHERE stop;
-- term-frequency lookups in the shape Splink registers (value column, tf_<value column>)
CREATE OR REPLACE TEMP TABLE tf_birth_key AS
    SELECT v AS birth_key, tf AS tf_birth_key FROM _birth_counts WHERE NOT stop;
CREATE OR REPLACE TEMP TABLE tf_name_key AS
    SELECT name_key, count(*) / (SELECT count(name_key) FROM _everyone) AS tf_name_key
    FROM _everyone WHERE name_key IN (SELECT name_key FROM {new}) GROUP BY name_key;
-- the babies a mother had on a day (or a day apart: twins either side of midnight), as far as
-- the records show: how many delivery rows (one per baby), and whether two names or two birth
-- orders (大宝, 二宝) say there were several
CREATE OR REPLACE TEMP TABLE _births AS
    WITH days AS (
        SELECT mother_key, birth_key, min(birth_key) OVER (PARTITION BY mother_key) AS first
        FROM _everyone
        WHERE mother_key IN (SELECT mother_key FROM {new}) AND birth_key IS NOT NULL
        GROUP BY mother_key, birth_key)
    SELECT d.mother_key, d.birth_key,
        count(DISTINCT CASE WHEN e.delivery_key IS NOT NULL THEN e.unique_id END) AS deliveries,
        count(DISTINCT CASE WHEN e.delivery_key IS NOT NULL THEN e.unique_id END) >= 2
            OR count(DISTINCT e.name_pinyin) >= 2 OR count(DISTINCT e.birth_order) >= 2
            -- a second baby (二宝) whose mother has no older child on record: its twin's
            -- records may be among these
            OR (max(e.birth_order) >= 2 AND any_value(d.first) >= d.birth_key - 1)
            AS several,
        -- a boy and a girl (as many sexes as babies in the delivery register, and at least
        -- two there): the sex tells them apart, so a pair agreeing on it needs no reviewer
        count(DISTINCT CASE WHEN e.delivery_key IS NOT NULL THEN e.unique_id END) >= 2
        AND count(DISTINCT CASE WHEN e.delivery_key IS NOT NULL THEN e.unique_id END)
            = count(DISTINCT CASE WHEN e.delivery_key IS NOT NULL THEN e.sex_key END)
            AS told_by_sex
    FROM days d JOIN _everyone e ON e.mother_key = d.mother_key
        AND abs(date_diff('day', e.birth_key, d.birth_key)) <= 1
    GROUP BY d.mother_key, d.birth_key;
"""

# The columns Splink compares, with tonight's stop lists applied: a stopped value is nulled
# together with everything derived from it.
_KEYED_SQL = """
CREATE OR REPLACE TEMP VIEW {out} AS
SELECT * EXCLUDE (stop_id, stop_mother, stop_birth, stop_phone) REPLACE (
    CASE WHEN NOT stop_id THEN id_key END AS id_key,
    CASE WHEN NOT stop_id THEN id_body END AS id_body,
    CASE WHEN NOT stop_id THEN id_check END AS id_check,
    CASE WHEN NOT stop_id THEN id_ab END AS id_ab,
    id_valid AND NOT stop_id AS id_valid,
    CASE WHEN NOT stop_mother THEN mother_key END AS mother_key,
    CASE WHEN NOT stop_birth THEN birth_key END AS birth_key,
    CASE WHEN NOT stop_birth THEN birth_str END AS birth_str,
    CASE WHEN NOT stop_birth THEN birth_year END AS birth_year,
    CASE WHEN NOT stop_birth THEN birth_month END AS birth_month,
    CASE WHEN NOT stop_birth THEN birth_day END AS birth_day,
    CASE WHEN NOT stop_phone THEN phone_key END AS phone_key,
    CASE WHEN NOT stop_phone THEN phone8 END AS phone8)
FROM (
    SELECT f.*,
        coalesce(f.id_key IN (SELECT v FROM {p.stop_id}), false) AS stop_id,
        coalesce(f.mother_key IN (SELECT v FROM {p.stop_id}), false) AS stop_mother,
        coalesce(f.birth_key IN (SELECT v FROM {p.stop_birth}), false) AS stop_birth,
        coalesce(f.phone_key IN (SELECT v FROM {p.stop_phone}), false) AS stop_phone,
        coalesce(m.several, false) AS multiple_birth,
        -- a single birth: one delivery row and nothing else saying twins, or (a birth before
        -- the city's delivery registers reach, none on record) nothing saying twins
        coalesce(m.deliveries <= 1 AND NOT m.several, true) AS single_birth,
        coalesce(m.several AND m.told_by_sex, false) AS twins_told_by_sex
    FROM {features} f
    LEFT JOIN {p.births} m ON m.mother_key = f.mother_key AND m.birth_key = f.birth_key
)
"""


# Term-frequency lookup table per model column, registered with Splink at scoring time.
TF_TABLES = {"name_key": "tf_name_key", "birth_key": "tf_birth_key"}


@dataclass(frozen=True)
class Population:
    """Tonight's population facts: stop lists of placeholder values, the babies each mother
    had on a day (``births``), and the term-frequency lookups Splink reads (column → table)."""

    stop_id: Rel
    stop_phone: Rel
    stop_birth: Rel
    births: Rel
    tf: dict[str, Rel] = field(default_factory=lambda: {c: Rel(t) for c, t in TF_TABLES.items()})


def population_features(
    con: duckdb.DuckDBPyConnection, new: str, index: str | None = None
) -> Population:
    """Tonight's population facts over ``index`` ∪ ``new`` (record-feature relations; the
    index needs only the key columns), restricted to the values new mentions carry.

    Without an ``index`` (training, a first night) the new mentions are the population.
    """
    con.execute(MACROS)
    index = index or f"(SELECT * FROM {new} LIMIT 0)"
    con.execute(_POPULATION_SQL.format(
        index=index, new=new, id_names=city().stop_names_per_id,
        phone_names=city().stop_names_per_phone, birth_min=city().stop_birth_min_count,
        birth_ratio=STOP_BIRTH_RATIO, placeholders=list(PLACEHOLDER_BIRTH_DATES),
    ))  # fmt: skip
    return Population(Rel("_stop_id"), Rel("_stop_phone"), Rel("_stop_birth"),
                      Rel("_births"))  # fmt: skip


def keyed_view(
    con: duckdb.DuckDBPyConnection, features: str, population: Population, out: str
) -> Rel:
    """View ``out``: record features ``features`` with the population's stop lists applied
    and the multiple-birth flag."""
    con.execute(_KEYED_SQL.format(out=out, features=features, p=population))
    return Rel(out)


def build_features(
    con: duckdb.DuckDBPyConnection, source: str, table: str = "mention_features"
) -> Rel:
    """One population of mentions (training, tests): record and population features of the
    relation ``source`` materialised as ``table``."""
    records = record_features(con, source, "_record_features")
    keyed = keyed_view(con, records, population_features(con, records), "_keyed")
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {keyed} ORDER BY unique_id")
    con.execute(f"DROP VIEW {keyed}; DROP VIEW _everyone; DROP TABLE {records}")
    return Rel(table)
