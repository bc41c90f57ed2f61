"""The MPI history models: mpi.link_audit (every night's changes) and mpi.resident_redirect
(retired ids resolved through chains of merges), run by the publish runner on tiny files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kernel.atomic import write_parquet
from kernel.layout import Layout
from matching import index
from pipelines.publish import runner
from pipelines.publish.inputs import LakeInputs

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def _write(data: Path, day: date, name: str, rows: list[dict]) -> None:
    write_parquet(pa.Table.from_pylist(rows), index.night_path(data, day, name))


def _audit(action: str, before: str, after: str | None, seq: int) -> dict:
    return {"run_date": D1, "seq": seq, "action": action, "mention_id": f"m{seq}",
            "resident_before": before, "resident_after": after, "reason": "test",
            "match_weight": None, "match_probability": None, "decision_id": None,
            "model_version": 2}  # fmt: skip


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    # night 1: R1 merged into R2; night 2: R2 merged into R3, R9's records deleted;
    # night 3 (after the publish date D2): R3 into R4 — not visible when publishing D2
    _write(
        tmp_path,
        D1,
        index.REDIRECT,
        [
            {
                "retired_resident_id": "R1",
                "survivor_resident_id": "R2",
                "reason": "merged",
                "retired_on": D1,
            }
        ],
    )
    _write(
        tmp_path,
        D2,
        index.REDIRECT,
        [
            {
                "retired_resident_id": "R2",
                "survivor_resident_id": "R3",
                "reason": "merged",
                "retired_on": D2,
            },
            {
                "retired_resident_id": "R9",
                "survivor_resident_id": None,
                "reason": "deleted",
                "retired_on": D2,
            },
        ],
    )
    _write(
        tmp_path,
        D3,
        index.REDIRECT,
        [
            {
                "retired_resident_id": "R3",
                "survivor_resident_id": "R4",
                "reason": "merged",
                "retired_on": D3,
            }
        ],
    )
    _write(
        tmp_path, D1, index.AUDIT, [_audit("merge", "R1", "R2", 1), _audit("retire", "R1", "R2", 2)]
    )
    _write(tmp_path, D2, index.AUDIT, [{**_audit("merge", "R2", "R3", 1), "run_date": D2}])
    return tmp_path  # fmt: skip


def _run(data: Path, model: str, day: date) -> list[tuple]:
    root = runner.WAREHOUSE_DIR
    con = duckdb.connect()
    con.execute("CREATE SCHEMA mpi")
    runner.run_model(con, runner.parse_model(root / "mpi" / f"{model}.sql", root),
                     LakeInputs(Layout(data), day).template_globals())  # fmt: skip
    return con.execute(f"SELECT * FROM mpi.{model}").fetchall()


def test_redirects_follow_merge_chains_up_to_the_publish_date(data: Path) -> None:
    rows = {r[0]: r[1:3] for r in _run(data, "resident_redirect", D2)}
    # (survivor now, merged into): R1 → R2 → R3 resolves to R3; R9 resolves to nothing;
    # R3's own merge on D3 is not yet known on D2
    assert rows == {"R1": ("R3", "R2"), "R2": ("R3", "R3"), "R9": (None, None)}


def test_the_audit_is_every_night_through_the_publish_date(data: Path) -> None:
    rows = _run(data, "link_audit", D2)
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == [
        (D1, 1, "merge", "R1", "R2"),
        (D1, 2, "retire", "R1", "R2"),
        (D2, 1, "merge", "R2", "R3"),
    ]
    assert _run(data, "link_audit", D1)[-1][0] == D1
