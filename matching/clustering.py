"""From scored pairs to decisions and to clusters of tonight's new mentions: precision first.

A pair is linked automatically only above the auto threshold and when nothing contradicts
it: a sex conflict, or the same ID number with a conflicting birth date under another name, is
a red flag sent to review instead. Pairs the model pins as two different people (twins by ID
sequence, two babies of one delivery) and pairs a reviewer called different are cannot-link
constraints; a reviewer's match is a forced link. Both win over the model.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from matching.inference import NULL_GAMMA, cannot_link_sql, gamma_of
from matching.model import Thresholds
from matching.relations import Rel, table
from matching.services import DOSE_REPEAT_DAYS

THRESHOLD_STEP = 2.0  # match-weight steps when splitting a cluster that breaks a constraint
MANUAL_WEIGHT = 99.0  # weight given to a reviewer's match in clustering
MAX_RIVAL_ROUNDS = 5  # refusals cascade rarely beyond two rounds (a refused cluster's next pick)


def red_flag_sql(settings: dict[str, Any]) -> str:
    """SQL: the reason a high-scoring pair must not merge automatically, else NULL.

    Reads the pair's gammas and ``l``/``r``, the two mentions' flags (multiple_birth,
    role_group, id_kind). Two children of one household are the commonest false merge: same
    birth date, phone and address but other names (twins), or the same name and another birth
    date (siblings named alike): without an ID number, a name or the mother's number to say so
    they wait for a person — or for the family (``matching.family``), which knows how many
    babies the mother had that day. Names that sound alike but are written otherwise (诗雨,
    诗语) wait too, even where nothing says twins (a pinyin keyboard's commonest typo, but
    twins are named so too, and births before the delivery registers reach leave no trace);
    one child's own ID number on both records is one child whatever the names.
    """
    sex_else = gamma_of(settings, "sex", "All other comparisons")
    id_exact = gamma_of(settings, "id_no", "exact")
    sex_exact = gamma_of(settings, "sex", "exact")
    birth_else = gamma_of(settings, "birth_date", "All other comparisons")
    mother = gamma_of(settings, "mother", "exact")
    # the same mother by her number, mistyped or not, or by her name (models since v5)
    same_mother = _gammas(settings, "mother", ("exact", "one character mistyped",
                                               "same mother's name"))  # fmt: skip
    partial = gamma_of(settings, "name", "a part of the name shared")
    same_name = (gamma_of(settings, "name", "exact"), gamma_of(settings, "name", "same pinyin"))
    name_else = gamma_of(settings, "name", "All other comparisons")
    # one document, one name, another birth date: a mistyped or replaced date. One resident ID
    # number (its birth part names one of the two dates) and another name is a relative's ID
    # used at the desk (借用家属证件挂号): a person decides. So does one resident number under
    # two names that share no character or sound, whatever the birth dates (the relative's
    # whole card read at the desk, the patient's own name typed). A passport or another
    # document without a birth part says nothing of the kind: the document wins, as for other
    # damage.
    name_agrees = (same_name[0], same_name[1], gamma_of(settings, "name", "close spelling"))
    birth_exact = gamma_of(settings, "birth_date", "exact")
    # twins born a day apart on paper (one date mistyped, or a birth either side of midnight)
    birth_close = (birth_exact, gamma_of(settings, "birth_date", "one digit or one day off"))
    other_birth = (
        gamma_of(settings, "birth_date", "same year"),
        gamma_of(settings, "birth_date", "All other comparisons"),
    )
    children = "l.role_group = 'child' AND r.role_group = 'child'"
    null = NULL_GAMMA
    return f"""CASE WHEN gamma_sex = {sex_else} THEN 'sex conflict'
        WHEN gamma_id_no = {id_exact} AND gamma_birth_date = {birth_else}
             AND gamma_name NOT IN {name_agrees} AND l.id_kind = 'resident'
        THEN 'same ID number, birth date conflict'
        WHEN gamma_id_no = {id_exact} AND gamma_name = {name_else} AND l.id_kind = 'resident'
        THEN 'same ID number, names share nothing (a relative''s ID?)'
        WHEN gamma_mother = {mother} AND gamma_name = {partial}
        THEN 'same mother, names differ (twins?)'
        WHEN gamma_mother = {mother} AND l.multiple_birth AND r.multiple_birth
             AND gamma_name NOT IN {same_name} AND gamma_id_no <> {id_exact}
             AND NOT (l.twins_told_by_sex AND r.twins_told_by_sex AND gamma_sex = {sex_exact})
        THEN 'multiple birth: name or ID needed to tell the babies apart'
        WHEN gamma_mother IN {same_mother} AND {children} AND gamma_name NOT IN {same_name}
             AND gamma_id_no <> {id_exact} AND NOT (l.single_birth AND r.single_birth)
             AND NOT (l.twins_told_by_sex AND r.twins_told_by_sex AND gamma_sex = {sex_exact})
        THEN 'one mother''s babies without a name or ID, and no single birth on record'
        WHEN {children} AND gamma_birth_date IN {birth_close}
             AND gamma_name IN ({partial}, {name_else}) AND gamma_id_no <> {id_exact}
        THEN 'children born one day, names differ (twins?)'
        WHEN {children} AND gamma_birth_date IN {other_birth} AND gamma_id_no <> {id_exact}
        THEN 'children born on other days (siblings?)'
        WHEN {children} AND gamma_birth_date = {null} AND gamma_name NOT IN {same_name}
             AND gamma_id_no <> {id_exact}
        THEN 'children without a birth date or name to tell siblings apart'
        WHEN {children} AND gamma_name NOT IN {same_name} AND gamma_id_no <> {id_exact}
             AND gamma_mother NOT IN {same_mother}
        THEN 'children told apart by no name, ID or mother (twins?)'
        WHEN {children} AND gamma_name = {same_name[1]} AND gamma_id_no <> {id_exact}
        THEN 'children''s names sound alike but are written differently (twins?)' END"""


def _gammas(settings: dict[str, Any], comparison: str, labels: tuple[str, ...]) -> str:
    """SQL tuple of the gamma values of the labelled levels the model has (an older model may
    lack a newer level)."""
    found = []
    for label in labels:
        try:
            found.append(str(gamma_of(settings, comparison, label)))
        except KeyError:
            continue
    return "(" + ", ".join(found) + ")"


def classify_pairs(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    thresholds: Thresholds,
    flags: str,
    pairs: str,
    decided: str,
    out: str = "pair_decisions",
) -> Rel:
    """Table ``out``: every scored pair with ``decision`` (auto, review, cannot_link, none)
    and ``reason``.

    ``flags`` is a relation (unique_id, multiple_birth) covering both ends of every pair;
    ``decided`` holds reviewers' decisions (unique_id_l, unique_id_r, decision, decision_id).
    """
    con.execute(f"""
        CREATE OR REPLACE TABLE {out} AS
        WITH flagged AS (
            SELECT p.*, {red_flag_sql(settings)} AS red_flag,
                coalesce({cannot_link_sql(settings)}, false)
                    OR coalesce({conflict_sql("l", "r")}, false) AS pinned_apart,
                d.decision AS manual, d.decision_id
            FROM {pairs} p
            JOIN {flags} l ON l.unique_id = p.unique_id_l
            JOIN {flags} r ON r.unique_id = p.unique_id_r
            LEFT JOIN {decided} d USING (unique_id_l, unique_id_r))
        SELECT * EXCLUDE (red_flag, pinned_apart, manual),
            CASE WHEN manual = 'match' THEN 'auto'
                 WHEN manual = 'non-match' OR pinned_apart THEN 'cannot_link'
                 WHEN match_weight >= {thresholds.auto_match_weight} AND red_flag IS NULL
                     THEN 'auto'
                 WHEN match_weight >= {thresholds.review_match_weight} THEN 'review'
                 ELSE 'none' END AS decision,
            CASE WHEN manual IS NOT NULL THEN 'reviewer decision: ' || manual
                 WHEN pinned_apart THEN 'pinned: different persons'
                 WHEN match_weight >= {thresholds.auto_match_weight} THEN red_flag
                 WHEN match_weight >= {thresholds.review_match_weight}
                     THEN 'between review and auto thresholds' END AS reason
        FROM flagged
        ORDER BY unique_id_l, unique_id_r
    """)
    return Rel(out)


def cluster_new(
    con: duckdb.DuckDBPyConnection,
    nodes: str,
    decisions: str,
    out: str = "new_clusters",
) -> tuple[Rel, int]:
    """Table ``out`` (unique_id, cluster_key) for every mention in ``nodes`` (keyed record
    features): connected components of the automatic links among them (key: the smallest
    mention id of the component), split where a cannot-link pair would share one — a scored
    pair the model or a reviewer calls two people, or two members a chain of links joined
    although they can never be one person (``constraint_pairs``). Returns the table and how
    many clusters those constraints cut.

    Only integers leave DuckDB (node numbers and edges); mention ids stay in SQL, so a first
    night of millions of mentions clusters in seconds.
    """
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _node_ids AS
        SELECT unique_id, (row_number() OVER (ORDER BY unique_id) - 1)::BIGINT AS n
        FROM {nodes}""")
    edges = con.execute(f"""
        SELECT a.n, b.n FROM {decisions} d
        JOIN _node_ids a ON a.unique_id = d.unique_id_l
        JOIN _node_ids b ON b.unique_id = d.unique_id_r
        WHERE d.decision = 'auto' AND NOT d.between""").fetchnumpy()
    count = con.execute("SELECT count(*) FROM _node_ids").fetchall()[0][0]
    roots = connected_components(count, *(np.asarray(v, dtype=np.int64) for v in edges.values()))
    con.register("_roots", pd.DataFrame({"n": np.arange(count, dtype=np.int64), "root": roots}))
    con.execute(f"""CREATE OR REPLACE TABLE {out} AS
        SELECT a.unique_id, b.unique_id AS cluster_key FROM _node_ids a
        JOIN _roots r ON r.n = a.n JOIN _node_ids b ON b.n = r.root""")
    con.unregister("_roots")
    constraints = constraint_pairs(con, Rel(out), nodes)
    cut = split_conflicts(con, out, decisions, constraints)
    return Rel(out), cut


