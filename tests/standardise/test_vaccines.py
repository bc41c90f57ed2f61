"""Delivered vaccine codes and names → CV08.50.001 through schemas/crosswalks/vaccine.csv."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.standardise.vaccines import cv_vaccines

# (delivered code, delivered name, CV08.50.001 code expected, why)
CASES = [
    ("0201", "乙肝疫苗", "02", "code listed"),
    (" 0101 ", None, "01", "code with spaces, no name"),
    ("X-LOCAL-7", "重组乙型肝炎疫苗(酿酒酵母)", "02", "local code: the product name decides"),
    (None, "乙肝疫苗（10μg）", "02", "full-width parentheses match the listed half-width ones"),
    (None, "bOPV", "03", "Latin names compared upper-case"),
    ("0311", "百白破疫苗", "03", "the code wins over a disagreeing name"),
    ("5201", "流感疫苗", None, "influenza: no entry yet, left unmapped"),
    (None, None, None, "nothing delivered"),
]


@pytest.mark.parametrize(("code", "name", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_vaccines_map_where_the_crosswalk_lists_them(
    code: str | None, name: str | None, expected: str | None, why: str
) -> None:
    cv_code, cv_name = cv_vaccines(pa.array([code], pa.string()), pa.array([name], pa.string()))
    assert cv_code[0].as_py() == expected
    assert (cv_name[0].as_py() is None) is (expected is None)
