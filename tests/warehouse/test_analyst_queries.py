"""The ten example queries of README "## For analysts", run against analytics.duckdb of the
hand-built city of analyst_city.py, each with the answer worked out from that city's docstring.

Analytics is keyed by pseudonymous person keys; the test holds the key, so it reads each key
back as the resident it stands for (R5 …) to compare with the worked answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from pipelines.publish import publish
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise
from tests.publish.readme_queries import analyst_queries, setup_statements
from tests.warehouse.analyst_city import build_analyst_city

QUERIES = analyst_queries()


RESIDENT_OF: dict[str, str] = {}  # person_key → resident_id, filled by the fixture


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    data = tmp_path_factory.mktemp("analyst-city")
    publish(data, build_analyst_city(data))
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as wh:
        residents = [r for (r,) in wh.execute("SELECT resident_id FROM mpi.resident").fetchall()]
    RESIDENT_OF.update({pseudonymise(pseudonym_key(), r): r for r in residents})
    con = duckdb.connect(str(data / "analytics.duckdb"), read_only=True)
    for statement in setup_statements():
        con.execute(statement)
    yield con
    con.close()


def answer(con: duckdb.DuckDBPyConnection, number: int) -> list[tuple]:
    rows = con.execute(QUERIES[number][1]).fetchall()
    return [tuple(RESIDENT_OF.get(v, v) if isinstance(v, str) else v for v in r) for r in rows]


def test_the_readme_has_ten_questions_and_sets_the_city_time_zone() -> None:
    assert sorted(QUERIES) == list(range(1, 11))
    assert setup_statements() == ["SET TimeZone = 'Asia/Shanghai';\n"]


def test_1_coverage_by_district(analytics: duckdb.DuckDBPyConnection) -> None:
    # 320505: R1, R2, R7, R8 of 1000; 320506: R3, R5, R6 of 2000 (lowest first)
    assert answer(analytics, 1) == [
        ("320506", "吴中区", 3, 2000, 0.15),
        ("320505", "虎丘区", 4, 1000, 0.4),
    ]


def test_2_children_behind_on_hepatitis_b(analytics: duckdb.DuckDBPyConnection) -> None:
    # R5 (born 2023) has dose 1 only; R6 (2022) has dose 3; R3 (2026) is too young to count
    assert answer(analytics, 2) == [("R5", 2023, "320506", 1)]


def test_3_hypertensive_without_a_visit_in_six_months(analytics: duckdb.DuckDBPyConnection) -> None:
    # R7's last visit was 2025-06-01; R8 (I15.0) was seen on 02-11
    assert answer(analytics, 3) == [("R7", 1950, "320505", date(2025, 6, 1))]


def test_4_slowest_uploads(analytics: duckdb.DuckDBPyConnection) -> None:
    # February: V1 3 of 5 (doses v2, v5, v6 in time; v1 and the delivery late); H1 4 of 6
    # (e7 and d7 sent eight months late); C1 1 of 1
    assert [(r[0], r[3], r[4]) for r in answer(analytics, 4)] == [
        ("V1", 3, 5), ("H1", 4, 6), ("C1", 1, 1),
    ]  # fmt: skip


def test_5_least_complete_deliveries(analytics: duckdb.DuckDBPyConnection) -> None:
    # February's only completeness check: C1's checkup visits, 4 of 4 required fields filled
    assert answer(analytics, 5) == [("C1", "体检中心", "checkup/visit", 4, 4, 100.0)]


def test_6_monthly_trend(analytics: duckdb.DuckDBPyConnection) -> None:
    rows = answer(analytics, 6)
    # February: 8 archives; duplicates R2 (two ID numbers) and R3 (no ID, two mentions)
    assert [r[0] for r in rows] == ["2026-01", "2026-02"]
    assert rows[1][3:] == (0.25, 8.0)


def test_7_active_archives_against_the_target(analytics: duckdb.DuckDBPyConnection) -> None:
    # 320505: R1, R7 (2025-06-01), R8 active, R2 (2024-12-01) not → 3 of 4
    assert answer(analytics, 7)[0] == ("320505", 3, 4, 75.0, True)


def test_8_elderly_without_a_checkup(analytics: duckdb.DuckDBPyConnection) -> None:
    # R7 (75) and R8 (70), both in 320505, neither had a checkup
    assert answer(analytics, 8) == [("320505", 2, 2, 100.0)]


def test_9_poorly_controlled_diabetes(analytics: duckdb.DuckDBPyConnection) -> None:
    assert answer(analytics, 9) == [("R8", 1955, "320505", date(2026, 2, 11), 8.1)]


def test_10_common_diagnoses_this_month(analytics: duckdb.DuckDBPyConnection) -> None:
    # February diagnoses: R8's E11.9 and I15.0 (R1's J06.9 was in January, R7's I10 in 2025)
    assert answer(analytics, 10) == [
        ("65+", "E11", "2型糖尿病", 1),
        ("65+", "I15", "肾血管性高血压", 1),
    ]
