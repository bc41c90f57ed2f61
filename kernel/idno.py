"""GB 11643-1999 resident ID numbers (居民身份证号码): check character, 15→18, parts.

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male), and an
ISO 7064 MOD 11-2 check character. The legacy 15-digit number (GB 11643-1989) has a 2-digit
year and no check character.

The one implementation of the rule: per value (the simulator makes numbers, a lookup repairs
one), per column (``check_chars``, for standardisation) and in SQL (``duckdb_macros``, for
quality checks) — all three from the same ``WEIGHTS`` and ``CHECK_CHARS`` and tested against
one table of worked cases (``tests/kernel/test_idno.py``).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy and Arrow only for whole columns: a single lookup starts fast
    import pyarrow as pa

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(id_no: str | None) -> bool:
    """True for an 18-character number with a right check character and a real birth date."""
    if not id_no or len(id_no) != 18 or not id_no[:17].isdigit():
        return False
    return check_char(id_no[:17]) == id_no[17] and birth_date(id_no) is not None


def make(address_code: str, born: date, sequence: int) -> str:
    """Compose a valid 18-character number; an odd ``sequence`` is a man, even a woman."""
    first17 = f"{address_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def to_legacy15(id_no: str) -> str:
    """The 1989 15-digit form of an 18-character number (drops the century and check)."""
    return id_no[:6] + id_no[8:17]


def from_legacy15(legacy: str) -> str:
    """Convert a 15-digit number to 18: insert ``19`` before YYMMDD, append the check char."""
    if len(legacy) != 15 or not legacy.isdigit():
        raise ValueError("a legacy ID number has 15 digits")
    first17 = legacy[:6] + "19" + legacy[6:]
    return first17 + check_char(first17)


def birth_date(id_no: str) -> date | None:
    """The birth date encoded in an 18-character number, or None if it is not a real date."""
    try:
        return date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return None


def sex_code(id_no: str) -> str:
    """GB/T 2261.1 sex code from the sequence digit: odd ``1`` (男), even ``2`` (女)."""
    return "1" if int(id_no[16]) % 2 else "2"


def sex_code_sql(id_no: str) -> str:
    """``sex_code`` in SQL over the column or expression ``id_no`` (18 characters)."""
    return f"CASE WHEN try_cast(substr({id_no}, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END"


def normalise(raw: str | None) -> str | None:
    """The safe repairs of a typed-in number: spaces dropped, full-width → half-width, ``x`` →
    ``X``, a legacy 15-digit number → 18. Anything else is returned as it is (never guessed)."""
    if raw is None:
        return None
    text = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if len(text) == 15 and text.isdigit():
        return from_legacy15(text)
    return text or None


def check_chars(first17: object) -> pa.Array:
    """MOD 11-2 check character of each 17-digit string (an Arrow array, a pandas Series or a
    list), as one NumPy dot product; callers pass digits only."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(first17, pa.Array | pa.ChunkedArray):
        first17 = pa.array(list(first17), pa.string())
    digits17 = pc.cast(first17, pa.binary())
    if isinstance(digits17, pa.ChunkedArray):
        digits17 = digits17.combine_chunks()
    n = len(digits17)
    if n == 0:
        return pa.array([], pa.string())
    offsets = np.frombuffer(digits17.buffers()[1], dtype=np.int32)
    start = offsets[digits17.offset]
    data = np.frombuffer(digits17.buffers()[2], dtype=np.uint8)[start : start + 17 * n]
    totals = (data.reshape(n, 17).astype(np.int64) - 48) @ np.array(WEIGHTS, dtype=np.int64)
    return pa.array(np.array(list(CHECK_CHARS))[totals % 11])


def duckdb_macros() -> str:
    """SQL macros of the same rule for DuckDB: ``gb11643_check(first17)`` and
    ``gb11643_valid(id_no)`` (18 characters, a real birth date, the right check character)."""
    weights = ", ".join(str(w) for w in WEIGHTS)
    return f"""
CREATE OR REPLACE MACRO gb11643_check(first17) AS substr('{CHECK_CHARS}', CAST(list_sum(
    list_transform(range(17), lambda i: (ascii(substr(first17, i + 1, 1)) - 48)
    * [{weights}][i + 1])) % 11 AS BIGINT) + 1, 1);
CREATE OR REPLACE MACRO gb11643_valid(id_no) AS coalesce(
    regexp_full_match(id_no, '[0-9]{{17}}[0-9X]')
    AND try_strptime(substr(id_no, 7, 8), '%Y%m%d') IS NOT NULL
    AND gb11643_check(substr(id_no, 1, 17)) = substr(id_no, 18, 1), false);
"""
