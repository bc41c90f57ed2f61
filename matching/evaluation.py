"""Linkage quality against the simulator's truth, and against an ID-number-only index.

Pairwise figures are counted from cluster sizes, never by enumerating pairs: for a grouping
G and truth T, true positives are the sum over (G, T) cells of n·(n-1)/2; predicted pairs the
same over G; true pairs over T. The ID-only baseline groups mentions by their exact
standardised ``id_no`` (mentions without one stand alone) — what a platform indexing
"mainly by ID number" does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kernel.layout import Layout, partition_date
from schemas.tables import std_current_sql

TRUTH_KEYS = ["source", "org_code", "record_id", "role"]


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_metrics(frame: pd.DataFrame, cluster: str, truth: str = "person_id") -> dict:
    """Precision, recall, F1 and split/mixed shares of grouping ``cluster`` vs ``truth``."""
    if frame.empty:
        return {"mentions": 0}
    cells = frame.groupby([cluster, truth]).size()
    tp = _pairs(cells)
    predicted = _pairs(frame.groupby(cluster).size())
    actual = _pairs(frame.groupby(truth).size())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_person = frame.groupby(truth)[cluster].nunique()
    per_cluster = frame.groupby(cluster)[truth].nunique()
    return {
        "mentions": len(frame),
        "persons": len(per_person),
        "clusters": len(per_cluster),
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "true_positive_pairs": tp,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "persons_split": int((per_person > 1).sum()),
        "persons_split_share": round(float((per_person > 1).mean()), 6),
        "clusters_mixed": int((per_cluster > 1).sum()),
        "clusters_mixed_share": round(float((per_cluster > 1).mean()), 6),
    }


def mention_misses(frame: pd.DataFrame, cluster: str, truth: str = "person_id") -> pd.DataFrame:
    """Per mention: ``split`` (not in the resident holding most of its person's mentions) and
    ``merged`` (in a resident whose most frequent person is someone else). Ties go to the
    smaller id, so the figures are deterministic."""
    cells = frame.groupby([truth, cluster]).size().rename("n").reset_index()
    home = cells.sort_values([truth, "n", cluster], ascending=[True, False, True])
    home = home.drop_duplicates(truth).set_index(truth)[cluster]
    owner = cells.sort_values([cluster, "n", truth], ascending=[True, False, True])
    owner = owner.drop_duplicates(cluster).set_index(cluster)[truth]
    return frame.assign(
        split=frame[truth].map(home) != frame[cluster],
        merged=frame[cluster].map(owner) != frame[truth],
    )


def _by_role(frame: pd.DataFrame, cluster: str) -> dict:
    """Mentions of each role that landed away from their person's resident, or with a
    stranger: where a newborn or a child is lost, it shows here."""
    marked = mention_misses(frame, cluster)
    return {
        role: {"mentions": len(part), "split_mentions": int(part["split"].sum()),
               "merged_mentions": int(part["merged"].sum())}
        for role, part in marked.groupby("role", sort=True)
    }  # fmt: skip


def _figures(frame: pd.DataFrame, cluster: str) -> dict:
    """Overall figures, the same per role group (adult, child), and misses per role."""
    out = pairwise_metrics(frame, cluster)
    out["residents_merged"] = out["clusters_mixed"]
    out["by_role_group"] = {
        group: pairwise_metrics(part, cluster)
        for group, part in frame.groupby("role_group", sort=True)
    }
    out["by_role"] = _by_role(frame, cluster)
    return out


def newest_crosswalk(data: Path) -> Path:
    found = Layout(data).nights("mpi.record_link")
    if not found:
        raise FileNotFoundError(f"no crosswalk under {data} (run the link stage first)")
    return found[-1]


def _joined(sources: Path, data: Path) -> tuple[pd.DataFrame, date]:
    path = newest_crosswalk(data)
    day = partition_date(path)
    con = duckdb.connect()
    try:
        current = std_current_sql(Layout(data), "person_mention", day)
        con.execute(f"CREATE VIEW pm AS {current}")
        frame = con.sql(f"""
            SELECT x.mention_id, x.source, x.org_code, x.record_id, x.role, x.role_group,
                x.resident_id, t.person_id,
                coalesce(pm.id_no, x.mention_id) AS id_only_key
            FROM read_parquet('{path}', hive_partitioning = false) x
            JOIN read_csv('{sources / "truth" / "record_person.csv"}', all_varchar = true) t
              USING ({", ".join(TRUTH_KEYS)})
            LEFT JOIN pm ON pm.mention_id = x.mention_id
        """).df()
    finally:
        con.close()
    return frame, day


def evaluate(sources: Path, data: Path) -> dict[str, Any]:
    """Figures for the newest crosswalk and for the ID-only baseline, overall and per role group.

    Shape: ``overall`` (the MPI's figures, with ``by_role_group``), ``id_only_baseline`` (the
    same figures for the ID-number-only index), ``persons_split_vs_baseline``.
    """
    frame, day = _joined(Path(sources), Path(data))
    linkage = _figures(frame, "resident_id")
    baseline = _figures(frame, "id_only_key")
    split, base_split = linkage.get("persons_split", 0), baseline.get("persons_split", 0)
    return {
        "crosswalk_date": day.isoformat(),
        "mentions_with_truth": len(frame),
        "overall": linkage,
        "id_only_baseline": baseline,
        "persons_split_vs_baseline": round(split / base_split, 6) if base_split else None,
    }


def misses(sources: Path, data: Path) -> dict[str, Any]:
    """Where the newest crosswalk loses people: mentions split away from their person's
    resident, by role and by which identifiers they carry, and how many belong to persons
    born during the simulation (``truth/person.csv``). Counts only, no identities."""
    frame, day = _joined(Path(sources), Path(data))
    marked = mention_misses(frame, "resident_id")
    split = marked[marked["split"]]
    con = duckdb.connect()
    try:
        con.register("_split", split[["mention_id", "person_id"]])
        carried = con.sql(f"""
            SELECT s.mention_id, s.person_id, pm.role, pm.id_no IS NOT NULL AS has_id,
                pm.name IS NOT NULL AS has_name, pm.birth_date IS NOT NULL AS has_birth,
                coalesce(p.newborn, 'False') = 'True' AS newborn
            FROM _split s
            JOIN ({std_current_sql(Layout(data), "person_mention", day)}) pm USING (mention_id)
            LEFT JOIN read_csv('{Path(sources) / "truth" / "person.csv"}', all_varchar = true) p
              USING (person_id)""").df()
    finally:
        con.close()
    kinds = carried.assign(carries=[
        "+".join(k for k, v in (("ID", i), ("name", n), ("birth date", b)) if v) or "nothing"
        for i, n, b in zip(carried["has_id"], carried["has_name"], carried["has_birth"],
                           strict=True)])  # fmt: skip
    table = kinds.groupby(["role", "carries"]).size().rename("split_mentions").reset_index()
    return {
        "split_mentions": len(split),
        "split_persons": int(split["person_id"].nunique()),
        "split_persons_born_in_simulation": int(kinds.loc[kinds["newborn"], "person_id"]
                                                .nunique()),
        "by_role_and_identifiers": table.to_dict("records"),
    }  # fmt: skip


def truth_decisions(sources: Path, data: Path, reviewer: str = "simulated") -> pd.DataFrame:
    """The newest review queue decided from the simulator's truth, in the decisions-file
    shape (``matching.decisions.COLUMNS``): what a perfect reviewer would record."""
    path = Layout(data).night("mpi.review_queue", partition_date(newest_crosswalk(Path(data))))
    queue = pd.read_parquet(path, columns=["pair_id", "mention_id_l", "mention_id_r"])
    frame, _ = _joined(Path(sources), Path(data))
    person = frame.set_index("mention_id")["person_id"]
    same = queue["mention_id_l"].map(person) == queue["mention_id_r"].map(person)
    return queue.assign(
        decision=same.map({True: "match", False: "non-match"}),
        reviewer=reviewer,
        reason="decided from the simulator's truth",
    )


def per_case(sources: Path, data: Path) -> dict[str, dict[str, Any]]:
    """Figures per kind of a hand-built case suite (``truth/cases.csv``: case_id, kind, …): a
    resident mixing two cases' people counts against both, since cases share no identity."""
    frame, _ = _joined(Path(sources), Path(data))
    cases = pd.read_csv(Path(sources) / "truth" / "cases.csv", dtype=str)
    frame = _with_cases(frame, cases)
    out = {}
    for kind, part in frame.groupby("kind", sort=True):
        figures = pairwise_metrics(part, "resident_id")
        figures["groups"] = int(part["case_id"].nunique())
        out[kind] = figures
    return out


def _with_cases(frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    keyed = frame.assign(
        **{
            k: frame["mention_id"].str.split(":").str[i]
            for i, k in enumerate(("source", "org_code", "dataset", "record_id", "role"))
        }
    )
    return keyed.merge(cases[[*TRUTH_KEYS, "case_id", "kind"]], on=TRUTH_KEYS, how="inner")


def mother_child_coverage(sources: Path, data: Path) -> dict[str, Any]:
    """How many true mother–child pairs (``truth/mother_child.csv``) the MPI relates: both are
    mapped to the resident holding most of their mentions, and the pair of residents is looked
    up in the newest ``mpi.mother_child``; also how many related pairs are true."""
    frame, day = _joined(Path(sources), Path(data))
    home = mention_misses(frame, "resident_id")
    home = home[~home["split"]].drop_duplicates("person_id").set_index("person_id")["resident_id"]
    truth = pd.read_csv(Path(sources) / "truth" / "mother_child.csv", dtype=str)
    truth = truth.assign(
        mother=truth["mother_person_id"].map(home), child=truth["child_person_id"].map(home)
    ).dropna(subset=["child"])
    path = Layout(data).night("mpi.mother_child", day)
    related = (pd.read_parquet(path, columns=["mother_resident_id", "child_resident_id"])
               if path.exists() else pd.DataFrame(columns=["mother_resident_id",
                                                           "child_resident_id"]))  # fmt: skip
    pairs = set(zip(related["mother_resident_id"], related["child_resident_id"], strict=True))
    found = [(m, c) in pairs for m, c in zip(truth["mother"], truth["child"], strict=True)]
    true_pairs = set(zip(truth["mother"], truth["child"], strict=True))
    # a mother who never had a record of her own has no resident to be related to: the share
    # over pairs whose mother is in the index says what the MPI could have done
    seen = truth["mother"].notna().to_numpy()
    related_seen = int(sum(f for f, s in zip(found, seen, strict=True) if s))
    return {
        "true_pairs": len(truth),
        "related": int(sum(found)),
        "related_share": round(sum(found) / len(truth), 6) if len(truth) else None,
        "pairs_mother_seen": int(seen.sum()),
        "related_share_mother_seen": round(related_seen / seen.sum(), 6) if seen.sum() else None,
        "relations_published": len(pairs),
        "relations_true_share": round(len(pairs & true_pairs) / len(pairs), 6) if pairs else None,
    }
