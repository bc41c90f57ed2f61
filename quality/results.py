"""Check counts → rows of ``quality.result``, and the fatal gate → held deliveries.

``quality.result`` has one row per (org, dataset, check, field): ``field`` is the checked column,
or empty for a check on whole rows or the whole delivery. ``dataset`` is the contract's short
name (``patient``) next to ``source`` (``hospital``), as in the raw lake and the load log.
``examples`` holds up to ``EXAMPLES`` failing record keys (``source:org_code:dataset:record_id``
or a person mention's ``mention_id``) joined by ", ": keys only, never names or ID numbers.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

from quality.raw import DatasetNight
from quality.registry import checks, threshold
from schemas.contracts import Contract, contract

EXAMPLES = 3
RESULT_SCHEMA = contract("quality.result").arrow_schema()
HELD_SCHEMA = contract("quality.held_deliveries").arrow_schema()
COUNT_COLUMNS = ["org_code", "check_code", "field", "checked", "failed"]
_KEY = ["source", "dataset", "org_code", "check_code", "field"]


def schema_counts(night: DatasetNight) -> pd.DataFrame:
    """column_type per delivered file: checked = contract columns, failed = misfit columns."""
    width = len(night.contract.columns)
    return pd.DataFrame({
        "org_code": night.orgs, "check_code": "column_type", "field": "",
        "checked": width, "failed": [len(night.bad_columns.get(o, [])) for o in night.orgs],
    }, columns=COUNT_COLUMNS)  # fmt: skip


def describe(counts: pd.DataFrame, contract: Contract, day: date) -> pd.DataFrame:
    """Counts of one delivered dataset → quality.result rows (see ``describe_rows``)."""
    if counts.empty:
        return pd.DataFrame(columns=RESULT_SCHEMA.names)
    return describe_rows(counts.assign(source=contract.source, dataset=contract.dataset), day)


def describe_rows(counts: pd.DataFrame, day: date) -> pd.DataFrame:
    """Add the registry's dimension, severity and description, the threshold and passed.

    ``counts`` carries ``source`` and the full ``dataset`` name (``hospital.patient``, what
    thresholds.csv names); the result keeps the short name (``patient``).
    """
    if counts.empty:
        return pd.DataFrame(columns=RESULT_SCHEMA.names)
    registry = checks()
    frame = counts.assign(run_date=day)
    # checks without examples (schema, load log) leave the column missing or NaN: no keys
    examples = frame["examples"] if "examples" in frame else pd.Series(None, index=frame.index)
    frame["examples"] = [_keys(v) for v in examples]
    frame["dimension"] = frame["check_code"].map(lambda c: registry[c].dimension)
    frame["severity"] = frame["check_code"].map(lambda c: registry[c].severity)
    frame["description"] = frame["check_code"].map(lambda c: registry[c].description)
    keys = list(zip(frame["dataset"], frame["field"], frame["check_code"], strict=True))
    limits = {k: threshold(k[0], _threshold_field(k[1]), k[2]) for k in set(keys)}
    frame["threshold"] = [limits[k] for k in keys]
    share = 100 * frame["failed"] / frame["checked"].where(frame["checked"] > 0)
    frame["passed"] = (frame["failed"] == 0) | (share <= frame["threshold"])
    frame["dataset"] = frame["dataset"].str.split(".", n=1).str[-1]
    return frame[RESULT_SCHEMA.names]


def _keys(value: object) -> str:
    return value if isinstance(value, str) else ""


def _threshold_field(field: str) -> str:
    """thresholds.csv names the column: ``value[HGB]`` is looked up as ``value``; "" as ``*``."""
    return field.split("[", 1)[0] or "*"


def finalise(parts: list[pd.DataFrame]) -> pa.Table:
    """All datasets' rows, in a stable order, typed as quality.result."""
    kept = [p for p in parts if not p.empty]
    if not kept:
        return RESULT_SCHEMA.empty_table()
    frame = pd.concat(kept, ignore_index=True).sort_values(_KEY, kind="stable")
    frame = frame.astype({"checked": "int64", "failed": "int64", "passed": "bool"})
    return pa.Table.from_pandas(frame, schema=RESULT_SCHEMA, preserve_index=False)


def _reason(row: pd.Series) -> str:
    where = f"[{row['field']}]" if row["field"] else ""
    return f"{row['check_code']}{where}: {row['failed']}/{row['checked']} failed"


def held_deliveries(results: pa.Table) -> pa.Table:
    """Deliveries with a not-passed fatal check: (source, dataset, org_code, reason)."""
    frame = results.to_pandas()
    fatal = frame[(frame["severity"] == "fatal") & ~frame["passed"]]
    if fatal.empty:
        return HELD_SCHEMA.empty_table()
    fatal = fatal.assign(reason=fatal.apply(_reason, axis=1))
    held = fatal.groupby(["source", "dataset", "org_code"], as_index=False)["reason"].agg("; ".join)
    return pa.Table.from_pandas(held, schema=HELD_SCHEMA, preserve_index=False)
