"""Hold delivered text against its contract: column drift, types, required values.

Readers hand over Arrow text tables under the delivered column names (plus ``LINE``). Drift (a
missing, extra, duplicated or renamed column) stops the whole delivery. Otherwise each column is
parsed to its contract type, and a row whose value cannot be read, or that misses a required
value, is rejected with the column and the reason; the rest is accepted. ``conform`` works on
all deliveries of one dataset at once: its cost is per column, not per file.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kernel.values import PARSERS
from schemas.contracts import Contract

LINE = "_line"  # 1-based line in the delivered file (null for database rows)
# No value of any contract is near this long (exam findings run to a few thousand characters);
# a longer one is a broken export (a quote never closed, a blob in a text column): quarantined.
MAX_VALUE_CHARS = 65_536
SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}


def drift_message(delivered: list[str], contract: Contract) -> str | None:
    """Why the delivered columns are not the contract's, or None when they are the same set."""
    expected = contract.delivered_names
    doubled = sorted(c for c, n in Counter(delivered).items() if n > 1)
    missing = [c for c in expected if c not in delivered]
    extra = [c for c in delivered if c not in expected]
    if not missing and not extra and not doubled:
        return None
    parts = [f"duplicated columns {doubled}"] if doubled else []
    separator = _separator(extra, expected)
    if separator:
        parts.append(f"the fields are separated by {SEPARATORS[separator]}, not ','")
    elif len(missing) == len(extra) == 1:
        parts.append(f"column renamed? {missing[0]!r} → {extra[0]!r}")
    else:
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"unexpected columns {extra}")
    return f"schema drift against {contract.dataset}: " + "; ".join(parts)


def _separator(extra: list[str], expected: list[str]) -> str | None:
    """The separator a one-column header really uses, when splitting by it gives the contract's
    columns (a file exported with ';' or tabs)."""
    if len(extra) != 1:
        return None
    for separator in SEPARATORS:
        names = [n.strip() for n in extra[0].split(separator)]
        if len(names) > 1 and set(names) <= set(expected):
            return separator
    return None


def text_values(values: list) -> pa.Array:
    """Python values from a database or JSON as Arrow text (numbers as their text)."""
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in one column: per value
        return pa.array([None if v is None else _text(v) for v in values], pa.string())
    if pa.types.is_string(array.type) or pa.types.is_null(array.type):
        return array.cast(pa.string())
    if pa.types.is_boolean(array.type) or not (
        pa.types.is_integer(array.type) or pa.types.is_floating(array.type)
    ):
        return pa.array([None if v is None else _text(v) for v in values], pa.string())
    return pc.cast(array, pa.string())  # 2.0 → "2", as a database writes a whole number


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def to_contract_names(texts: pa.Table, contract: Contract) -> pa.Table:
    """Delivered columns renamed to contract names, in contract order (checkup's Chinese
    headers become ``exam_no`` …); ``LINE`` and other ``_`` columns carried along."""
    columns = {c.name: texts[c.delivered_name] for c in contract.columns}
    columns |= {n: texts[n] for n in texts.column_names if n.startswith("_")}
    return pa.table(columns)


def row_keys(texts: pa.Table, contract: Contract) -> pa.Array:
    """Primary-key value(s) of each row joined by '|': names a row without personal data."""
    keys = list(contract.primary_key) or contract.column_names[:2]
    parts = [pc.fill_null(texts[k], "") for k in keys]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")


def conform(texts: pa.Table, contract: Contract) -> tuple[pa.Table, np.ndarray, dict]:
    """(every row typed per column, mask of rejected rows, {column: reasons}).

    ``texts`` is under contract names. Reasons are null where a column is fine; the caller
    keeps the rows where the mask is False.
    """
    typed, problems = {}, {}
    for col in contract.columns:
        given = pc.not_equal(pc.fill_null(texts[col.name], ""), "")
        typed[col.name] = PARSERS[col.type](texts[col.name])
        unreadable = pc.and_(given, typed[col.name].is_null())
        reason = pc.if_else(unreadable, f"not readable as {col.type}", pa.scalar(None, pa.string()))
        too_long = pc.greater(pc.fill_null(pc.utf8_length(texts[col.name]), 0), MAX_VALUE_CHARS)
        reason = pc.if_else(too_long, f"longer than {MAX_VALUE_CHARS} characters", reason)
        if col.required:
            reason = pc.if_else(pc.invert(given), "required value missing", reason)
        if reason.null_count < len(reason):
            problems[col.name] = reason
    bad = np.zeros(texts.num_rows, dtype=bool)
    for reason in problems.values():
        bad |= reason.is_valid().to_numpy(zero_copy_only=False)
    return pa.table(typed), bad, problems  # cast to the contract schema once rows are kept


def reasons(problems: dict[str, pa.Array], rows: np.ndarray) -> tuple[list[str], list[str]]:
    """For the rejected ``rows``: (columns at fault comma-joined, 'col: why; …')."""
    picked = {k: v.take(pa.array(rows, pa.int64())).to_pylist() for k, v in problems.items()}
    columns, texts = [], []
    for i in range(len(rows)):  # rejected rows only, which are few
        found = [(k, v[i]) for k, v in picked.items() if v[i] is not None]
        columns.append(",".join(k for k, _ in found))
        texts.append("; ".join(f"{k}: {why}" for k, why in found))
    return columns, texts
