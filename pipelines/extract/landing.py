"""One delivery → its raw rows, its quarantined rows and its load-log row.

Every delivered row ends in exactly one place: raw (typed by the contract) or quarantine (with
the column and reason), so ``rows_delivered = rows_accepted + rows_quarantined`` per delivery.
A stopped delivery (drift, incomplete) sends all its readable rows to quarantine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.extract.conform import (
    LINE,
    conform,
    drift_message,
    row_keys,
    text_array,
    text_table,
)
from pipelines.extract.parse import TIMEZONE
from schemas.contracts import Contract

TIMESTAMP = pa.timestamp("us", tz=TIMEZONE)
LINEAGE = pa.schema(
    [
        ("source_file", pa.string()),
        ("load_id", pa.string()),
        ("loaded_at", TIMESTAMP),
        ("load_date", pa.date32()),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("org_code", pa.string()),
        ("source_file", pa.string()),
        ("line", pa.int64()),
        ("row_key", pa.string()),
        ("column", pa.string()),
        ("reason", pa.string()),
        ("record", pa.string()),  # the delivered row as JSON text, as it came
        ("load_id", pa.string()),
        ("load_date", pa.date32()),
    ]
)
LOAD_LOG_SCHEMA = pa.schema(
    [
        ("load_id", pa.string()),
        ("load_date", pa.date32()),
        ("source", pa.string()),
        ("dataset", pa.string()),
        ("org_code", pa.string()),
        ("source_file", pa.string()),
        ("sha256", pa.string()),
        ("rows_delivered", pa.int64()),
        ("rows_accepted", pa.int64()),
        ("rows_quarantined", pa.int64()),
        ("status", pa.string()),
        ("message", pa.string()),
        ("loaded_at", TIMESTAMP),
    ]
)


def loaded_at_for(day: date) -> datetime:
    """The load time recorded for night ``day``: the end of that day, +08:00.

    Deterministic on purpose, so a rerun writes byte-identical partitions.
    """
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(TIMEZONE))


def load_id_for(day: date, contract: Contract, org_code: str, fingerprint: str) -> str:
    """Stable id of one delivery: date, dataset, institution and content (sha256 or row count)."""
    text = f"{day.isoformat()}|{contract.dataset}|{org_code}|{fingerprint}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Delivery:
    """Where one delivery came from, before anything is read."""

    contract: Contract
    org_code: str
    source_file: str  # relative to the sources root; table deliveries add '#<table>'
    day: date


@dataclass
class Outcome:
    delivery: Delivery
    status: str
    message: str
    sha256: str | None = None
    load_id: str = ""
    accepted: pa.Table | None = None
    quarantined: pa.Table | None = None

    @property
    def rows_accepted(self) -> int:
        return 0 if self.accepted is None else self.accepted.num_rows

    @property
    def rows_quarantined(self) -> int:
        return 0 if self.quarantined is None else self.quarantined.num_rows

    def log_row(self) -> dict:
        d = self.delivery
        return {
            "load_id": self.load_id,
            "load_date": d.day,
            "source": d.contract.source,
            "dataset": d.contract.name,
            "org_code": d.org_code,
            "source_file": d.source_file,
            "sha256": self.sha256,
            "rows_delivered": self.rows_accepted + self.rows_quarantined,
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": self.rows_quarantined,
            "status": self.status,
            "message": self.message,
            "loaded_at": loaded_at_for(d.day),
        }


def land(
    delivery: Delivery,
    frame: pd.DataFrame,
    bad_lines: pd.DataFrame | None = None,
    sha256: str | None = None,
    note: str = "",
) -> Outcome:
    """Check drift, type by the contract, split into accepted and quarantined rows."""
    contract = delivery.contract
    bad_lines = _no_bad_lines() if bad_lines is None else bad_lines
    load_id = _load_id(delivery, sha256, len(frame) + len(bad_lines))
    drift = drift_message([c for c in frame.columns if c != LINE], contract)
    if drift:
        return stopped(delivery, "drift", drift, frame, bad_lines, sha256)
    if frame.empty and bad_lines.empty:  # a quiet day: most deliveries of a night
        return Outcome(delivery, "empty", note, sha256, load_id)
    accepted, rejected = conform(text_table(frame, contract), contract)
    for fld, value in zip(LINEAGE, _lineage(delivery, load_id), strict=True):
        accepted = accepted.append_column(fld, pa.array([value] * accepted.num_rows, fld.type))
    quarantined = pa.concat_tables(
        [
            _quarantine(
                delivery, load_id, rejected[LINE], row_keys(rejected, contract),
                rejected["column"], rejected["reason"],
                _records(rejected.select(contract.column_names).to_pandas()),
            ),
            _quarantine_lines(delivery, load_id, bad_lines),
        ]
    )  # fmt: skip
    message = "; ".join(m for m in (note, _rejects_note(quarantined.num_rows)) if m)
    return Outcome(delivery, "loaded", message, sha256, load_id, accepted, quarantined)


def stopped(
    delivery: Delivery,
    status: str,
    message: str,
    frame: pd.DataFrame | None = None,
    bad_lines: pd.DataFrame | None = None,
    sha256: str | None = None,
) -> Outcome:
    """A delivery not loaded: what could be read of it is quarantined whole, with the reason."""
    frame = pd.DataFrame({LINE: []}) if frame is None else frame
    bad_lines = _no_bad_lines() if bad_lines is None else bad_lines
    load_id = _load_id(delivery, sha256, len(frame) + len(bad_lines))
    n = len(frame)
    rows = _quarantine(
        delivery, load_id, frame.get(LINE, [None] * n), _delivered_keys(frame, delivery.contract),
        [None] * n, [message] * n, _records(frame.drop(columns=[LINE], errors="ignore")),
    )  # fmt: skip
    lines = _quarantine_lines(delivery, load_id, bad_lines.assign(reason=message))
    return Outcome(
        delivery, status, message, sha256, load_id, None, pa.concat_tables([rows, lines])
    )


def missing(delivery: Delivery, message: str = "nothing delivered for this date") -> Outcome:
    return Outcome(delivery, "missing", message, load_id=_load_id(delivery, None, 0))


def _load_id(delivery: Delivery, sha256: str | None, rows: int) -> str:
    return load_id_for(delivery.day, delivery.contract, delivery.org_code, sha256 or f"rows={rows}")


def _lineage(delivery: Delivery, load_id: str) -> tuple:
    return delivery.source_file, load_id, loaded_at_for(delivery.day), delivery.day


def _rejects_note(count: int) -> str:
    return f"{count} rows quarantined" if count else ""


def _no_bad_lines() -> pd.DataFrame:
    return pd.DataFrame({LINE: [], "record": [], "reason": []}, dtype=object)


def _delivered_keys(frame: pd.DataFrame, contract: Contract) -> pa.Array | list:
    """Primary keys of rows still under delivered names, when those columns arrived."""
    names = {c.name: c.delivered_name for c in contract.columns}
    if not contract.primary_key or any(names[k] not in frame for k in contract.primary_key):
        return [None] * len(frame)
    keys = {k: text_array(frame[names[k]]) for k in contract.primary_key}
    return row_keys(pa.table(keys), contract)


def _records(frame: pd.DataFrame) -> list[str]:
    """Each delivered row as JSON text, as it came: quarantine keeps it for review."""
    if frame.empty:
        return []
    text = frame.astype(object).to_json(orient="records", lines=True, force_ascii=False)
    return text.rstrip("\n").split("\n")


def _quarantine_lines(delivery: Delivery, load_id: str, bad: pd.DataFrame) -> pa.Table:
    n = len(bad)
    return _quarantine(
        delivery, load_id, bad[LINE].tolist(), [None] * n, [None] * n,
        bad["reason"].tolist(), bad["record"].tolist(),
    )  # fmt: skip


def _quarantine(delivery: Delivery, load_id: str, *cols: object) -> pa.Table:
    """QUARANTINE_SCHEMA rows from (line, row_key, column, reason, record) columns."""
    n = len(cols[-1])
    given = dict(zip(("line", "row_key", "column", "reason", "record"), cols, strict=True))
    constant = {"org_code": delivery.org_code, "source_file": delivery.source_file,
                "load_id": load_id, "load_date": delivery.day}  # fmt: skip
    arrays = [
        pa.array([constant[f.name]] * n, f.type)
        if f.name in constant
        else pc.cast(given[f.name], f.type)
        if isinstance(given[f.name], pa.Array | pa.ChunkedArray)
        else pa.array(list(given[f.name]), f.type, from_pandas=True)
        for f in QUARANTINE_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=QUARANTINE_SCHEMA)
