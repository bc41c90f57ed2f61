"""Mothers and their children: the evidence that a child's record names a mother, the relation
published as ``mpi.mother_child``, and the children's records joined through their mother.

Evidence that a child's record names a mother resident, strongest first:

- a delivery record names the mother and the newborn of one birth (one MCH record, two
  mentions);
- a child's record (a child checkup, a newborn's hospital or delivery record) carries the
  mother's ID number, and an adult resident holds that number as her own;
- a vaccination record carries the guardian's ID number: a guardian may be the father or a
  grandparent, so it counts only for a woman of a mother's age;
- a child's record carries the guardian's phone (vaccination, a baby's hospital record), and
  exactly one woman of a mother's age holds that phone on her own records;
- a child's MCH record names the mother (母亲姓名 on a child checkup, a delivery row), and
  exactly one woman of that name is in the same institution's maternal care (the
  institution that followed the pregnancy sees the baby at its checkups).

A mother's ID number that no resident holds as her own still names one mother: the number
itself stands for her. A relation never joins a person to herself, and the mother is 12 to
60 at the birth where both birth dates are known.

The relation lets the family join what pairwise scores keep apart: a newborn's delivery row
(her ID), its vaccination record (the father's ID, her phone) and its hospital record (her
phone) share no field two by two, but name one mother. ``family_merges`` joins the child
residents of one mother born the same day (one day apart at most) when a name or birth order
says they are one child, or when the mother's delivery register shows a single birth that day;
otherwise — twins are 3–4 % of births — they stay for a reviewer.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kernel import idno
from matching.clustering import CONFLICT_COLUMNS, components, conflict_sql
from matching.features import MOTHER_AGE_YEARS
from matching.maternal import another_birth
from matching.relations import Rel, table

# Births of one child recorded one day apart (a delivery just before midnight, a date typed
# from the birth certificate) are one birth.
BIRTH_DAYS_APART = 1
# The neonatal period (ICD-10: the first 28 days): a newborn's care falls within it.
NEWBORN_DAYS = 28
FAMILY_REASON = "automatic: one mother, one birth, one child (family)"
DELIVERY_MOTHER_REASON = "automatic: a delivery row's mother is the one her baby's records name"

# The record features the family passes, the maternal episodes and the golden records read.
FAMILY_COLUMNS = tuple(dict.fromkeys((
    "unique_id", "source", "org_code", "dataset", "record_id", "role", "role_group", "id_key",
    "id_valid", "mother_key", "mother_name", "phone_key", "sex_key", "birth_key", "name",
    "name_key", "name_pinyin", "birth_order", "delivery_key", "newborn_on", *CONFLICT_COLUMNS,
)))  # fmt: skip


def family_features(con: duckdb.DuckDBPyConnection, features: str) -> Rel:
    """Table ``_family_features``: ``FAMILY_COLUMNS`` of the record features ``features``,
    read once a night (the index's features are spread over every night's file)."""
    return table(con, "_family_features", f"SELECT {', '.join(FAMILY_COLUMNS)} FROM {features}")


_MENTIONS = """
    SELECT f.unique_id, f.source, f.org_code, f.dataset, f.record_id, f.role, f.role_group,
        f.id_key, f.id_valid, f.mother_key, f.mother_name, f.phone_key, f.sex_key, f.birth_key,
        f.name_key, f.name_pinyin, f.birth_order, f.delivery_key, f.newborn_on, l.resident_id,
        l.linked_on AS load_date
    FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id"""


def _mentions(features: str, links: str, where: str) -> str:
    """The family columns and resident of the mentions (``f`` features, ``l`` crosswalk) that
    ``where`` keeps: each pass reads only the rows it needs of an index of millions."""
    return f"{_MENTIONS.format(features=features, links=links)} WHERE {where}"


# (child mention, mother resident or 'id:' + her number, kind) for every piece of evidence,
# with the birth dates needed to judge it plausible.
_EVIDENCE = """
WITH child AS ({children}),
related AS ({related}),  -- adult records a child's record may name, and delivery rows' mothers
adult AS (  -- what such a woman's own records say of her: the sex her valid number says
    -- first (a father's record with 女 mistyped on it is still a man's)
    SELECT resident_id,
        coalesce(max({id_sex}) FILTER (id_valid), mode(sex_key)) AS sex, min(birth_key) AS birth
    FROM ({adults}) GROUP BY resident_id),
own_id AS (  -- an adult's own checksum-valid number → her resident
    SELECT DISTINCT id_key, resident_id FROM related
    WHERE role_group = 'adult' AND id_valid AND id_key IS NOT NULL),
