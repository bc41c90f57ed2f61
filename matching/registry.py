"""Persistent resident ids: Splink keeps no identity across runs, so we do.

The index is last night's crosswalk (mention → resident_id). Each night only tonight's new
or changed mentions move: a cluster of them joins the one existing resident it links to
automatically, or becomes a new resident; a cluster that links to two or more residents
would merge them, so it joins the strongest and the other links go to review (HAPI FHIR
MDM's "possible duplicate"). Residents merge only by a reviewer's decision; the merged-away
id is retired, never reissued (the counter lives in the crosswalk's Parquet metadata), and
redirects to its survivor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from matching.relations import Rel

COUNTER_KEY = b"healtharchive.resident_counter"
PREFIX = "R"
WIDTH = 10

AUDIT_COLUMNS = (
    "action",
    "mention_id",
    "resident_before",
    "resident_after",
    "reason",
    "match_weight",
    "match_probability",
    "decision_id",
)
REDIRECT_COLUMNS = ("retired_resident_id", "survivor_resident_id", "reason")


def format_resident_id(n: int) -> str:
    return f"{PREFIX}{n:0{WIDTH}d}"


def read_counter(path: str | None, links: pd.DataFrame) -> int:
    """The last resident number handed out, from the crosswalk's metadata (else the max id)."""
    meta = (pq.read_schema(path).metadata or {}) if path else {}
    if COUNTER_KEY in meta:
        return int(meta[COUNTER_KEY])
    numbers = pd.to_numeric(links["resident_id"].str[len(PREFIX) :], errors="coerce")
    return int(numbers.max()) if numbers.notna().any() else 0


@dataclass
class Ledger:
    """What a night changes beyond the crosswalk: audit rows and retired ids."""

    audit: list[dict] = field(default_factory=list)
    redirects: list[dict] = field(default_factory=list)

    def log(
        self,
        action: str,
        before: str | None,
        after: str | None,
        reason: str,
        mention_id: str | None = None,
        weight: float | None = None,
        probability: float | None = None,
        decision_id: str | None = None,
    ) -> None:
        self.audit.append(
            dict(
                zip(
                    AUDIT_COLUMNS,
                    (action, mention_id, before, after, reason, weight, probability, decision_id),
                    strict=True,
                )
            )
        )

    def retire(self, resident_id: str, survivor: str | None, reason: str) -> None:
        self.redirects.append(
            {"retired_resident_id": resident_id, "survivor_resident_id": survivor, "reason": reason}
        )
        self.log("retire", resident_id, survivor, reason)


