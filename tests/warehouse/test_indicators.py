"""Each indicator of metrics.indicator on the hand-built city of tests/publish/scenario.py.

Every expected numerator/denominator is worked out in a comment from the scenario's docstring.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.publish import publish
from tests.publish.scenario import D, build_city

CITY = "320500"  # prefecture of districts 320505/320506
README = Path(__file__).resolve().parents[2] / "warehouse" / "metrics" / "README.md"
CODES = (
    "archive_count", "archive_coverage_rate", "archive_active_rate", "record_count",
    "upload_timely_rate", "completeness_rate", "conformance_rate", "valid_id_rate",
    "linkage_rate", "cross_org_rate", "duplicate_archive_rate",
)  # fmt: skip


@pytest.fixture(scope="module")
def indicators(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple, tuple]:
    data = tmp_path_factory.mktemp("city")
    build_city(data)
    publish(data, D)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT period, scope_type, scope_code, indicator_code, breakdown, numerator, "
            "denominator, value FROM metrics.indicator"
        ).fetchall()
    table = {tuple(r[:5]): tuple(r[5:]) for r in rows}
    assert len(table) == len(rows), "one row per period, scope, indicator and breakdown"
    return table


def fig(table: dict, period: str, scope: str, code: str, indicator: str, breakdown: str = ""):
    """(numerator, denominator) of one figure; value checked against them on the way."""
    numerator, denominator, value = table[(period, scope, code, indicator, breakdown)]
    if denominator is None:
        assert value == numerator
    elif denominator:
        assert value == pytest.approx(numerator / denominator)
    return numerator, denominator


def test_every_indicator_is_published_for_every_month(indicators: dict) -> None:
    for period in ("2026-01", "2026-02"):
        found = {k[3] for k in indicators if k[0] == period and k[1] == "city" and k[4] == ""}
        assert found == set(CODES), period


def test_archive_count(indicators: dict) -> None:
    # January: R1 and R2 (R3 and R4 first arrive on 02-10); February: all four
    assert fig(indicators, "2026-01", "city", CITY, "archive_count") == (2, None)
    assert fig(indicators, "2026-02", "city", CITY, "archive_count") == (4, None)
    # districts: R1 by address and R2 by its institution H1 → 320505; R3 by V1 → 320506;
    # R4 by address → 320507
    assert fig(indicators, "2026-02", "district", "320505", "archive_count") == (2, None)
    assert fig(indicators, "2026-02", "district", "320506", "archive_count") == (1, None)
    assert fig(indicators, "2026-02", "district", "320507", "archive_count") == (1, None)
    # institutions: H1 holds R1, R2; C1 holds R1; V1 holds R3, R4
    assert fig(indicators, "2026-02", "org", "H1", "archive_count") == (2, None)
    assert fig(indicators, "2026-02", "org", "C1", "archive_count") == (1, None)
    assert fig(indicators, "2026-02", "org", "V1", "archive_count") == (2, None)


def test_archive_coverage_rate(indicators: dict) -> None:
    # 2026 population (not the 2025 rows): 320505 → 1000, 320506 → 2000
    assert fig(indicators, "2026-01", "district", "320505", "archive_coverage_rate") == (2, 1000)
    assert fig(indicators, "2026-01", "district", "320506", "archive_coverage_rate") == (0, 2000)
    assert fig(indicators, "2026-01", "city", CITY, "archive_coverage_rate") == (2, 3000)
    # February: R1, R2 in 320505 and R3 in 320506; R4 lives in 320507, which has no population
    assert fig(indicators, "2026-02", "city", CITY, "archive_coverage_rate") == (3, 3000)
    assert not any(k[1] == "org" and k[3] == "archive_coverage_rate" for k in indicators)


def test_archive_active_rate(indicators: dict) -> None:
    # January: R1 (encounter 01-14) active; R2's only event (2024-12-01) is over 12 months old
    assert fig(indicators, "2026-01", "city", CITY, "archive_active_rate") == (1, 2)
    # February: R3 (dose 02-08, birth 02-01) and R4 (delivery 02-01) join R1
    assert fig(indicators, "2026-02", "city", CITY, "archive_active_rate") == (3, 4)
    assert fig(indicators, "2026-02", "org", "H1", "archive_active_rate") == (1, 2)


def test_record_count(indicators: dict) -> None:
    # January: 2 patient + 2 encounter + 1 diagnosis rows delivered by H1
    assert fig(indicators, "2026-01", "city", CITY, "record_count") == (5, None)
    assert fig(indicators, "2026-01", "city", CITY, "record_count", "hospital/patient") == (2, None)
    # February: 1 checkup + 2 doses + 1 delivery (+ H1's empty delivery, 0 rows)
    assert fig(indicators, "2026-02", "city", CITY, "record_count") == (4, None)
    # delivered as 'vaccination.dose' and as 'delivery': both become source/dataset
    assert fig(indicators, "2026-02", "city", CITY, "record_count", "vaccination/dose") == (2, None)
    assert fig(indicators, "2026-02", "city", CITY, "record_count", "mch/delivery") == (1, None)
    # C1 and V1 are both in 320506: 1 + 3
    assert fig(indicators, "2026-02", "district", "320506", "record_count") == (4, None)
    assert fig(indicators, "2026-02", "org", "H1", "record_count") == (0, None)


def test_upload_timely_rate(indicators: dict) -> None:
    # January: e1 (first version 2 h after admission; its 02-10 correction does not count) and
    # d1 (1 h) in time, e2 (sent 13 months after) late → 2 of 3
    assert fig(indicators, "2026-01", "city", CITY, "upload_timely_rate") == (2, 3)
    # February: ck1 (18 h) and voided dose v2 (12 h) in time; dose v1 (28 h), delivery (9 days) late
    assert fig(indicators, "2026-02", "city", CITY, "upload_timely_rate") == (2, 4)
    assert fig(indicators, "2026-02", "org", "V1", "upload_timely_rate") == (1, 3)
    assert fig(indicators, "2026-02", "org", "V1", "upload_timely_rate", "mch/delivery") == (0, 1)


def test_completeness_and_conformance_rates(indicators: dict) -> None:
    # quality.result: January H1 completeness 10 checked / 1 failed, conformance 20 / 5;
    # February C1 completeness 4 / 0, V1 conformance 8 / 2 (C1's plausibility row is not counted)
    assert fig(indicators, "2026-01", "city", CITY, "completeness_rate") == (9, 10)
    assert fig(indicators, "2026-01", "district", "320505", "completeness_rate") == (9, 10)
    assert fig(indicators, "2026-02", "org", "C1", "completeness_rate") == (4, 4)
    assert fig(indicators, "2026-01", "city", CITY, "conformance_rate") == (15, 20)
    dose = fig(indicators, "2026-02", "city", CITY, "conformance_rate", "vaccination/dose")
    assert dose == (6, 8)


def test_valid_id_rate(indicators: dict) -> None:
    # January: m1, m3 valid, m4 wrong check character (deleted m8 counts nowhere) → 2 of 3
    assert fig(indicators, "2026-01", "city", CITY, "valid_id_rate") == (2, 3)
    # February: m2, m7 valid; newborn m5 and infant recipient m6 have no ID → 2 of 4
    assert fig(indicators, "2026-02", "city", CITY, "valid_id_rate") == (2, 4)
    assert fig(indicators, "2026-02", "org", "V1", "valid_id_rate", "mch/delivery") == (1, 2)


def test_linkage_rate(indicators: dict) -> None:
    # January: m4 went to review → 2 of 3; February: auto ×3 and a singleton → 4 of 4
    assert fig(indicators, "2026-01", "city", CITY, "linkage_rate") == (2, 3)
    assert fig(indicators, "2026-02", "city", CITY, "linkage_rate") == (4, 4)


def test_cross_org_rate(indicators: dict) -> None:
    # R1 is held by H1 and, from 02-10, by C1
    assert fig(indicators, "2026-01", "city", CITY, "cross_org_rate") == (0, 2)
    assert fig(indicators, "2026-02", "city", CITY, "cross_org_rate") == (1, 4)
    assert fig(indicators, "2026-02", "org", "C1", "cross_org_rate") == (1, 1)


def test_duplicate_archive_rate(indicators: dict) -> None:
    # January: R2 has ID_B and ID_B with a typo → an ID-only index makes two archives
    assert fig(indicators, "2026-01", "city", CITY, "duplicate_archive_rate") == (1, 2)
    # February: R3's two mentions have no ID number → two archives too
    assert fig(indicators, "2026-02", "city", CITY, "duplicate_archive_rate") == (2, 4)
    assert fig(indicators, "2026-02", "district", "320506", "duplicate_archive_rate") == (1, 1)


def test_each_indicator_is_defined_once_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for code in CODES:
        assert len(re.findall(rf"^\| `{code}` \|", text, flags=re.M)) == 1, code
