"""Scorecards from hand-made quality.result rows: scores, smoothing, ranking, worst, fixes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from quality import scorecard as sc

D = date(2026, 3, 2)
DIMENSION = {"late_arrival": "timeliness", "id_no_valid": "identity",
             "format_conforms": "conformance", "required_not_null": "completeness",
             "physiological_range": "plausibility", "delivery_present": "completeness"}  # fmt: skip
SEVERITY = {"required_not_null": "fatal", "delivery_present": "info"}
THRESHOLD = {"late_arrival": 10.0, "id_no_valid": 5.0, "format_conforms": 5.0}


def _rows(org: str, counts: list[tuple[str, str, str, int, int]]) -> list[dict]:
    """counts: (dataset, check_code, field, checked, failed) of one hospital org."""
    return [
        {"run_date": D, "source": "hospital", "dataset": dataset, "org_code": org,
         "check_code": code, "field": field, "dimension": DIMENSION[code],
         "severity": SEVERITY.get(code, "warn"), "threshold": THRESHOLD.get(code, 0.0),
         "checked": checked, "failed": failed, "passed": True,
         "examples": ", ".join(f"hospital:{org}:hospital.{dataset}:r{i}" for i in range(failed))}
        for dataset, code, field, checked, failed in counts
    ]  # fmt: skip


def _frame() -> pd.DataFrame:
    # A: 12 late encounters of 60 and 0 late diagnoses of 40 (12 of 100: 12 %), 2 bad phones
    # B: on time, but 5 of 50 ID numbers invalid (10 %)
    # C: two records, one late; D: only a missing delivery (info), nothing to score
    a = _rows("A", [("encounter", "late_arrival", "admit_time", 60, 12),
                    ("diagnosis", "late_arrival", "diagnosed_at", 40, 0),
                    ("patient", "id_no_valid", "id_no", 50, 0),
                    ("patient", "format_conforms", "phone", 200, 2),
                    ("patient", "required_not_null", "name", 300, 0),
                    ("patient", "delivery_present", "", 1, 1)])  # fmt: skip
    b = _rows("B", [("encounter", "late_arrival", "admit_time", 100, 0),
                    ("patient", "id_no_valid", "id_no", 50, 5),
                    ("patient", "format_conforms", "phone", 200, 0),
                    ("patient", "required_not_null", "name", 300, 0)])  # fmt: skip
    c = _rows("C", [("encounter", "late_arrival", "admit_time", 2, 1)])
    d = _rows("D", [("patient", "delivery_present", "", 1, 1)])
    return pd.DataFrame(a + b + c + d)


ACTIVITY = pd.DataFrame({"org_code": ["A", "B", "C"], "records": [300, 300, 2], "held": 0})
INSTITUTIONS = pd.DataFrame({
    "org_code": ["A", "B", "C", "D"], "org_name": ["甲医院", "乙医院", "丙中心", "丁中心"],
    "org_type": "secondary_hospital", "district_code": ["320505", "320505", "320506", "320506"],
    "district_name": ["虎丘区", "虎丘区", "吴中区", "吴中区"],
})  # fmt: skip


def test_scores_are_shares_passed_averaged_per_dimension_without_smoothing() -> None:
    scores = sc.dimension_scores(_frame(), ["org_code"], prior=0).set_index("org_code")
    # A: timeliness 100 * (1 - 12/100) = 88; identity 100; conformance 100 * (1 - 2/200) = 99;
    # completeness 100 (the info check is not scored); overall (99 + 100 + 88 + 100) / 4
    assert scores.loc["A", "timeliness"] == pytest.approx(88.0)
    assert scores.loc["A", "conformance"] == pytest.approx(99.0)
    assert scores.loc["A", "completeness"] == pytest.approx(100.0)
    assert scores.loc["A", "overall"] == pytest.approx((99 + 100 + 88 + 100) / 4)
    assert scores.loc["B", "identity"] == pytest.approx(90.0)
    assert "D" not in scores.index  # only an info result: nothing scored


def test_smoothing_pulls_small_institutions_towards_the_city() -> None:
    scores = sc.dimension_scores(_frame(), ["org_code"], prior=10).set_index("org_code")
    # city late share = (12 + 0 + 1) / (100 + 100 + 2) = 13/202
    city = 13 / 202
    # C: 1 late of 2 would score 50; smoothed 100 * (1 - (1 + 10 * city) / (2 + 10))
    assert scores.loc["C", "timeliness"] == pytest.approx(100 * (1 - (1 + 10 * city) / 12))
    assert scores.loc["C", "timeliness"] > 85
    # A keeps close to its own 88: 100 * (1 - (12 + 10 * city) / 110)
    assert scores.loc["A", "timeliness"] == pytest.approx(100 * (1 - (12 + 10 * city) / 110))


def test_ranking_orders_institutions_and_leaves_out_those_without_records() -> None:
    frame = _frame()
    ranked = sc.ranking(frame, INSTITUTIONS, ACTIVITY)
    # B: (100 + 100 + 100 + 100 * (1 - (5 + 10 * 0.05) / 60)) / 4 and so on: B > A > C
    assert ranked["org_code"].tolist() == ["B", "A", "C"]
    assert ranked["rank"].tolist() == [1, 2, 3]
    assert ranked.loc[0, "org_name"] == "乙医院"
    assert sc.unranked(frame, INSTITUTIONS, ranked)["org_code"].tolist() == ["D"]
    previous = ranked.assign(overall=ranked["overall"] - 1.5, rank=[2, 1, 3])
    moved = sc.with_previous(ranked, previous).set_index("org_code")
    assert moved.loc["B", "change"] == pytest.approx(1.5) and moved.loc["B", "rank_prev"] == 2


def test_district_summary_names_the_lowest_institution() -> None:
    ranked = sc.ranking(_frame(), INSTITUTIONS, ACTIVITY)
    summary = sc.district_summary(ranked).set_index("district_code")
    assert summary.loc["320505", "institutions"] == 2
    assert summary.loc["320505", "records"] == 600
    assert summary.loc["320505", "worst_org"] == "A"
    assert summary.loc["320506", "worst_name"] == "丙中心"


def test_worst_checks_rank_scored_items_by_failed_rows_with_example_keys() -> None:
    worst = sc.worst_checks(_frame())
    # A's 12 late encounters + C's 1 = 13; B's 5 IDs; A's 2 phones; info never listed
    assert worst[["check_code", "dataset", "failed"]].values.tolist() == [
        ["late_arrival", "encounter", 13], ["id_no_valid", "patient", 5],
        ["format_conforms", "patient", 2],
    ]  # fmt: skip
    late = worst.iloc[0]
    assert late["worst_org"] == "C" and late["worst_share"] == pytest.approx(50.0)
    assert late["orgs_failing"] == 2  # A at 20 % (12/60) and C at 50 % are past 10 %
    assert late["examples"] == ["hospital:C:hospital.encounter:r0"]


def test_fixes_group_a_check_across_datasets_and_carry_the_advice() -> None:
    fixes = sc.fixes(_frame())
    # A: late_arrival fails on encounters (20 % > 10 %); its diagnoses had none late; the two
    # bad phones (1 %) are within the 5 % threshold: nothing else to fix
    (item,) = fixes["A"]
    assert item["check_code"] == "late_arrival"
    assert item["places"] == ["hospital.encounter.admit_time"]
    assert (item["checked"], item["failed"]) == (100, 12)  # the check over all A's records
    assert "24小时" in item["advice"]
    assert item["examples"] == [f"hospital:A:hospital.encounter:r{i}" for i in range(3)]
    assert [i["check_code"] for i in fixes["B"]] == ["id_no_valid"]
    assert "D" not in fixes  # a missing delivery is info: reported, not a fix
