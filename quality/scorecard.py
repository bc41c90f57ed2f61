"""Institution scorecards from quality.result rows: one score per dimension, an overall score,
the ranking, district summaries, the worst checks and what each institution should fix.

The score of a check for an institution is the share of what it checked that passed, summed
over the period (nights, datasets, fields). A dimension's score is the mean of its checks'
scores, so a check counts once however many fields or rows it covers (a year of late uploads is
one check, not ten thousand); the overall score is the mean of the dimension scores. All scores
are 0–100. Plain pandas over a results frame; reading the files is ``quality.report_data``.
"""

from __future__ import annotations

import pandas as pd

from quality.registry import DIMENSIONS, checks
from quality.results import EXAMPLES

ITEM = ["source", "dataset", "check_code", "field"]
SEVERITY_ORDER = {"fatal": 0, "warn": 1, "info": 2}
SCORED = ("fatal", "warn")  # info results are reported, not scored
PRIOR = 10.0  # pseudo-units of the city-wide share added to every institution's counts


def check_scores(frame: pd.DataFrame, by: list[str], prior: float = PRIOR) -> pd.DataFrame:
    """Per ``by`` + dimension + check_code: checked, failed and score (share passed, 0–100).

    The share is smoothed towards the check's share over the whole frame with ``prior``
    pseudo-units (empirical Bayes): an institution that delivered three records is not ranked
    last for one bad one, while one with thousands keeps its own figure.
    """
    keys = [*by, "dimension", "check_code"]
    frame = frame[frame["severity"].isin(SCORED)]
    summed = frame.groupby(keys, as_index=False)[["checked", "failed"]].sum()
    summed = summed[summed["checked"] > 0]
    city = frame.groupby("check_code")[["checked", "failed"]].sum()
    city_share = (city["failed"] / city["checked"].where(city["checked"] > 0)).fillna(0)
    expected = summed["check_code"].map(city_share) * prior
    share = (summed["failed"] + expected) / (summed["checked"] + prior)
    return summed.assign(score=100 * (1 - share))


def dimension_scores(frame: pd.DataFrame, by: list[str], prior: float = PRIOR) -> pd.DataFrame:
    """Per ``by``: one column per dimension (mean of its checks' scores) and ``overall``."""
    per_check = check_scores(frame, by, prior)
    wide = per_check.pivot_table(index=by, columns="dimension", values="score", aggfunc="mean")
    wide = wide.reindex(columns=[d for d in DIMENSIONS if d in wide.columns])
    wide["overall"] = wide.mean(axis=1)
    wide.columns.name = None
    return wide.reset_index()


def ranking(
    frame: pd.DataFrame, institutions: pd.DataFrame, activity: pd.DataFrame
) -> pd.DataFrame:
    """One row per institution that delivered records: scores, rank (1 = best), its reference
    data and ``activity`` (org_code → records, held). One that delivered nothing has nothing
    to score (see ``unranked``)."""
    scores = dimension_scores(frame, ["org_code"])
    ranked = scores.merge(activity, on="org_code", how="left").merge(
        institutions, on="org_code", how="left"
    )
    ranked = ranked.fillna({"records": 0, "held": 0})
    ranked = ranked[ranked["records"] > 0]
    ranked = ranked.sort_values(["overall", "org_code"], ascending=[False, True], kind="stable")
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked.reset_index(drop=True)


def unranked(frame: pd.DataFrame, institutions: pd.DataFrame, ranked: pd.DataFrame) -> pd.DataFrame:
    """Institutions with results this period (say, a missing delivery) but no record to score."""
    seen = frame[["org_code"]].drop_duplicates()
    left = seen[~seen["org_code"].isin(ranked["org_code"])]
    return left.merge(institutions, on="org_code", how="left").sort_values("org_code")