maternal_care AS (  -- a name that one woman holds in an MCH institution's maternal care
    SELECT org_code, name_key, any_value(resident_id) AS resident_id FROM related
    WHERE source = 'mch' AND role = 'mother' AND name_key IS NOT NULL
    GROUP BY ALL HAVING count(DISTINCT resident_id) = 1),
phone_women AS (  -- phones held by women on their own records
    SELECT DISTINCT m.phone_key, m.resident_id, a.birth FROM related m
    JOIN adult a USING (resident_id)
    WHERE m.role_group = 'adult' AND m.phone_key IS NOT NULL AND coalesce(a.sex, '2') = '2'),
raw_evidence AS (
    SELECT n.unique_id, n.resident_id AS child_resident_id, m.resident_id AS mother,
        'delivery record' AS kind, n.load_date
    FROM child n JOIN related m
      ON m.source = n.source AND m.org_code = n.org_code AND m.record_id = n.record_id
     AND m.dataset = n.dataset
    WHERE n.dataset = 'mch.delivery' AND n.role = 'newborn' AND m.role = 'mother'
    UNION ALL
    SELECT c.unique_id, c.resident_id, coalesce(o.resident_id, 'id:' || c.mother_key),
        CASE WHEN c.source = 'vaccination' THEN 'guardian''s ID'
             ELSE 'mother''s ID on the child''s record' END,
        c.load_date
    FROM child c LEFT JOIN own_id o ON o.id_key = c.mother_key
    WHERE c.mother_key IS NOT NULL
    UNION ALL
    SELECT c.unique_id, c.resident_id, any_value(w.resident_id), 'guardian''s phone',
        c.load_date
    FROM child c JOIN phone_women w ON w.phone_key = c.phone_key
    WHERE c.birth_key IS NULL OR w.birth IS NULL
       OR date_diff('year', w.birth, c.birth_key) BETWEEN {low} AND {high}
    GROUP BY ALL HAVING count(DISTINCT w.resident_id) = 1
    UNION ALL
    SELECT c.unique_id, c.resident_id, w.resident_id, 'mother''s name in her maternal care',
        c.load_date
    FROM child c JOIN maternal_care w ON w.org_code = c.org_code AND w.name_key = c.mother_name
    WHERE c.source = 'mch')
SELECT e.*, c.birth_key AS child_birth FROM raw_evidence e
JOIN child c USING (unique_id)
LEFT JOIN adult m ON m.resident_id = e.mother
WHERE e.mother <> e.child_resident_id
  AND (m.birth IS NULL OR c.birth_key IS NULL
       OR date_diff('year', m.birth, c.birth_key) BETWEEN {low} AND {high})
  AND (e.kind <> 'guardian''s ID' OR coalesce(m.sex, '2') = '2')
"""


def mother_evidence(con: duckdb.DuckDBPyConnection, features: str, links: str) -> Rel:
    """Table ``_mother_evidence``: (unique_id, child_resident_id, mother, kind, load_date,
    child_birth) — every child mention's evidence of a mother, from the record features of
    every current mention and the crosswalk (mention → resident)."""
    low, high = MOTHER_AGE_YEARS
    related = _mentions(
        features,
        links,
        """
        (f.role_group = 'adult' AND (f.id_key IN (SELECT mother_key FROM child)
                                     OR f.phone_key IN (SELECT phone_key FROM child)))
        OR (f.role = 'mother' AND f.dataset = 'mch.delivery' AND f.record_id IN (
            SELECT record_id FROM child WHERE dataset = 'mch.delivery' AND role = 'newborn'))
        OR (f.source = 'mch' AND f.role = 'mother' AND f.name_key IN (
            SELECT mother_name FROM child WHERE source = 'mch'))""",
    )
    return table(con, "_mother_evidence", _EVIDENCE.format(
        children=_mentions(features, links, "f.role_group = 'child'"), related=related,
        adults=_mentions(features, links, "f.role_group = 'adult' AND l.resident_id IN "
                                          "(SELECT resident_id FROM related)"),
        low=low, high=high, id_sex=idno.sex_code_sql("id_key"),
    ))  # fmt: skip


_RELATION = """
SELECT e.mother AS mother_resident_id, e.child_resident_id,
    array_to_string(list_sort(list_distinct(list(e.kind))), '; ') AS evidence,
    count(*) AS records, min(e.load_date) AS first_seen
