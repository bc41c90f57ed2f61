"""A hand-built tiny lake for publish and warehouse tests, written from the contracts.

Builders fill the lineage and required flags a test does not care about, so each test names only
the values its expected figures depend on. Everything is written where ``kernel.layout`` says
the real stages write it, typed by the contracts (``schemas.tables``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from kernel import idno
from kernel.atomic import write_parquet
from kernel.city import city
from kernel.layout import Layout
from matching.golden import golden_record_sql
from schemas.contracts import contract
from schemas.tables import rows_table

CITY = city().zone


def at(text: str) -> datetime:
    """A city-time timestamp from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=CITY)


def valid_id(district: str, born: date, sequence: int) -> str:
    return idno.make(district, born, sequence)


def broken_id(district: str, born: date, sequence: int) -> str:
    """The same number with a wrong check character."""
    good = idno.make(district, born, sequence)
    return good[:17] + ("0" if good[17] != "0" else "1")


def _lineage(day: date) -> dict[str, object]:
    return {
        "source_file": "test",
        "load_id": f"load-{day.isoformat()}",
        "loaded_at": datetime.combine(day + timedelta(days=1), datetime.min.time(), CITY),
        "load_date": day,
        "is_deleted": False,
    }


def mention(
    source: str, org_code: str, dataset: str, record_id: str, role: str, **values: object
) -> dict[str, object]:
    """One person_mention row (before lineage); ``mention_id`` built the standardise way."""
    row: dict[str, object] = {
        "mention_id": f"{source}:{org_code}:{dataset}:{record_id}:{role}",
        "source": source, "org_code": org_code, "dataset": dataset, "record_id": record_id,
        "role": role, "id_no_valid": False, "id_damage": "none", "name_is_placeholder": False,
    }  # fmt: skip
    id_no = values.get("id_no")
    if isinstance(id_no, str) and idno.is_valid(id_no) and "id_no_valid" not in values:
        row |= {
            "id_no_valid": True,
            "id_birth_date": idno.birth_date(id_no),
            "id_sex_code": idno.sex_code(id_no),
        }
    return row | values


def event(
    source: str, org_code: str, dataset: str, record_id: str, **values: object
) -> dict[str, object]:
    """One row of a standardised event table (before lineage)."""
    base = {
        "record_key": f"{source}:{org_code}:{dataset}:{record_id}",
        "source": source, "org_code": org_code, "dataset": dataset, "record_id": record_id,
    }  # fmt: skip
    return base | values


def write_std(data: Path, table: str, day: date, rows: Iterable[Mapping[str, object]]) -> None:
    """One std partition for night ``day``, typed by ``schemas/std/<table>.yaml``."""
    spec = contract(f"std.{table}")
    full = [_lineage(day) | dict(r) for r in rows]
    write_parquet(
        pa.Table.from_pylist(full, schema=spec.arrow_schema()), Layout(data).std(table, day)
    )


def write_crosswalk(data: Path, day: date, links: Mapping[str, tuple[str, str]]) -> None:
    """The MPI crosswalk of night ``day``: mention_id → (resident_id, link_method), and the
    golden records the link stage derives from it and the std lake written so far
    (``matching.golden``; write the reference data first for the district fallback)."""
    rows = []
    for mention_id, (resident_id, method) in sorted(links.items()):
        source, org_code, dataset, record_id, role = mention_id.split(":")
        rows.append({
            "mention_id": mention_id, "source": source, "org_code": org_code, "dataset": dataset,
            "record_id": record_id, "role": role, "resident_id": resident_id,
            "link_method": method, "match_probability": 1.0 if method == "auto" else None,
            "role_group": "adult", "assigned_by": "auto", "linked_on": day, "features_on": day,
            "model_version": 0,
        })  # fmt: skip
    crosswalk = rows_table("mpi.record_link", rows)
    layout = Layout(data)
    write_parquet(crosswalk, layout.night("mpi.record_link", day))
    with duckdb.connect() as con:
        con.register("links", crosswalk)
        golden = con.sql(golden_record_sql(layout, day, "SELECT * FROM links")).to_arrow_table()
    write_parquet(golden, layout.night("mpi.resident", day))


def write_quality(data: Path, day: date, rows: Iterable[Mapping[str, object]]) -> None:
    full = [
        {"run_date": day, "severity": "warn", "field": "", "passed": True} | dict(r) for r in rows
    ]
    write_parquet(
        rows_table("quality.result", full), Layout(data).night("quality.result", day, "validate")
    )


def write_load_log(data: Path, day: date, rows: Iterable[Mapping[str, object]]) -> None:
    full = []
    for i, r in enumerate(rows):
        delivered = r.get("rows_delivered", 0)
        full.append({
            "load_id": f"{day.isoformat()}-{i}", "load_date": day, "source_file": "test",
            "rows_accepted": delivered, "rows_quarantined": 0, "status": "loaded",
            "message": "", "loaded_at": _lineage(day)["loaded_at"], "contract_version": 1,
        } | dict(r))  # fmt: skip
    write_parquet(rows_table("ops.load_log", full), Layout(data).night("ops.load_log", day))


def write_reference(data: Path, institutions: list[dict], population: list[dict]) -> None:
    for name, rows in (("institutions", institutions), ("population", population)):
        spec = contract(f"reference.{name}")
        table = pa.Table.from_pylist(rows, schema=spec.arrow_schema())
        write_parquet(table, Layout(data).reference(name))


def write_reference_csv(sources: Path, name: str, rows: list[dict]) -> Path:
    path = sources / "reference" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
