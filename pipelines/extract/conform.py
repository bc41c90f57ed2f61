"""Hold a delivered table against its contract: column drift, types, required values.

The readers hand over a pandas frame under the delivered column names. Drift (a missing, extra
or renamed column) stops the whole file. Otherwise the values become Arrow text under the
contract names (numbers a database or JSON delivered become their text), each column is parsed
to its contract type, and a row whose value cannot be read, or that misses a required value, is
rejected with the column and the reason; the rest of the file is accepted.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.extract.parse import PARSERS
from schemas.contracts import Contract

LINE = "_line"  # 1-based line in the delivered file (None for database rows)


def drift_message(delivered: list[str], contract: Contract) -> str | None:
    """Why the delivered columns are not the contract's, or None when they are the same set."""
    expected = contract.delivered_names
    missing = [c for c in expected if c not in delivered]
    extra = [c for c in delivered if c not in expected]
    if not missing and not extra:
        return None
    parts = []
    if len(missing) == len(extra) == 1:
        parts.append(f"column renamed? {missing[0]!r} → {extra[0]!r}")
    else:
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"unexpected columns {extra}")
    return f"schema drift against {contract.dataset}: " + "; ".join(parts)


def text_array(values: pd.Series) -> pa.Array:
    """One delivered column as Arrow text: str kept, numbers and booleans as their text."""
    try:
        array = pa.array(values.to_numpy(dtype=object), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in one column: rare, per value
        present = values.notna()
        out = values.astype(object).where(present, None)
        out[present] = values[present].map(_text)
        return pa.array(out.to_numpy(dtype=object), pa.string(), from_pandas=True)
    return pc.cast(array, pa.string())


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def text_table(frame: pd.DataFrame, contract: Contract) -> pa.Table:
    """The contract's columns as Arrow text under contract names (checkup's Chinese headers
    renamed), from a frame under delivered names; LINE carried along."""
    columns = {c.name: text_array(frame[c.delivered_name]) for c in contract.columns}
    columns[LINE] = pa.array(frame[LINE] if LINE in frame else [None] * len(frame), pa.int64())
    return pa.table(columns)


def row_keys(texts: pa.Table, contract: Contract) -> pa.Array:
    """Primary-key value(s) of each row joined by '|': names a row without personal data."""
    keys = list(contract.primary_key) or contract.column_names[:2]
    parts = [pc.fill_null(texts[k], "") for k in keys]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")


def conform(texts: pa.Table, contract: Contract) -> tuple[pa.Table, pa.Table]:
    """Split text rows into (accepted rows typed by the contract, rejected rows as text plus
    ``column`` and ``reason``)."""
    typed, problems = {}, {}
    for col in contract.columns:
        given = pc.not_equal(pc.fill_null(texts[col.name], ""), "")
        typed[col.name] = PARSERS[col.type](texts[col.name])
        unreadable = pc.and_(given, typed[col.name].is_null())
        reason = pc.if_else(unreadable, f"not readable as {col.type}", pa.scalar(None, pa.string()))
        if col.required:
            reason = pc.if_else(pc.invert(given), "required value missing", reason)
        if reason.null_count < len(reason):
            problems[col.name] = reason
    accepted = pa.table(typed)
    if not problems:
        return accepted.cast(contract.arrow_schema()), _rejected(texts.slice(0, 0), {})
    bad = np.zeros(texts.num_rows, dtype=bool)
    for reason in problems.values():
        bad |= reason.is_valid().to_numpy(zero_copy_only=False)
    keep = pa.array(~bad)
    drop = pc.invert(keep)
    rejected = _rejected(texts.filter(drop), {k: v.filter(drop) for k, v in problems.items()})
    return accepted.filter(keep).cast(contract.arrow_schema()), rejected


def _rejected(texts: pa.Table, problems: dict[str, pa.Array]) -> pa.Table:
    """Rejected rows with ``column`` (comma-joined) and ``reason`` ('col: why; …')."""
    found = pd.DataFrame({k: v.to_pandas() for k, v in problems.items()}, dtype=object)
    # per-row text only over the rejected rows, which are few
    columns = [",".join(row.dropna().index) for _, row in found.iterrows()]
    reasons = [
        "; ".join(f"{k}: {v}" for k, v in row.dropna().items()) for _, row in found.iterrows()
    ]
    return texts.append_column("column", pa.array(columns, pa.string())).append_column(
        "reason", pa.array(reasons, pa.string())
    )