FROM {evidence} e
LEFT JOIN {golden} m ON m.resident_id = e.mother
LEFT JOIN {golden} c ON c.resident_id = e.child_resident_id
WHERE e.mother NOT LIKE 'id:%'
  -- a man is no mother: a father's or grandfather's records of a woman's sex, mistyped, yet
  -- his own valid ID number says male (the golden sex reads it first)
  AND coalesce(m.sex_code, '2') <> '1'
  AND (m.birth_date IS NULL OR c.birth_date IS NULL
       OR date_diff('year', m.birth_date, c.birth_date) BETWEEN {low} AND {high})
GROUP BY ALL
ORDER BY mother_resident_id, child_resident_id
"""


def mother_child(con: duckdb.DuckDBPyConnection, features: str, links: Rel, golden: Rel) -> Rel:
    """``mpi.mother_child`` rows from the record features of every current mention, the
    crosswalk (mention → resident) and the golden records (birth date, sex)."""
    evidence = mother_evidence(con, features, links)
    low, high = MOTHER_AGE_YEARS
    return table(con, "mother_child", _RELATION.format(
        evidence=evidence, golden=golden, low=low, high=high
    ))  # fmt: skip


# Per (mother, child resident): what the child's own records say — birth dates, sexes, names
# (not the mother's, which a baby's record often carries), birth orders, delivery rows.
_CHILDREN = """
WITH mention AS ({mentions}),
family AS (SELECT DISTINCT mother, child_resident_id FROM {evidence}),
mother_names AS (
    SELECT DISTINCT resident_id AS mother, name_key FROM mention
    WHERE role_group = 'adult' AND name_key IS NOT NULL)
SELECT f.mother, f.child_resident_id,
    coalesce(list_sort(list(DISTINCT m.birth_key) FILTER (m.birth_key IS NOT NULL)), [])
        AS births,
    coalesce(list(DISTINCT m.sex_key) FILTER (m.sex_key IS NOT NULL), []) AS sexes,
    -- names by their characters: twins' names often sound alike (子轩, 梓萱)
    coalesce(list(DISTINCT m.name_key)
             FILTER (m.name_key IS NOT NULL AND n.name_key IS NULL), []) AS names,
    coalesce(list(DISTINCT m.birth_order) FILTER (m.birth_order IS NOT NULL), []) AS orders,
    coalesce(list(DISTINCT m.record_id)
             FILTER (m.dataset = 'mch.delivery' AND m.role = 'newborn'), []) AS deliveries,
    -- a hospital's newborn record under the mother's identity has no birth date of its own,
    -- but its care says when the baby was new (``matching.care``)
    coalesce(list(DISTINCT m.newborn_on) FILTER (m.newborn_on IS NOT NULL), []) AS newborn_on
FROM family f
JOIN mention m ON m.resident_id = f.child_resident_id AND m.role_group = 'child'
LEFT JOIN mother_names n ON n.mother = f.mother AND n.name_key = m.name_key
GROUP BY ALL
"""

# Two child residents of one mother who may be one child: born within a day (or, for a record
# with no birth date, in the four weeks before its newborn care), no other sex, no other name,
# no other birth order — and a shared name or birth order to say so, or a single birth on
# record (at most one baby in the mother's delivery register that day, and no two names or
# birth orders, nor a second baby without an older one, saying otherwise). Twins are 3–4 % of
# births.
_PAIRS = """
WITH kids AS ({children}),
days AS (SELECT mother, unnest(births) AS birth, child_resident_id, names, orders, deliveries
         FROM kids),
older AS (  -- per mother and birth: has she an older child on record?
    SELECT DISTINCT a.mother, a.birth FROM days a JOIN days o
      ON o.mother = a.mother AND o.birth < a.birth - INTERVAL {apart} DAY),
single AS (
    SELECT a.mother, a.birth FROM days a JOIN days b
      ON b.mother = a.mother AND abs(date_diff('day', a.birth, b.birth)) <= {apart}
    LEFT JOIN older o ON o.mother = a.mother AND o.birth = a.birth
    GROUP BY a.mother, a.birth
    HAVING len(list_distinct(flatten(list(b.deliveries)))) <= 1
       AND len(list_distinct(flatten(list(b.names)))) <= 1
       AND len(list_distinct(flatten(list(b.orders)))) <= 1
       -- a second baby (二宝) and no older child of hers on record: the first may be its twin
       AND NOT (coalesce(list_max(flatten(list(b.orders))), 0) >= 2
                AND NOT bool_or(o.mother IS NOT NULL))),