# Two mentions that can never be one person, whatever chain of links joins them: two
# different checksum-valid resident ID numbers (a mother's number on a child's record was moved
# to mother_key by the features); two birth orders (大宝 and 二宝: twins, or two children of one
# family); a record that names the other's ID number as its mother's (a baby and its mother);
# two babies of one mother in one delivery register (twins: one row per baby); one service
# given twice (a vaccine's dose at one clinic within a week, a visit at one clinic on one day:
# ``matching.services``).
CONFLICT_COLUMNS = ("unique_id", "id_key", "id_valid", "mother_key", "birth_key", "birth_order",
                    "delivery_key", "service_key", "service_on", "service_mark")  # fmt: skip


def conflict_sql(a: str = "a", b: str = "b") -> str:
    """SQL over two feature rows aliased ``a`` and ``b`` (``CONFLICT_COLUMNS`` at least): true
    when they are two people."""
    return f"""(({a}.id_valid AND {b}.id_valid AND {a}.id_key <> {b}.id_key)
    OR {a}.birth_order <> {b}.birth_order
    OR {a}.mother_key = {b}.id_key OR {b}.mother_key = {a}.id_key
    OR ({a}.delivery_key = {b}.delivery_key AND {a}.mother_key = {b}.mother_key
        AND {a}.unique_id <> {b}.unique_id)
    OR ({a}.service_key = {b}.service_key AND {a}.service_mark <> {b}.service_mark
        AND abs(date_diff('day', {a}.service_on, {b}.service_on)) <= {DOSE_REPEAT_DAYS}))"""