def attach(
    con: duckdb.DuckDBPyConnection,
    candidates: pd.DataFrame,
    counter: int,
    clusters: str,
    out: str = "assigned",
) -> tuple[Rel, int]:
    """Give each cluster of new mentions a resident: table ``out`` (unique_id, resident_id,
    assigned_by, bridged, match_weight, match_probability); returns it and the new counter.

    ``clusters``: a table (unique_id, cluster_key). ``candidates``: cluster_key, resident_id,
    weight, probability, usable — one row per existing resident a cluster links to
    automatically; ``usable`` is false when a pinned different-person pair (twins) or a
    reviewer's non-match forbids that resident. A cluster joins its strongest usable
    resident (ties: the smaller id); ``bridged`` marks clusters that linked to several (the
    rest goes to review). Clusters without one get fresh ids in sorted key order.
    """
    con.register("_candidates", candidates)
    con.execute("""CREATE OR REPLACE TEMP TABLE _best AS
        SELECT cluster_key, resident_id, weight, probability,
            count(*) OVER (PARTITION BY cluster_key) > 1 AS bridged
        FROM _candidates WHERE usable
        QUALIFY row_number() OVER (PARTITION BY cluster_key
                                   ORDER BY weight DESC, resident_id) = 1""")
    con.unregister("_candidates")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _fresh AS
        SELECT cluster_key,
            printf('{PREFIX}%0{WIDTH}d', {counter} + row_number() OVER (ORDER BY cluster_key))
                AS resident_id
        FROM (SELECT DISTINCT cluster_key FROM {clusters}
              WHERE cluster_key NOT IN (SELECT cluster_key FROM _best))""")
    con.execute(f"""CREATE OR REPLACE TABLE {out} AS
        SELECT c.unique_id, coalesce(b.resident_id, f.resident_id) AS resident_id,
            'auto' AS assigned_by, coalesce(b.bridged, false) AS bridged,
            b.weight AS match_weight, b.probability AS match_probability
        FROM {clusters} c LEFT JOIN _best b USING (cluster_key)
        LEFT JOIN _fresh f USING (cluster_key)
        ORDER BY c.unique_id""")
    return Rel(out), counter + con.execute("SELECT count(*) FROM _fresh").fetchall()[0][0]


def merge(
    links: pd.DataFrame,
    pairs: pd.DataFrame,
    ledger: Ledger,
    blocked: set[frozenset[str]],
    reason: str = "reviewer decision: match",
    assigned_by: str = "manual",
) -> pd.DataFrame:
    """Merge the residents of each pair of mentions (``mention_id_l``, ``mention_id_r``,
    ``decision_id``, ``match_weight``) in order; returns the new ``links``.

    A merge that would put two mentions a reviewer called different (``blocked``: frozensets
    of mention ids) into one resident is skipped. Every moved mention and the retired id are
    written to ``ledger``. Decisions already honoured cost one vectorised lookup.
    """
    where = links.set_index("mention_id")["resident_id"]
    todo = pairs.assign(a=pairs["mention_id_l"].map(where), b=pairs["mention_id_r"].map(where))
    todo = todo[todo["a"].notna() & todo["b"].notna() & (todo["a"] != todo["b"])]
    if todo.empty:
        return links
    involved = links[links["resident_id"].isin(set(todo["a"]) | set(todo["b"]))]
    members = {r: set(g) for r, g in involved.groupby("resident_id")["mention_id"]}
    owner = {r: r for r in members}  # resident → the resident it has merged into

    def root(r: str) -> str:
        while owner[r] != r:
            r = owner[r]
        return r

    for pair in todo.itertuples(index=False):
        a, b = root(pair.a), root(pair.b)
        if a == b or _blocked(members[a], members[b], blocked):
            continue
        keep = min((a, b), key=lambda r: (-len(members[r]), r))
        gone = b if keep == a else a
        for mention_id in sorted(members[gone]):
            ledger.log(
                "merge", gone, keep, reason, mention_id, pair.match_weight, None, pair.decision_id
            )
        members[keep] |= members.pop(gone)
        owner[gone] = keep
        ledger.retire(gone, keep, f"merged into {keep}: {reason}")
    final = {r: root(r) for r in owner}
    links = links.copy()
    moved = links["resident_id"].map(final).fillna(links["resident_id"]) != links["resident_id"]
    links.loc[moved, "resident_id"] = links.loc[moved, "resident_id"].map(final)
    links.loc[moved, "assigned_by"] = assigned_by
    return links


def _blocked(a: set[str], b: set[str], blocked: set[frozenset[str]]) -> bool:
    return any(len(p & a) == 1 and len(p & b) == 1 for p in blocked)


def retire_emptied(
    before: pd.DataFrame, after: pd.DataFrame, ledger: Ledger, already: set[str]
) -> None:
    """Retire residents that held mentions last night and hold none now (records deleted or
    corrected away). Their survivor is the one resident their surviving mentions went to."""
    gone = set(before["resident_id"]) - set(after["resident_id"]) - already
    if not gone:
        return
    left = before[before["resident_id"].isin(gone)].merge(
        after[["mention_id", "resident_id"]], on="mention_id", how="left", suffixes=("", "_now")
    )
    for resident_id, group in left.groupby("resident_id", sort=True):
        now = set(group["resident_id_now"].dropna())
        if len(now) == 1:
            ledger.retire(resident_id, now.pop(), "its records were corrected into it")
        else:
            ledger.retire(resident_id, None, "no records left (deleted or corrected)")