def with_previous(ranked: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``overall_prev``, ``change`` (points) and ``rank_prev`` from last month's ranking."""
    if previous is None or previous.empty:
        return ranked.assign(overall_prev=float("nan"), change=float("nan"), rank_prev=pd.NA)
    prev = previous[["org_code", "overall", "rank"]].rename(
        columns={"overall": "overall_prev", "rank": "rank_prev"}
    )
    merged = ranked.merge(prev, on="org_code", how="left")
    return merged.assign(change=merged["overall"] - merged["overall_prev"])


def district_summary(ranked: pd.DataFrame) -> pd.DataFrame:
    """Per district: institutions, records, mean scores, the lowest-ranked institution."""
    dims = [d for d in (*DIMENSIONS, "overall") if d in ranked.columns]
    grouped = ranked.groupby(["district_code", "district_name"], dropna=False)
    summary = grouped[dims].mean()
    summary["institutions"] = grouped.size()
    summary["records"] = grouped["records"].sum()
    summary["held"] = grouped["held"].sum()
    worst = ranked.loc[grouped["overall"].idxmin(), ["district_code", "org_code", "org_name"]]
    summary = summary.reset_index().merge(
        worst.rename(columns={"org_code": "worst_org", "org_name": "worst_name"}),
        on="district_code",
        how="left",
    )
    return summary.sort_values("overall", ascending=False, kind="stable").reset_index(drop=True)


def failing_items(frame: pd.DataFrame) -> pd.DataFrame:
    """Per institution and check item (source, dataset, check, field) over the period: counts,
    failed share, threshold and whether it passed; with the item's failing record keys."""
    keys = ["org_code", *ITEM]
    grouped = frame.groupby(keys, as_index=False)
    items = grouped.agg(
        checked=("checked", "sum"), failed=("failed", "sum"), threshold=("threshold", "max"),
        severity=("severity", "first"), dimension=("dimension", "first"),
        examples=("examples", _first_keys),
    )  # fmt: skip
    items = items[items["failed"] > 0]
    share = 100 * items["failed"] / items["checked"].where(items["checked"] > 0)
    return items.assign(share=share, passed=share <= items["threshold"])


def worst_checks(frame: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """City-wide scored check items with the most failed rows: share, institutions not
    passing, the worst institution and example record keys from it."""
    items = failing_items(frame[frame["severity"].isin(SCORED)])
    if items.empty:
        return items
    city = items.groupby(ITEM, as_index=False).agg(
        failed=("failed", "sum"), orgs_failing=("passed", lambda p: int((~p).sum())),
        dimension=("dimension", "first"), severity=("severity", "first"),
    )  # fmt: skip
    checked = frame.groupby(ITEM, as_index=False)["checked"].sum()
    city = city.merge(checked, on=ITEM)
    city["share"] = 100 * city["failed"] / city["checked"]
    worst = items.sort_values(["share", "failed"], ascending=False).drop_duplicates(ITEM)
    worst = worst[[*ITEM, "org_code", "share", "examples"]].rename(
        columns={"org_code": "worst_org", "share": "worst_share"}
    )
    city = city.merge(worst, on=ITEM, how="left")
    city = city.sort_values(["failed", "check_code"], ascending=[False, True], kind="stable")
    return city.head(limit).reset_index(drop=True)


def fixes(frame: pd.DataFrame, per_org: int = 3) -> dict[str, list[dict[str, object]]]:
    """Per institution, up to ``per_org`` checks it did not pass this period, most serious
    first (severity, then failed rows): the registry's advice, the check's rows over all its
    places, the places (dataset.field) past their threshold, worst first, and example keys."""
    scored = frame[frame["severity"].isin(SCORED)]
    items = failing_items(scored)
    items = items[~items["passed"]]
    if items.empty:
        return {}
    items = items.assign(where=items["source"] + "." + items["dataset"]
                         + items["field"].map(lambda f: f".{f}" if f else ""))  # fmt: skip
    per_check = items.sort_values("share", ascending=False).groupby(
        ["org_code", "check_code"], as_index=False
    ).agg(
        severity=("severity", "first"), threshold=("threshold", "max"), places=("where", list),
        examples=("examples", lambda keys: [k for group in keys for k in group][:EXAMPLES]),
    )  # fmt: skip
    totals = scored.groupby(["org_code", "check_code"], as_index=False)[["checked", "failed"]].sum()
    per_check = per_check.merge(totals, on=["org_code", "check_code"])
    per_check["share"] = 100 * per_check["failed"] / per_check["checked"]
    per_check["order"] = per_check["severity"].map(SEVERITY_ORDER)
    per_check = per_check.sort_values(
        ["org_code", "order", "failed"], ascending=[True, True, False]
    )
    registry = checks()
    found: dict[str, list[dict[str, object]]] = {}
    for org_code, group in per_check.groupby("org_code", sort=True):
        found[str(org_code)] = [
            {**row, "advice": registry[row["check_code"]].advice}
            for row in group.head(per_org).to_dict("records")
        ]
    return found


def _first_keys(series: pd.Series) -> list[str]:
    """Up to three record keys from the first nights that had any (stable, no identities)."""
    keys: list[str] = []
    for value in series:
        if isinstance(value, str) and value:
            keys.extend(value.split(", "))
        if len(keys) >= EXAMPLES:
            break
    return keys[:EXAMPLES]