CONFLICT = conflict_sql()


def constraint_pairs(con: duckdb.DuckDBPyConnection, clusters: Rel, features: str) -> Rel:
    """Cannot-link pairs inside the clusters that break a constraint (only those clusters are
    expanded into pairs, so the cost follows the conflicts, not the city)."""
    return table(
        con,
        "_constraint_pairs",
        f"""
        WITH facts AS (
            SELECT c.cluster_key, {", ".join(f"f.{c}" for c in CONFLICT_COLUMNS)}
            FROM {clusters} c JOIN {features} f USING (unique_id)),
        suspect AS (
            SELECT cluster_key FROM facts GROUP BY cluster_key
            HAVING count(DISTINCT CASE WHEN id_valid THEN id_key END) > 1
                OR count(DISTINCT birth_order) > 1
                OR len(list_intersect(list(mother_key), list(id_key))) > 0
                OR count(delivery_key) > 1
                OR count(service_key) > count(DISTINCT service_key))
        SELECT a.unique_id AS unique_id_l, b.unique_id AS unique_id_r
        FROM facts a JOIN facts b ON a.cluster_key = b.cluster_key AND a.unique_id < b.unique_id
        WHERE a.cluster_key IN (SELECT cluster_key FROM suspect) AND ({CONFLICT})""",
    )


