"""Phones, dates, sex codes and districts, standardised column-wise (Arrow compute, no
per-row Python)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kernel.city import city
from kernel.values import parse_dates, parse_strings

MOBILE = r"1[3-9]\d{9}"
# GB/T 2261.1 codes kept; the labels sources write instead are mapped to them
SEX_CODES = {"0": "0", "1": "1", "2": "2", "9": "9", "男": "1", "女": "2", "M": "1", "F": "2",
             "男性": "1", "女性": "2", "未知": "0", "未说明": "9"}  # fmt: skip


def _halfwidth(values: object) -> pa.Array:
    """Delivered text with full-width digits, letters and spaces made ASCII (NFKC)."""
    return pc.utf8_normalize(pc.fill_null(parse_strings(values), ""), "NFKC")


def _series(array: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(array.to_pandas(), index=index)


def standardise_phones(values: pd.Series) -> pd.Series:
    """Digits only, +86/0086 dropped; an 11-digit mainland mobile number, else null."""
    digits = pc.replace_substring_regex(_halfwidth(values), r"\D", "")
    digits = pc.replace_substring_regex(digits, rf"^(?:00)?86({MOBILE})$", r"\1")
    mobile = pc.if_else(pc.match_substring_regex(digits, rf"^{MOBILE}$"), digits, None)
    return _series(mobile, values.index).astype(object).where(lambda s: s.notna(), None)


def standardise_dates(values: pd.Series) -> pd.Series:
    """YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY.MM.DD, 1990年1月2日 → midnight datetimes, else NaT."""
    text = pc.replace_substring_regex(_halfwidth(values), r"\s*[年月]\s*", "-")
    days = parse_dates(pc.replace_substring(text, "日", ""))
    return _series(pc.cast(days, pa.timestamp("s")), values.index)


def local_dates(values: pd.Series) -> pd.Series:
    """Timestamps or dates → the calendar date in Asia/Shanghai, as midnight datetimes."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(city().timezone).dt.tz_localize(None).dt.normalize()
    return pd.to_datetime(values, errors="coerce").dt.normalize()


def per_distinct(values: pd.Series, fn: Callable[[Any], str | None]) -> pd.Series:
    """``fn`` applied once per distinct non-null value (code columns have a handful)."""
    distinct = pd.unique(values.dropna())
    mapping = {v: fn(v) for v in distinct}
    return values.map(mapping).astype(object).where(lambda s: s.notna(), None)


def standardise_sex(values: pd.Series) -> pd.Series:
    """GB/T 2261.1 code: codes kept, 男/女 → 1/2, anything else null."""
    return per_distinct(values, lambda v: SEX_CODES.get(str(v).strip().upper()))


def standardise_text(values: pd.Series) -> pd.Series:
    """Trimmed text; empty → null (free text such as addresses is otherwise kept as written)."""
    trimmed = pc.utf8_trim_whitespace(parse_strings(values))
    return _series(pc.if_else(pc.equal(trimmed, ""), None, trimmed), values.index)


def find_districts(addresses: pd.Series, districts: dict[str, str]) -> pd.Series:
    """The code of the district named earliest in each address (``districts``: name → code)."""
    if not districts:
        return pd.Series(None, index=addresses.index, dtype=object)
    text = pc.fill_null(parse_strings(addresses), "")
    names = list(districts)
    found = np.column_stack(
        [pc.find_substring(text, n).to_numpy(zero_copy_only=False) for n in names]
    ).astype(float)
    found[found < 0] = np.inf
    codes = np.array([districts[n] for n in names], dtype=object)[found.argmin(axis=1)]
    hit = np.isfinite(found.min(axis=1))
    return pd.Series(np.where(hit, codes, None), index=addresses.index, dtype=object)
