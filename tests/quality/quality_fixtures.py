"""Tiny raw deliveries written the way extract writes them, built from the contracts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kernel.layout import Layout
from matching.golden import golden_record_sql
from schemas.contracts import contract

LOG_SCHEMA = pa.schema([
    ("load_id", pa.string()), ("source", pa.string()), ("dataset", pa.string()),
    ("org_code", pa.string()), ("source_file", pa.string()), ("rows_delivered", pa.int64()),
    ("rows_accepted", pa.int64()), ("rows_quarantined", pa.int64()), ("status", pa.string()),
    ("message", pa.string()),
])  # fmt: skip


def raw_table(dataset: str, rows: list[dict[str, Any]], day: date) -> pa.Table:
    """Rows (missing keys → null; times as ISO text) typed by the contract, plus lineage."""
    found = contract(dataset)
    columns = {}
    for col in found.columns:
        values = pa.array([row.get(col.name) for row in rows], type=_input_type(col.arrow_type))
        columns[col.name] = pc.cast(values, col.arrow_type)
    table = pa.table(columns)
    lineage = {
        "source_file": pa.array([f"{dataset}.fixture"] * len(rows)),
        "load_id": pa.array(["fixture"] * len(rows)),
        "loaded_at": pa.array([datetime(2000, 1, 1)] * len(rows), pa.timestamp("us")),
        "load_date": pa.array([day] * len(rows), pa.date32()),
    }
    for name, values in lineage.items():
        table = table.append_column(name, values)
    return table


def _input_type(arrow_type: pa.DataType) -> pa.DataType:
    # fixtures give dates and times as text; Arrow parses ISO 8601 with its offset
    return (
        pa.string()
        if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type)
        else arrow_type
    )


def write_delivery(
    data: Path, dataset: str, org_code: str, rows: list[dict[str, Any]], day: date
) -> Path:
    found = contract(dataset)
    path = Layout(data).raw_dir(found.source, found.name, day) / f"{org_code}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(raw_table(dataset, rows, day), path)
    return path


def write_load_log(data: Path, day: date, entries: list[tuple[Any, ...]]) -> Path:
    """entries: (dataset, org_code, rows_delivered, rows_quarantined[, status])."""
    records = []
    for dataset, org_code, delivered, quarantined, *status in entries:
        found = contract(dataset)
        records.append({
            "load_id": "fixture", "source": found.source, "dataset": found.name,
            "org_code": org_code, "source_file": f"{org_code}.fixture",
            "rows_delivered": delivered, "rows_accepted": delivered - quarantined,
            "rows_quarantined": quarantined, "status": status[0] if status else "loaded",
            "message": "",
        })  # fmt: skip
    path = Layout(data).night("ops.load_log", day)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records, schema=LOG_SCHEMA), path)
    return path


def check_counts(
    data: Path, dataset: str, check_code: str, day: date
) -> dict[str, tuple[int, int]]:
    """Run one SQL check over the written deliveries: field → (checked, failed) over all orgs."""
    from quality import sql_checks
    from quality.raw import read_dataset
    from quality.registry import checks, targets

    night = read_dataset(data, contract(dataset), day)
    con = sql_checks.connect()
    con.register(sql_checks.TABLE, night.table)
    found = {}
    for target in targets(checks()[check_code], night.contract):
        counts = con.execute(sql_checks.render(target, night.contract, day)).df()
        found[target.result_field] = (int(counts["checked"].sum()), int(counts["failed"].sum()))
    con.close()
    return found


def _patient(pid: str, **values: Any) -> dict[str, Any]:
    base = {"patient_id": pid, "id_type": "01", "name": "王伟", "sex_code": "1",
            "updated_at": "2026-03-01T10:00:00+08:00"}  # fmt: skip
    return {**base, **values}


def _dose(record_id: str, org_code: str) -> dict[str, Any]:
    return {
        "record_id": record_id, "org_code": org_code, "recipient_birth_date": "2025-06-01",
        "vaccine_code": "0101", "dose_no": 1, "vaccinated_at": "2026-03-01T09:00:00+08:00",
        "status": "active", "exported_at": "2026-03-01T20:00:00+08:00",
    }  # fmt: skip


# a lowercase x: fails the id_no format, so GE lists it as unexpected; Data Docs must not show it
DAMAGED_ID_NO = "11010519491231002x"


def write_sample_night(data: Path, day: date) -> None:
    """Three hospitals and two clinics; H1, H2 and H3 each break one fatal rule.

    H1 patient: 5 rows; p3's name is blank (1/5 = 20 % missing > 5 %), p4 is delivered twice
        (2 rows share a key), p2's sex code 3 is no code, p3's phone 138 is no phone number.
    H2 patient: 2 clean rows, but the load log says 3 were delivered and none quarantined.
    H3 patient: its file lacks the updated_at column.
    V1 dose: 3 clean rows, d2 re-sent later the same night (a new version, legal); the log says
        4 delivered, 1 quarantined (25 %: a warning only).
    V2 dose: logged (4 delivered, all 4 quarantined: fatal), so extract wrote no raw file.
    V3 dose: logged as missing: nothing came (a warning).
    C1 checkup: extract stopped it as incomplete and quarantined its 6 rows (fatal).
    """
    h1 = [
        _patient("p1", id_no="11010519491231002X", phone="13800000000"),
        _patient("p2", id_no=DAMAGED_ID_NO, sex_code="3"),
        _patient("p3", name=" ", sex_code="2", phone="138"),
        _patient("p4"),
        _patient("p4"),
    ]
    write_delivery(data, "hospital.patient", "H1", h1, day)
    write_delivery(data, "hospital.patient", "H2", [_patient("q1"), _patient("q2")], day)
    h3 = write_delivery(data, "hospital.patient", "H3", [_patient("r1")], day)
    pq.write_table(pq.read_table(h3).drop_columns(["updated_at"]), h3)
    resent = {**_dose("d2", "V1"), "exported_at": "2026-03-01T22:00:00+08:00"}
    write_delivery(
        data, "vaccination.dose", "V1", [_dose("d1", "V1"), _dose("d2", "V1"), resent], day
    )
    write_load_log(data, day, [
        ("hospital.patient", "H1", 5, 0), ("hospital.patient", "H2", 3, 0),
        ("hospital.patient", "H3", 1, 0), ("vaccination.dose", "V1", 4, 1),
        ("vaccination.dose", "V2", 4, 4), ("vaccination.dose", "V3", 0, 0, "missing"),
        ("checkup.visit", "C1", 6, 6, "incomplete"),
    ])  # fmt: skip


def write_std(data: Path, table: str, day: date, rows: list[dict[str, Any]]) -> Path:
    """Rows of a standardised table loaded on night ``day`` (missing keys → null), typed by the
    std contract; ``record_key`` is built from source, org_code, dataset and record_id."""
    found = contract(f"std.{table}")
    filled = []
    for row in rows:
        base = {"load_date": day.isoformat(), "is_deleted": False, "source_file": "fixture",
                "load_id": "fixture", "loaded_at": f"{day.isoformat()}T23:59:59+08:00"}  # fmt: skip
        if table != "person_mention":
            base["record_key"] = ":".join(
                [row["source"], row["org_code"], row["dataset"], row["record_id"]]
            )
        filled.append({**base, **row})
    columns = {
        col.name: pc.cast(
            pa.array([r.get(col.name) for r in filled], type=_input_type(col.arrow_type)),
            col.arrow_type,
        )
        for col in found.columns
    }
    path = Layout(data).std(table, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def write_mpi(
    data: Path, day: date, links: dict[str, tuple[str, str]], review: list[tuple[str, str]]
) -> None:
    """The link stage's outputs of night ``day``: mention_id → (resident_id, link_method), the
    pairs sent to review, and the golden records the link stage derives from the std lake
    already written (``matching.golden``, the one survivorship rule)."""
    layout = Layout(data)
    path = layout.night("mpi.record_link", day)
    path.parent.mkdir(parents=True, exist_ok=True)
    crosswalk = pa.table({
        "mention_id": list(links), "resident_id": [r for r, _ in links.values()],
        "link_method": [m for _, m in links.values()],
    })  # fmt: skip
    pq.write_table(crosswalk, path)
    pq.write_table(
        pa.table({"mention_id_l": [a for a, _ in review], "mention_id_r": [b for _, b in review]},
                 schema=pa.schema([("mention_id_l", pa.string()), ("mention_id_r", pa.string())])),
        layout.night("mpi.review_queue", day),
    )  # fmt: skip
    con = duckdb.connect()
    con.register("links", crosswalk)
    golden = con.sql(golden_record_sql(layout, day, "SELECT * FROM links")).to_arrow_table()
    pq.write_table(golden, layout.night("mpi.resident", day))
