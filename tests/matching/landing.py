"""Hand-built mentions into the lake, standardised by the standardise stage's own code.

A test writes the identity fields as a source would deliver them (``matching_pairs.mention``
rows: ``id_no``, ``name``, ``birth_date`` …); :func:`standardised` turns them into
``std.person_mention`` rows with ``standardise_mentions`` — the function the nightly run
uses — so pinyin, ID validity and damage, placeholders and districts are the pipeline's.
Extra columns (``person_id``) are kept; ``is_deleted`` may be set afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import pyarrow as pa

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.standardise.mentions import PERSON_MENTION, standardise_mentions
from pipelines.standardise.tables import conform_to
from schemas.contracts import contract
from simulator.bulk import write_std
from simulator.bulk.lake import district_names

DELIVERED = ("id_type", "id_no", "name", "sex_code", "phone", "address", "mother_id_no",
             "mother_name")  # fmt: skip


def standardised(rows: list[dict], day: date) -> pd.DataFrame:
    """The rows (delivered identity fields) as std.person_mention rows loaded on ``day``."""
    raw = pd.DataFrame(rows)
    frame = raw[["source", "org_code", "dataset", "record_id", "role"]].astype(object)
    for column in DELIVERED:
        frame[column] = raw[column].astype(object) if column in raw else None
    for column in ("birth_date", "event_date"):
        dates = raw[column] if column in raw else pd.Series(None, index=raw.index)
        frame[column] = pd.to_datetime(dates)
    arrived = pd.Timestamp(datetime.combine(day, time(12)), tz="Asia/Shanghai")
    frame = frame.assign(arrived_at=arrived, loaded_at=arrived, load_date=day,
                         source_file="test", load_id=f"test-{day}")  # fmt: skip
    out = standardise_mentions(frame, district_names())
    spec = contract(PERSON_MENTION)
    columns = {c: pa.array(out[c], from_pandas=True) for c in spec.column_names if c in out}
    table = conform_to(columns, spec, len(out)).to_pandas()
    extra = [c for c in raw.columns if c not in spec.column_names]  # the truth, person_id
    return pd.concat([table, raw[extra]], axis=1)


def land(data: Path, day: date, *rows: dict, background: pd.DataFrame | None = None) -> None:
    """Write night ``day``'s partition (one file per night: everything of the night at once)."""
    night = standardised(list(rows), day)
    write_std(pd.concat([background, night], ignore_index=True), data)


def care(
    data: Path,
    day: date,
    patient_mention: str,
    dept: str,
    icd10: str | None = None,
    seen_on: date | None = None,
) -> None:
    """One hospital encounter of a patient mention in department ``dept`` (begun ``seen_on``,
    if given) and, with ``icd10``, its diagnosis, as standardised on ``day``."""
    loaded = datetime(day.year, day.month, day.day, 23)
    enc = {
        "record_key": f"hospital:H01:hospital.encounter:{patient_mention}",
        "source": "hospital", "org_code": "H01", "dataset": "hospital.encounter",
        "record_id": patient_mention, "person_mention_id": patient_mention,
        "encounter_id": patient_mention, "dept_name": dept,
        "event_time": datetime.combine(seen_on, time(9)) if seen_on else None,
        "is_deleted": False, "source_file": "test", "load_id": "test", "loaded_at": loaded,
        "load_date": day,
    }  # fmt: skip
    rows = [("encounter", enc)]
    if icd10 is not None:
        diag = {**{k: enc[k] for k in ("source", "org_code", "is_deleted", "source_file",
                                       "load_id", "loaded_at", "load_date")},
                "record_key": f"hospital:H01:hospital.diagnosis:{patient_mention}",
                "dataset": "hospital.diagnosis", "record_id": patient_mention,
                "diagnosis_id": patient_mention, "encounter_key": enc["record_key"],
                "icd10_code": icd10}  # fmt: skip
        rows.append(("diagnosis", diag))
    for name, row in rows:
        spec = contract(f"std.{name}")
        cols = {c: pa.array([row.get(c)]) for c in spec.column_names if c in row}
        write_parquet(conform_to(cols, spec, 1), Layout(data).std(name, day))