def connected_components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Root (smallest node number) of every node's component, by vectorised union-find:
    hook each edge's larger root under its smaller one, then jump pointers until flat.
    Roots only ever point to smaller numbers, so no cycle can form."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        left, right = parent[src], parent[dst]
        crossing = left != right
        if not crossing.any():
            return parent
        np.minimum.at(parent, np.maximum(left, right)[crossing], np.minimum(left, right)[crossing])
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def split_conflicts(
    con: duckdb.DuckDBPyConnection, clusters: str, decisions: str, constraints: Rel
) -> int:
    """Re-cluster, at rising thresholds, each cluster of table ``clusters`` that holds a
    cannot-link pair — a decided pair or a ``constraints`` pair (only those clusters are pulled
    out of DuckDB). Returns how many clusters were cut."""
    cannot = f"""(SELECT unique_id_l, unique_id_r FROM {decisions} WHERE decision = 'cannot_link'
                  UNION SELECT unique_id_l, unique_id_r FROM {constraints})"""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _bad AS
        SELECT DISTINCT a.cluster_key FROM {cannot} d
        JOIN {clusters} a ON a.unique_id = d.unique_id_l
        JOIN {clusters} b ON b.unique_id = d.unique_id_r
        WHERE a.cluster_key = b.cluster_key""")
    members = con.sql(f"""SELECT unique_id, cluster_key FROM {clusters}
        WHERE cluster_key IN (SELECT cluster_key FROM _bad) ORDER BY unique_id""").df()
    if members.empty:
        return 0
    edges = con.sql(f"""
        SELECT d.unique_id_l, d.unique_id_r,
            CASE WHEN d.reason = 'reviewer decision: match' THEN {MANUAL_WEIGHT}
                 ELSE d.match_weight END AS match_weight, d.decision, c.cluster_key
        FROM (SELECT unique_id_l, unique_id_r, reason, match_weight, decision FROM {decisions}
              WHERE decision IN ('auto', 'cannot_link')
              UNION ALL
              SELECT unique_id_l, unique_id_r, 'constraint', NULL, 'cannot_link'
              FROM {constraints}) d
        JOIN {clusters} c ON c.unique_id = d.unique_id_l
        WHERE c.cluster_key IN (SELECT cluster_key FROM _bad)
        ORDER BY d.unique_id_l, d.unique_id_r""").df()
    new_keys: dict[str, str] = {}
    for key, group in edges.groupby("cluster_key", sort=True):
        nodes = members.loc[members["cluster_key"] == key, "unique_id"].tolist()
        new_keys.update(split_one(nodes, group))
    con.register(
        "_new_keys",
        pd.DataFrame({"unique_id": list(new_keys), "cluster_key": list(new_keys.values())}),
    )
    con.execute(f"""UPDATE {clusters} SET cluster_key = k.cluster_key FROM _new_keys k
                    WHERE {clusters}.unique_id = k.unique_id""")
    con.unregister("_new_keys")
    return int(members["cluster_key"].nunique())


def split_one(nodes: list[str], edges: pd.DataFrame) -> dict[str, str]:
    """Lowest threshold at which no cannot-link pair shares a component; node → new key."""
    node_set = set(nodes)
    inside = edges["unique_id_l"].isin(node_set) & edges["unique_id_r"].isin(node_set)
    links = edges[inside & (edges["decision"] == "auto")]
    cannot = edges.loc[
        inside & (edges["decision"] == "cannot_link"), ["unique_id_l", "unique_id_r"]
    ]
    threshold = links["match_weight"].min() if len(links) else 0.0
    while True:
        kept = links[links["match_weight"] >= threshold]
        roots = components(nodes, zip(kept["unique_id_l"], kept["unique_id_r"], strict=True))
        if all(roots[a] != roots[b] for a, b in cannot.itertuples(index=False)):
            return roots
        threshold += THRESHOLD_STEP


def components(nodes: list[str], edges: Any) -> dict[str, str]:
    """Union-find over one small cluster; each node maps to its component's smallest id."""
    parent = {n: n for n in nodes}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in nodes}


