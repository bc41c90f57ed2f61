"""The stage tables kept as history: quality.result (every night's results of both quality
stages), mpi.link_audit (every night's changes) and mpi.resident_redirect (retired ids resolved
through chains of merges), built by dbt over tiny files and published as of an earlier night."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from kernel.atomic import write_parquet
from kernel.layout import Layout
from quality.results import describe_rows, finalise
from tests.warehouse.dbt_models import run_models

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)
MODELS = ("quality__result", "mpi__link_audit", "mpi__resident_redirect")


def _quality(data: Path, day: date, part: str, check_code: str, failed: int) -> None:
    counts = pd.DataFrame([{
        "source": "hospital", "dataset": "hospital.patient", "org_code": "H1",
        "check_code": check_code, "field": "id_no", "checked": 10, "failed": failed,
        "examples": "hospital:H1:hospital.patient:p1" if failed else "",
    }])  # fmt: skip
    write_parquet(
        finalise([describe_rows(counts, day)]), Layout(data).night("quality.result", day, part)
    )


def _night(data: Path, day: date, table: str, rows: list[dict]) -> None:
    write_parquet(pa.Table.from_pylist(rows), Layout(data).night(table, day))


def _redirect(retired: str, survivor: str | None, reason: str, day: date) -> dict:
    return {"retired_resident_id": retired, "survivor_resident_id": survivor, "reason": reason,
            "retired_on": day}  # fmt: skip


def _audit(day: date, action: str, before: str, after: str | None, seq: int) -> dict:
    return {"run_date": day, "seq": seq, "action": action, "mention_id": f"m{seq}",
            "resident_before": before, "resident_after": after, "reason": "test",
            "match_weight": None, "match_probability": None, "decision_id": None,
            "model_version": 2}  # fmt: skip


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[date, dict[str, list[tuple]]]:
    data = tmp_path_factory.mktemp("history")
    # validate: 1 then 2 invalid ID numbers; the check stage: 3 unusable ones, on night 2 only
    _quality(data, D1, "validate", "id_no_valid", 1)
    _quality(data, D2, "validate", "id_no_valid", 2)
    _quality(data, D2, "check", "id_no_usable", 3)
    # night 1: R1 merged into R2; night 2: R2 merged into R3, R9's records deleted;
    # night 3 (after the publish date D2): R3 into R4 — not visible when publishing D2
    _night(data, D1, "mpi.resident_redirect", [_redirect("R1", "R2", "merged", D1)])
    _night(data, D2, "mpi.resident_redirect",
           [_redirect("R2", "R3", "merged", D2), _redirect("R9", None, "deleted", D2)])  # fmt: skip
    _night(data, D3, "mpi.resident_redirect", [_redirect("R3", "R4", "merged", D3)])
    _night(data, D1, "mpi.link_audit", [_audit(D1, "merge", "R1", "R2", 1),
                                        _audit(D1, "retire", "R1", "R2", 2)])  # fmt: skip
    _night(data, D2, "mpi.link_audit", [_audit(D2, "merge", "R2", "R3", 1)])
    return {day: run_models(data, day, *MODELS) for day in (D1, D2)}


def test_quality_results_of_both_stages_of_every_night(published: dict) -> None:
    rows = published[D2]["quality.result"]
    assert [(str(r[0]), r[4], r[8]) for r in rows] == [
        ("2026-03-01", "id_no_valid", 1), ("2026-03-02", "id_no_usable", 3),
        ("2026-03-02", "id_no_valid", 2),
    ]  # fmt: skip
    assert {r[13] for r in rows} == {"hospital:H1:hospital.patient:p1"}  # examples, the last
    assert {r[6] for r in rows} == {"identity"}
    # a publish of night 1 reads no later night; 1 of 10 failed is past the 5 % threshold
    assert [(r[4], r[11]) for r in published[D1]["quality.result"]] == [("id_no_valid", False)]


def test_redirects_follow_merge_chains_up_to_the_publish_date(published: dict) -> None:
    rows = {r[0]: r[1:3] for r in published[D2]["mpi.resident_redirect"]}
    # (survivor now, merged into): R1 → R2 → R3 resolves to R3; R9 resolves to nothing;
    # R3's own merge on D3 is not yet known on D2
    assert rows == {"R1": ("R3", "R2"), "R2": ("R3", "R3"), "R9": (None, None)}


def test_the_link_audit_is_every_night_through_the_publish_date(published: dict) -> None:
    rows = published[D2]["mpi.link_audit"]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == [
        (D1, 1, "merge", "R1", "R2"), (D1, 2, "retire", "R1", "R2"), (D2, 1, "merge", "R2", "R3"),
    ]  # fmt: skip
    assert published[D1]["mpi.link_audit"][-1][0] == D1