same_birth AS (  -- (a, b, the day b was born)
    SELECT a.child_resident_id AS ra, b.child_resident_id AS rb, a.mother, db.birth
    FROM days da JOIN days db ON da.mother = db.mother
     AND da.child_resident_id <> db.child_resident_id
     AND abs(date_diff('day', da.birth, db.birth)) <= {apart}
    JOIN kids a ON a.mother = da.mother AND a.child_resident_id = da.child_resident_id
    JOIN kids b ON b.mother = db.mother AND b.child_resident_id = db.child_resident_id
    UNION
    SELECT a.child_resident_id, db.child_resident_id, a.mother, db.birth
    FROM kids a JOIN days db ON db.mother = a.mother
     AND db.child_resident_id <> a.child_resident_id
    WHERE len(a.births) = 0 AND len(list_filter(a.newborn_on,
          lambda n: db.birth BETWEEN n - INTERVAL {newborn_days} DAY AND n)) > 0),
candidate AS (
    SELECT least(ra, rb) AS resident_l, greatest(ra, rb) AS resident_r, s.mother, s.birth
    FROM same_birth s)
SELECT DISTINCT c.resident_l, c.resident_r
FROM candidate c
JOIN kids a ON a.mother = c.mother AND a.child_resident_id = c.resident_l
JOIN kids b ON b.mother = c.mother AND b.child_resident_id = c.resident_r
WHERE NOT (len(a.sexes) = 1 AND len(b.sexes) = 1 AND a.sexes <> b.sexes)
  AND NOT (len(a.names) > 0 AND len(b.names) > 0 AND NOT list_has_any(a.names, b.names))
  AND NOT (len(a.orders) > 0 AND len(b.orders) > 0 AND NOT list_has_any(a.orders, b.orders))
  AND (list_has_any(a.names, b.names) OR list_has_any(a.orders, b.orders)
       OR EXISTS (SELECT 1 FROM single s WHERE s.mother = c.mother AND s.birth = c.birth))
ORDER BY ALL
"""

# A group of residents to join that would hold two people: two names, sexes, birth orders,
# valid ID numbers, or a record naming another's number as its mother's.
_BROKEN = """
WITH k AS (SELECT g.grp, c.* FROM _family_groups g
           JOIN {children} c ON c.child_resident_id = g.resident_id),
m AS (SELECT g.grp, f.* FROM _family_groups g
      JOIN {links} l ON l.resident_id = g.resident_id
      JOIN {features} f ON f.unique_id = l.mention_id)
SELECT grp FROM k GROUP BY grp
HAVING len(list_distinct(flatten(list(names)))) > 1
    OR len(list_distinct(flatten(list(sexes)))) > 1
    OR len(list_distinct(flatten(list(orders)))) > 1
UNION
SELECT a.grp FROM m a JOIN m b ON a.grp = b.grp AND a.unique_id < b.unique_id
WHERE {conflict}
"""


def family_merges(con: duckdb.DuckDBPyConnection, features: str, links: Rel) -> pd.DataFrame:
    """Pairs of mentions (mention_id_l, mention_id_r, match_weight) whose residents are one
    child of one mother (see the module docstring); each group of residents to join is checked
    whole, so a chain through an unnamed record never joins two named twins."""
    evidence = mother_evidence(con, features, links)
    mentions = _mentions(
        features,
        links,
        f"""
        l.resident_id IN (SELECT child_resident_id FROM {evidence})
        OR l.resident_id IN (SELECT mother FROM {evidence})""",
    )
    children = table(con, "_children", _CHILDREN.format(mentions=mentions, evidence=evidence))
    pairs = con.sql(_PAIRS.format(children=f"SELECT * FROM {children}", apart=BIRTH_DAYS_APART,
                                  newborn_days=NEWBORN_DAYS)).df()  # fmt: skip
    if pairs.empty:
        return _no_pairs()
    nodes = sorted(set(pairs["resident_l"]) | set(pairs["resident_r"]))
    edges = zip(pairs["resident_l"], pairs["resident_r"], strict=True)
    groups = pd.DataFrame(list(components(nodes, edges).items()), columns=["resident_id", "grp"])
    con.register("_family_groups", groups)
    broken = con.sql(_BROKEN.format(
        children=children, links=links, features=features, conflict=conflict_sql("a", "b")
    )).df()["grp"]  # fmt: skip
    keep = groups[~groups["grp"].isin(set(broken))]
    con.unregister("_family_groups")
    return _mention_pairs(con, links, keep)


def _mention_pairs(
    con: duckdb.DuckDBPyConnection, links: Rel, groups: pd.DataFrame
) -> pd.DataFrame:
    """One mention of each resident of a group paired with one of the group's first resident."""
    if groups.empty:
        return _no_pairs()
    con.register("_family_keep", groups)
    pairs = con.sql(f"""
        WITH one AS (SELECT g.grp, g.resident_id, min(l.mention_id) AS mention_id
                     FROM _family_keep g JOIN {links} l USING (resident_id) GROUP BY ALL),
        head AS (SELECT grp, arg_min(mention_id, resident_id) AS mention_id FROM one GROUP BY grp)
        SELECT h.mention_id AS mention_id_l, o.mention_id AS mention_id_r,
            NULL::DOUBLE AS match_weight
        FROM one o JOIN head h USING (grp) WHERE o.mention_id <> h.mention_id
        ORDER BY ALL""").df()
    con.unregister("_family_keep")
    return pairs


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"mention_id_l": [], "mention_id_r": [], "match_weight": []})


