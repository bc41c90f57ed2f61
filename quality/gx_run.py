"""Run a generated suite over one dataset's night (all orgs at once) through GE's pandas datasource.

One validation per dataset keeps GE's fixed cost (metric graph, datasource, result objects) off
the per-org path; per-org failures are then counted from ``unexpected_index_list`` (result
format COMPLETE) against the frame's org column. The SQL datasource is not used: it returns
empty results on DuckDB 2.0 with SQLAlchemy 2.1 (STACK-NOTES).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from quality.raw import ORG
from quality.results import EXAMPLES
from quality.suites import ExpectationSpec, build_suite, import_gx
from schemas.contracts import Contract

# bulky or row-level parts of a result: never stored, and never shown for personal columns
_ROW_LEVEL = ("unexpected_list", "unexpected_index_list", "unexpected_index_query",
              "partial_unexpected_index_list")  # fmt: skip
_VALUE_LEVEL = ("partial_unexpected_list", "partial_unexpected_counts")


class SuiteError(RuntimeError):
    """An expectation raised instead of returning a result: a bug in a generated suite."""


def ephemeral_context() -> Any:
    """An in-memory GE context with progress bars off: nothing is written into the repo."""
    gx = import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.data_sources.add_pandas("raw")
    return context


def to_frame(table: pa.Table, contract: Contract) -> pd.DataFrame:
    """The dataset as pandas, blank text turned into missing so it counts as not filled."""
    frame = table.to_pandas()
    for col in contract.columns:
        if col.type == "string":
            text = frame[col.name]
            frame[col.name] = text.mask(text.str.strip() == "")
    return frame.reset_index(drop=True)


def run_suite(
    context: Any, contract: Contract, frame: pd.DataFrame, specs: list[ExpectationSpec]
) -> Any:
    """Validate ``frame`` against the suite built from ``specs``; the GE validation result."""
    suite = context.suites.add_or_update(build_suite(contract, specs))
    asset = context.data_sources.get("raw").add_dataframe_asset(contract.dataset)
    batch = asset.add_batch_definition_whole_dataframe("night").get_batch(
        batch_parameters={"dataframe": frame}
    )
    with warnings.catch_warnings():
        # GE runs format regexes through str.contains, which warns about their groups
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular")
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    context.data_sources.get("raw").delete_asset(contract.dataset)
    for item in result.results:
        if item.exception_info and item.exception_info.get("raised_exception"):
            message = item.exception_info.get("exception_message")
            raise SuiteError(f"{contract.dataset}: {item.expectation_config.type}: {message}")
    return result


def record_keys(frame: pd.DataFrame, contract: Contract) -> np.ndarray | None:
    """Each row's ``source:org_code:dataset:record_id`` (as ``sql_checks.record_key``)."""
    if not contract.primary_key:
        return None
    keys = f"{contract.source}:" + frame[ORG].astype(str) + f":{contract.dataset}"
    for column in contract.primary_key:
        keys = keys + ":" + frame[column].astype(str)
    return keys.to_numpy(dtype=object)


def _examples(
    codes: np.ndarray, failed_idx: np.ndarray, keys: np.ndarray | None, n_orgs: int
) -> list[str]:
    """Per org, its first EXAMPLES failing record keys in key order, joined by ", "."""
    found: list[list[str]] = [[] for _ in range(n_orgs)]
    if keys is not None and len(failed_idx):
        failing = pd.DataFrame({"org": codes[failed_idx], "key": keys[failed_idx]})
        firsts = failing.sort_values("key").groupby("org")["key"].head(EXAMPLES)
        for org, key in zip(failing.loc[firsts.index, "org"], firsts, strict=True):
            found[org].append(key)
    return [", ".join(keys_of_org) for keys_of_org in found]


def per_org_counts(
    frame: pd.DataFrame, result: Any, orgs: list[str], keys: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per (org, check_code, field): rows checked and failed, failing keys (``keys``)."""
    codes = pd.Categorical(frame[ORG], categories=orgs).codes
    rows_per_org = np.bincount(codes, minlength=len(orgs))
    parts = []
    for item in result.results:
        meta = item.expectation_config.meta or {}
        if meta.get("check_code") == "row_count_matches_load_log":
            continue  # a table-level total; reconciled per org against the load log instead
        kwargs = item.expectation_config.kwargs
        failed_idx = np.asarray(item.result.get("unexpected_index_list") or [], dtype=np.int64)
        failed = np.bincount(codes[failed_idx], minlength=len(orgs))
        checked = rows_per_org
        if item.expectation_config.type in (
            "expect_column_values_to_match_regex",
            "expect_column_values_to_be_in_set",
        ):
            # GE skips missing values for these: only filled values are checked
            filled = frame[kwargs["column"]].notna().to_numpy()
            checked = np.bincount(codes[filled], minlength=len(orgs))
        parts.append(pd.DataFrame({
            "org_code": orgs, "check_code": meta["check_code"], "field": meta["field"],
            "checked": checked, "failed": failed,
            "examples": _examples(codes, failed_idx, keys, len(orgs)),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def scrubbed(result: Any, contract: Contract) -> dict[str, Any]:
    """The validation result as JSON for Data Docs, without row-level lists or personal values."""
    doc = result.to_json_dict()
    personal = set(contract.pii_columns)
    for item in doc["results"]:
        values = item.get("result") or {}
        for key in _ROW_LEVEL:
            values.pop(key, None)
        column = item["expectation_config"]["kwargs"].get("column")
        if column in personal:
            for key in _VALUE_LEVEL:
                values.pop(key, None)
    return doc
