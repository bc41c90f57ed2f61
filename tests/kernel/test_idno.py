"""GB 11643-1999: one table of worked cases, checked against every implementation of the rule.

The kernel holds the rule three ways — per value (``check_char``, ``is_valid``, ``normalise``),
per column (``check_chars``) and as DuckDB macros (``duckdb_macros``) — and standardisation
repairs a whole column with it (``standardise_ids``). Each must agree with the cases below,
worked out by hand from the standard, not with one another.

Check character: Σ digit_i × weight_i over the first 17 digits, weights
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the sum mod 11 indexes ``1 0 X 9 8 7 6 5 4 3 2``.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from kernel import idno
from pipelines.standardise.ids import standardise_ids

# (first 17 digits, check character): the sums worked by hand
CHECKS = [
    # the standard's example: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → X
    ("11010519491231002", "X"),
    # the standard's annex example (1880-01-01): 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195;
    # 195 mod 11 = 8 → 4
    ("44052418800101001", "4"),
    # 3205 0519 8503 07 011: 21+18+0+25+0+20+2+9+48+15+0+27+0+35+0+4+2 = 226; 226 mod 11 = 6 → 6
    ("32050519850307011", "6"),
    # all zeros but the last: 0 + 1×2 = 2 → X
    ("00000000000000001", "X"),
    # sum 0 → index 0 → 1
    ("00000000000000000", "1"),
]

# (as typed at a source, standardised number or None, valid?, why)
TYPED = [
    ("11010519491231002X", "11010519491231002X", True, "the standard's example"),
    ("440524188001010014", "440524188001010014", True, "the annex example"),
    ("11010519491231002x", "11010519491231002X", True, "lower-case x is repaired"),
    (" 110105 19491231 002X ", "11010519491231002X", True, "spaces are repaired"),
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", True, "full-width is repaired"),
    ("110105491231002", "11010519491231002X", True, "legacy 15 digits: 19 inserted, X appended"),
    ("110105194912310021", "110105194912310021", False, "wrong check character (X expected)"),
    ("11010519491231003X", "11010519491231003X", False, "one digit mistyped: the check fails"),
    ("11010591491231002X", "11010591491231002X", False, "two adjacent digits swapped"),
    # 1949-02-30: 7+9+0+5+0+20+2+9+24+27+0+18+30+0+0+0+4 = 155; mod 11 = 1 → 0: a right check
    # character on an impossible birth date
    ("110105194902300020", "110105194902300020", False, "30 February"),
    ("1101051949123100", "1101051949123100", False, "16 characters"),
    ("", None, False, "empty"),
]


@pytest.mark.parametrize(("first17", "check"), CHECKS)
def test_check_char_per_value(first17: str, check: str) -> None:
    assert idno.check_char(first17) == check


def test_check_chars_per_column() -> None:
    found = idno.check_chars(pa.array([f for f, _ in CHECKS])).to_pylist()
    assert found == [c for _, c in CHECKS]


def test_duckdb_macros() -> None:
    con = duckdb.connect()
    con.execute(idno.duckdb_macros())
    for first17, check in CHECKS:
        assert con.execute("SELECT gb11643_check(?)", [first17]).fetchone()[0] == check
    for _, standard, valid, why in TYPED:
        found = con.execute("SELECT gb11643_valid(?)", [standard]).fetchone()[0]
        assert found is valid, why


def test_sex_in_sql_is_the_sequence_digits_parity() -> None:
    # 11010519491231002X: sequence 002, even → 女; 320505198503070116: sequence 011, odd → 男
    con = duckdb.connect()
    for id_no, sex in (("11010519491231002X", "2"), ("320505198503070116", "1")):
        assert idno.sex_code(id_no) == sex
        assert con.execute(f"SELECT {idno.sex_code_sql('?')}", [id_no]).fetchone()[0] == sex


@pytest.mark.parametrize(("typed", "standard", "valid", "why"), TYPED)
def test_per_value_rules(typed: str, standard: str | None, valid: bool, why: str) -> None:
    assert idno.normalise(typed) == standard, why
    assert idno.is_valid(standard) is valid, why


def test_standardisation_of_a_column() -> None:
    found = standardise_ids(pd.Series([t for t, *_ in TYPED], dtype=object))
    expected = [s for _, s, _, _ in TYPED]
    assert [None if pd.isna(v) else v for v in found["id_no"]] == expected
    assert found["id_no_valid"].tolist() == [v for _, _, v, _ in TYPED]
