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
