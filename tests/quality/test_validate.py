"""validate_date over a small night: result shape, per-org counts from one GE run, gate, rerun."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kernel.layout import Layout
from quality import validate_date
from tests.quality.quality_fixtures import write_sample_night

D = date(2026, 3, 1)
RESULT_COLUMNS = [  # DESIGN.md: quality.result
    "run_date", "source", "org_code", "dataset", "check_code", "dimension", "checked", "failed",
    "severity",
]  # fmt: skip
KEY = ["source", "dataset", "org_code", "check_code", "field"]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    write_sample_night(data, D)
    validate_date(data, D)
    return data


def _results(data: Path) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).night("quality.result", D, "validate"))


def _counts(frame: pd.DataFrame, org: str, check: str, field: str = "") -> tuple[int, int]:
    row = frame[
        (frame["org_code"] == org) & (frame["check_code"] == check) & (frame["field"] == field)
    ]
    assert len(row) == 1, (org, check, field)
    return int(row["checked"].item()), int(row["failed"].item())


def test_results_have_the_published_shape_and_one_row_per_key(night: Path) -> None:
    frame = _results(night)
    extras = ["field", "threshold", "passed", "description"]
    assert {*RESULT_COLUMNS, *extras} <= set(frame.columns)
    assert not frame.duplicated(KEY).any()
    run_dates = (
        pq.read_table(Layout(night).night("quality.result", D, "validate"))
        .column("run_date")
        .unique()
        .to_pylist()
    )
    assert run_dates == [D]
    assert ((frame["failed"] >= 0) & (frame["checked"] >= 0)).all()
    assert set(frame["severity"]) <= {"fatal", "warn", "info"}
    assert set(frame["dataset"]) == {"patient", "dose", "visit"}


def test_contract_checks_are_counted_per_org_from_one_validation(night: Path) -> None:
    frame = _results(night)
    assert _counts(frame, "H1", "required_not_null", "name") == (5, 1)  # p3's blank name
    assert _counts(frame, "H1", "primary_key_unique") == (5, 2)  # both p4 rows
    assert _counts(frame, "H1", "code_set_conforms", "sex_code") == (5, 1)  # sex 3
    assert _counts(frame, "H1", "format_conforms", "phone") == (2, 1)  # 2 filled, "138" bad
    assert _counts(frame, "H1", "format_conforms", "id_no") == (2, 1)  # lowercase x
    assert _counts(frame, "H2", "required_not_null", "name") == (2, 0)
    assert _counts(frame, "H2", "primary_key_unique") == (2, 0)  # p-ids repeat only across orgs
    # d2 sent twice with different exported_at: two versions, not a broken key
    assert _counts(frame, "V1", "primary_key_unique") == (3, 0)
    assert _counts(frame, "V1", "primary_key_single_version") == (3, 2)


def test_load_log_and_schema_checks(night: Path) -> None:
    frame = _results(night)
    assert _counts(frame, "H2", "row_count_matches_load_log") == (3, 1)  # 2 raw rows, 3 logged
    assert _counts(frame, "V1", "row_count_matches_load_log") == (3, 0)  # 4 - 1 quarantined
    assert _counts(frame, "V1", "rows_quarantined") == (4, 1)
    assert _counts(frame, "V2", "row_count_matches_load_log") == (0, 0)  # all quarantined, no file
    assert _counts(frame, "H3", "column_type") == (9, 1)  # updated_at is missing
    # an unreadable file gets no row-level checks at all
    assert set(frame.loc[frame["org_code"] == "H3", "check_code"]) == {
        "column_type", "row_count_matches_load_log", "rows_quarantined", "delivery_readable",
        "delivery_not_stopped", "delivery_present",
    }  # fmt: skip
    assert _counts(frame, "V3", "delivery_present") == (1, 1)  # logged as missing
    assert _counts(frame, "C1", "delivery_not_stopped") == (1, 1)  # stopped as incomplete
    assert _counts(frame, "C1", "row_count_matches_load_log") == (0, 0)  # nothing reached raw


def test_fatal_failures_hold_back_exactly_those_deliveries(night: Path) -> None:
    held = pd.read_parquet(Layout(night).night("quality.held_deliveries", D))
    assert list(held.columns) == ["source", "dataset", "org_code", "reason"]
    assert held[["dataset", "org_code"]].values.tolist() == [
        ["visit", "C1"], ["patient", "H1"], ["patient", "H2"], ["patient", "H3"], ["dose", "V2"],
    ]  # fmt: skip
    v2 = held.loc[held["org_code"] == "V2", "reason"].item()
    assert v2 == "delivery_readable: 4/4 failed"  # all quarantined: past the 50 % threshold
    h1 = held.loc[held["org_code"] == "H1", "reason"].item()
    assert "primary_key_unique: 2/5 failed" in h1 and "required_not_null[name]: 1/5 failed" in h1
    frame = _results(night)
    v1 = frame[frame["org_code"] == "V1"]
    assert not v1.loc[v1["check_code"] == "rows_quarantined", "passed"].item()  # 25 % > 5 %: warn
    assert v1.loc[v1["check_code"] == "delivery_readable", "passed"].item()  # 25 % ≤ 50 %


def test_rerun_replaces_instead_of_adding(night: Path) -> None:
    first = pq.read_table(Layout(night).night("quality.result", D, "validate"))
    first_held = pq.read_table(Layout(night).night("quality.held_deliveries", D))
    summary = validate_date(night, D)
    assert pq.read_table(Layout(night).night("quality.result", D, "validate")).equals(first)
    assert pq.read_table(Layout(night).night("quality.held_deliveries", D)).equals(first_held)
    assert summary.results == first.num_rows and summary.held == 5
    assert sorted(p.name for p in Layout(night).gx_results(D).iterdir()) == [
        "hospital.patient.json", "vaccination.dose.json",
    ]  # fmt: skip
    leftovers = [
        p
        for p in Layout(night).night("quality.result", D, "validate").parent.iterdir()
        if p.name.startswith(".")
    ]
    assert leftovers == []


def test_a_night_without_deliveries_writes_empty_outputs(tmp_path: Path) -> None:
    summary = validate_date(tmp_path, D)
    assert summary.results == 0 and summary.held == 0
    assert pq.read_table(Layout(tmp_path).night("quality.result", D, "validate")).num_rows == 0
    assert pq.read_table(Layout(tmp_path).night("quality.held_deliveries", D)).column_names == [
        "source", "dataset", "org_code", "reason",
    ]  # fmt: skip


@pytest.mark.parametrize("batch_rows", [1, 10_000])  # every night alone; both nights in one run
def test_nights_validated_together_give_each_night_its_own_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    import quality.validate as validate

    nights = [D, D2 := date(2026, 3, 2)]  # the same deliveries again: the same keys each night
    alone, together = tmp_path / "alone", tmp_path / "together"
    for data in (alone, together):
        for day in nights:
            write_sample_night(data, day)
    for day in nights:
        validate_date(alone, day)
    monkeypatch.setattr(validate, "BATCH_ROWS", batch_rows)
    summaries = validate.validate_nights(together, nights)
    assert [s.day for s in summaries] == nights and [s.held for s in summaries] == [5, 5]
    for day in nights:
        for table, parts in (("quality.result", ["validate"]), ("quality.held_deliveries", [])):
            alone_t, together_t = (
                pq.read_table(Layout(d).night(table, day, *parts)) for d in (alone, together)
            )
            assert together_t.equals(alone_t)
    doc = Layout(together).gx_results(D2) / "hospital.patient.json"
    marked = json.loads(doc.read_text(encoding="utf-8")).get("meta", {}).get("validated_nights")
    assert marked == (None if batch_rows == 1 else [str(D), str(D2)])