def refuse_rivals(
    con: duckdb.DuckDBPyConnection, candidates: pd.DataFrame, clusters: Rel, features: str
) -> pd.DataFrame:
    """``candidates`` (cluster_key, resident_id, weight, usable, broken: the residents each
    cluster of new mentions may join, ``matching.registry.attach``) with the weaker of two
    clusters that would join one resident refused it when the two break a constraint: tonight's
    clustering cut them apart (twins checked on one day, both close to the baby's records of
    the night before), and joining one resident must not put them back together. The refused
    cluster takes its next resident, or a new one. ``features``: the clusters' record
    features (``CONFLICT_COLUMNS`` at least)."""
    facts = f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM {features}"
    for _ in range(MAX_RIVAL_ROUNDS):
        best = (
            candidates[candidates["usable"]]
            .sort_values(["weight", "resident_id"], ascending=[False, True])
            .drop_duplicates("cluster_key")
        )
        shared = best[best.duplicated("resident_id", keep=False)]
        if shared.empty:
            break
        con.register("_shared", shared[["cluster_key", "resident_id", "weight"]])
        weaker = con.sql(f"""
            WITH m AS (SELECT s.cluster_key, s.resident_id, s.weight, f.* FROM _shared s
                       JOIN {clusters} c USING (cluster_key) JOIN ({facts}) f USING (unique_id))
            SELECT DISTINCT CASE WHEN (a.weight, a.cluster_key) < (b.weight, b.cluster_key)
                                 THEN a.cluster_key ELSE b.cluster_key END AS cluster_key,
                a.resident_id
            FROM m a JOIN m b ON a.resident_id = b.resident_id AND a.cluster_key < b.cluster_key
            WHERE {CONFLICT}""").df()
        con.unregister("_shared")
        if weaker.empty:
            break
        refused = pd.MultiIndex.from_frame(weaker[["cluster_key", "resident_id"]])
        hit = pd.MultiIndex.from_frame(candidates[["cluster_key", "resident_id"]]).isin(refused)
        candidates.loc[hit, "usable"] = False
        candidates.loc[hit, "broken"] = True
    return candidates