# A delivery row names the mother with her name alone (her number left out): she is the woman
# of that name whom another child's record, of a baby born that day, names by number, guardian
# or phone — when that is one woman. The row's mother joins her (a resident holding no ID number
# only); ``family_merges`` then joins the two babies' records as one child.
_DELIVERY_MOTHER = """
WITH delivery_row AS ({delivery_rows}),
mention AS ({mentions}),  -- every record of delivery rows' mothers and of named mothers
identified AS (SELECT DISTINCT resident_id FROM mention WHERE id_key IS NOT NULL),
dated AS (  -- every delivery row's mother, dated by its newborn (the row names both)
    SELECT m.unique_id, m.resident_id, m.name_key, m.id_key, n.birth_key AS birth
    FROM delivery_row m JOIN delivery_row n
      ON n.source = m.source AND n.org_code = m.org_code AND n.dataset = m.dataset
     AND n.record_id = m.record_id AND n.role = 'newborn'
    WHERE m.role = 'mother' AND n.birth_key IS NOT NULL),
delivery AS (  -- name-only delivery rows of women without an ID number
    SELECT unique_id, resident_id, name_key, birth FROM dated
    WHERE id_key IS NULL AND name_key IS NOT NULL
      AND resident_id NOT IN (SELECT resident_id FROM identified)),
own AS (  -- identified women's own delivery rows
    SELECT resident_id, birth FROM dated
    WHERE resident_id IN (SELECT resident_id FROM identified)),
named AS (
    SELECT DISTINCT mother, child_birth FROM {evidence}
    WHERE kind <> 'delivery record' AND mother NOT LIKE 'id:%' AND child_birth IS NOT NULL),
hers AS (
    SELECT resident_id, name_key, min(unique_id) AS unique_id FROM mention
    WHERE role_group = 'adult' AND name_key IS NOT NULL GROUP BY ALL),
candidate AS (
    SELECT DISTINCT d.unique_id, h.resident_id AS mother, h.unique_id AS hers
    FROM delivery d
    JOIN named k ON abs(date_diff('day', k.child_birth, d.birth)) <= {days_apart}
    JOIN hers h ON h.resident_id = k.mother AND h.name_key = d.name_key
    WHERE k.mother <> d.resident_id
      AND NOT EXISTS (SELECT 1 FROM own o  -- she gave birth on another day: not her delivery
                      WHERE o.resident_id = k.mother AND {another_birth}))
SELECT unique_id AS mention_id_l, any_value(hers) AS mention_id_r,
    NULL::DOUBLE AS match_weight
FROM candidate GROUP BY unique_id HAVING count(DISTINCT mother) = 1
ORDER BY ALL
"""


def delivery_mother_merges(
    con: duckdb.DuckDBPyConnection, features: str, links: Rel
) -> pd.DataFrame:
    """Pairs (mention_id_l, mention_id_r, match_weight): a delivery row's name-only mother and
    a record of the woman of her name whom a record of a baby born that day names."""
    evidence = mother_evidence(con, features, links)
    mentions = _mentions(
        features,
        links,
        f"""
        l.resident_id IN (SELECT resident_id FROM delivery_row WHERE role = 'mother')
        OR l.resident_id IN (SELECT mother FROM {evidence})""",
    )
    sql = _DELIVERY_MOTHER.format(
        delivery_rows=_mentions(features, links, "f.dataset = 'mch.delivery'"),
        mentions=mentions, evidence=evidence, days_apart=BIRTH_DAYS_APART,
        another_birth=another_birth("o.birth", "d.birth"),
    )  # fmt: skip
    return con.sql(sql).df()
