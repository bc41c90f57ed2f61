"""Delivered vaccine codes and product names → CV08.50.001 (``schemas/crosswalks/vaccine.csv``).

The clinic's code is tried first, then its name; both are compared after NFKC (full-width →
half-width), removing spaces and upper-casing, the same normalisation applied to the crosswalk.
A value the crosswalk does not list stays unmapped (null): a new spelling is a new row in the
data file, not code.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from schemas.contracts import crosswalk


def normalise(values: object) -> pa.Array:
    """The comparison form of delivered codes or names."""
    array = pa.array(values, pa.string()) if isinstance(values, list) else values
    text = pc.utf8_normalize(pc.cast(array, pa.string()), "NFKC")
    return pc.utf8_upper(pc.replace_substring_regex(text, r"\s+", ""))


@cache
def _table(match_on: str) -> tuple[pa.Array, pa.Array, pa.Array]:
    rows = [r for r in crosswalk("vaccine") if r["match_on"] == match_on]
    return (
        normalise([r["delivered"] for r in rows]),
        pa.array([r["cv_code"] for r in rows], pa.string()),
        pa.array([r["cv_name"] for r in rows], pa.string()),
    )


def _lookup(values: pa.Array, match_on: str) -> tuple[pa.Array, pa.Array]:
    keys, codes, names = _table(match_on)
    found = pc.index_in(normalise(values), value_set=keys)
    return pc.take(codes, found), pc.take(names, found)


def cv_vaccines(code: pa.Array, name: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(CV08.50.001 code, its name) per dose: by delivered code, else by delivered name."""
    by_code = _lookup(code, "code")
    by_name = _lookup(name, "name")
    return pc.coalesce(by_code[0], by_name[0]), pc.coalesce(by_code[1], by_name[1])
