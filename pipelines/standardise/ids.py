"""ID numbers (GB 11643) standardised column-wise: repair what is safe, flag the rest.

Repairs: spaces removed, full-width characters → half-width, ``x`` → ``X``, legacy 15-digit numbers
→ 18 (the kernel's GB 11643 rule, ``kernel.idno``). Never repaired, only flagged: a wrong check
character, a wrong length, non-digits, an impossible birth date. ``id_damage`` names the most
serious damage found; ``id_no`` keeps the normalised value so linkage can still compare it.
Vectorised with Arrow compute; the check character comes from ``kernel.idno.check_chars``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kernel.idno import check_chars
from kernel.values import checked_strptime, parse_strings
from pipelines.standardise.values import per_distinct
from schemas.contracts import code_sets

RESIDENT_CARD = "01"  # CV02.01.101 居民身份证; also used by HK/Macao/Taiwan residence permits
_SPACES = r"[\s\x{3000}\x{00A0}]+"  # RE2's \s is ASCII only: add the ideographic space
_FULLWIDTH_CHARS = "[０-９Ｘｘ]"

# Most serious first: the first that applies is reported.
DAMAGE_ORDER = (
    "other_type",
    "empty",
    "bad_length",
    "bad_format",
    "bad_checksum",
    "legacy15",
    "fullwidth",
    "whitespace",
    "lowercase_x",
)


def standard_id_types(id_type: pd.Series) -> pd.Series:
    """'01', '1', '居民身份证' → '01'; unknown text kept, empty → None."""
    labels = {label: code for code, label in code_sets()["id_type"].items()}

    def code(value: object) -> str | None:
        text = str(value).strip()
        text = text.zfill(2) if text.isdigit() and len(text) == 1 else text
        return labels.get(text, text) or None

    return per_distinct(id_type, code)


def _matches(array: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(array, pattern)


def standardise_ids(id_no: pd.Series, id_type: pd.Series | None = None) -> pd.DataFrame:
    """id_no, id_no_valid, id_damage, id_birth_date, id_sex_code for each delivered value."""
    raw = pc.fill_null(parse_strings(id_no), "")
    compact = pc.replace_substring_regex(raw, _SPACES, "")
    halfwidth = pc.utf8_normalize(compact, "NFKC")  # full-width digits and letters → ASCII
    norm = pc.utf8_upper(halfwidth)
    legacy = _matches(norm, r"^\d{15}$")
    shaped = _matches(norm, r"^\d{17}[\dX]$")
    candidate = pc.or_kleene(legacy, shaped)
    cut = pc.utf8_slice_codeunits
    legacy17 = pc.binary_join_element_wise(cut(norm, 0, 6), "19", cut(norm, 6, 15), "")
    first17 = pc.if_else(legacy, legacy17, cut(norm, 0, 17))
    check = _check_where(first17, candidate)
    full = pc.if_else(legacy, pc.binary_join_element_wise(first17, check, ""), norm)
    born = checked_strptime(pc.if_else(candidate, cut(full, 6, 14), None), "%Y%m%d")
    checksum_ok = pc.or_kleene(legacy, pc.and_kleene(shaped, pc.equal(cut(norm, 17, 18), check)))
    other = pa.array(_other_type(id_type, len(raw)))
    valid = pc.and_kleene(
        pc.and_kleene(candidate, checksum_ok), pc.and_kleene(born.is_valid(), pc.invert(other))
    )
    empty = pc.equal(norm, "")
    flags = {
        "other_type": pc.and_kleene(other, pc.invert(empty)),
        "empty": empty,
        "bad_length": pc.invert(pc.is_in(pc.utf8_length(norm), pa.array([15, 18]))),
        "bad_format": pc.or_kleene(pc.invert(candidate), born.is_null()),
        "bad_checksum": pc.invert(checksum_ok.fill_null(False)),
        "legacy15": legacy,
        "fullwidth": _matches(compact, _FULLWIDTH_CHARS),
        "whitespace": pc.not_equal(raw, compact),
        "lowercase_x": pc.match_substring(halfwidth, "x"),
    }
    odd = pc.is_in(cut(full, 16, 17), pa.array(list("13579")))
    sex = pc.if_else(odd, "1", "2")  # the sequence's last digit: odd a man, even a woman
    columns = {
        "id_no": pc.if_else(empty, None, pc.if_else(other, norm, full)),
        "id_no_valid": valid.fill_null(False),
        "id_damage": _first_damage(flags),
        "id_birth_date": pc.if_else(valid, born, None),
        "id_sex_code": pc.if_else(valid, sex, None),
    }
    index = id_no.index if isinstance(id_no, pd.Series) else None
    return pa.table(columns).to_pandas().set_axis(index if index is not None else range(len(raw)))


def _check_where(first17: pa.Array, candidate: pa.Array) -> pa.Array:
    """Check characters for the rows that are 17 (or 15→17) digits, null elsewhere."""
    rows = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    found = np.full(len(first17), None, dtype=object)
    found[rows] = check_chars(first17.take(pa.array(rows, pa.int64()))).to_numpy(
        zero_copy_only=False
    )
    return pa.array(found, pa.string())


def _other_type(id_type: pd.Series | None, rows: int) -> np.ndarray:
    if id_type is None:
        return np.zeros(rows, dtype=bool)
    codes = standard_id_types(id_type)
    return (codes.notna() & (codes != RESIDENT_CARD)).to_numpy()


def _first_damage(flags: dict[str, pa.Array]) -> pa.Array:
    conditions = [flags[kind].to_numpy(zero_copy_only=False) for kind in DAMAGE_ORDER]
    return pa.array(np.select(conditions, list(DAMAGE_ORDER), default="none"))
