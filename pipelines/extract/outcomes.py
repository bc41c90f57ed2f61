"""What one delivery is, what it handed over, and what became of it (its load-log row).

Every delivered row ends in exactly one place: raw (typed by the contract) or quarantine (with
file, line, column and reason), so ``rows_delivered = rows_accepted + rows_quarantined`` per
delivery. A stopped delivery (drift, incomplete) sends all its readable rows to quarantine. The
load-log and quarantine schemas are derived from ``schemas/ops``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kernel.city import city
from pipelines.extract.conform import LINE, row_keys, to_contract_names
from pipelines.extract.marks import Increment
from schemas.contracts import Contract, contract
from schemas.tables import lineage_schema

# Bump when extraction changes what it makes of the same bytes: earlier loads are then redone
# on a rerun instead of being kept (the version is part of every load_id). 3: files decoded line
# by line (a bad line is quarantined, not the whole file), over-long values quarantined.
EXTRACT_VERSION = 3
log = logging.getLogger(__name__)
LINEAGE = lineage_schema()
LOAD_LOG_SCHEMA = contract("ops.load_log").arrow_schema()
QUARANTINE_SCHEMA = contract("ops.quarantine").arrow_schema()
BAD_LINES_SCHEMA = pa.schema([(LINE, pa.int64()), ("record", pa.string()), ("reason", pa.string())])


def loaded_at_for(day: date) -> datetime:
    """The load time recorded for night ``day``: the end of that day on the city's clock.

    Deterministic on purpose, so a rerun writes byte-identical partitions.
    """
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=city().zone)


def load_id_for(day: date, spec: Contract, org_code: str, fingerprint: str) -> str:
    """Stable id of one delivery: date, dataset, institution, content (sha256 or row count)
    and the contract and extract versions it was loaded with."""
    text = f"{day}|{spec.dataset}@{spec.version}|{org_code}|{fingerprint}|x{EXTRACT_VERSION}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Delivery:
    """Where one delivery came from, before anything is read."""

    contract: Contract
    org_code: str
    source_file: str  # relative to the sources root; table deliveries add '#<table>'
    day: date


@dataclass
class Received:
    """What one delivery handed over, read but not yet held against its contract."""

    delivery: Delivery
    texts: pa.Table  # delivered column names, all text, plus LINE
    bad_lines: pa.Table = field(default_factory=BAD_LINES_SCHEMA.empty_table)
    sha256: str | None = None
    note: str = ""
    increment: Increment | None = None  # front-end tables: which rows the night takes

    @property
    def rows(self) -> int:
        return self.texts.num_rows + self.bad_lines.num_rows

    def load_id(self) -> str:
        return load_id_of(self.delivery, self.sha256, self.rows)


def load_id_of(d: Delivery, sha256: str | None, rows: int) -> str:
    return load_id_for(d.day, d.contract, d.org_code, sha256 or f"rows={rows}")


@dataclass
class Outcome:
    delivery: Delivery
    status: str
    message: str
    sha256: str | None = None
    load_id: str = ""
    accepted: pa.Table | None = None
    quarantined: pa.Table | None = None
    duplicate_of: str | None = None
    kept: dict[str, Path] = field(default_factory=dict)  # layer → earlier file, reused as is
    kept_log: dict | None = None  # the earlier load-log row, when the whole delivery is kept
    taken: pa.Table | None = None  # front-end tables: key and change time of the rows taken
    transient: bool = False  # not loaded for a cause that may pass: a retry may load it

    @property
    def rows_accepted(self) -> int:
        if self.kept_log:
            return self.kept_log["rows_accepted"]
        return 0 if self.accepted is None else self.accepted.num_rows

    @property
    def rows_quarantined(self) -> int:
        if self.kept_log:
            return self.kept_log["rows_quarantined"]
        return 0 if self.quarantined is None else self.quarantined.num_rows

    def log_row(self) -> dict:
        if self.kept_log:
            return self.kept_log
        d = self.delivery
        return {
            "load_id": self.load_id, "load_date": d.day, "source": d.contract.source,
            "dataset": d.contract.name, "org_code": d.org_code, "source_file": d.source_file,
            "sha256": self.sha256, "rows_delivered": self.rows_accepted + self.rows_quarantined,
            "rows_accepted": self.rows_accepted, "rows_quarantined": self.rows_quarantined,
            "status": self.status, "message": self.message, "loaded_at": loaded_at_for(d.day),
            "contract_version": d.contract.version, "duplicate_of": self.duplicate_of,
        }  # fmt: skip


def missing(d: Delivery, message: str = "nothing delivered for this date") -> Outcome:
    return Outcome(d, "missing", message, load_id=load_id_of(d, None, 0))


def stopped(d: Delivery, status: str, message: str, received: Received | None = None) -> Outcome:
    """A delivery not loaded: what could be read of it is quarantined whole, with the reason."""
    if received is None:
        return Outcome(d, status, message, load_id=load_id_of(d, None, 0))
    load_id = received.load_id()
    texts = received.texts
    rows = quarantine_table(
        d, load_id, texts[LINE] if LINE in texts.column_names else [None] * texts.num_rows,
        _delivered_keys(texts, d.contract), [None] * texts.num_rows,
        [message] * texts.num_rows, records(texts),
    )  # fmt: skip
    bad = received.bad_lines
    lines = quarantine_table(
        d, load_id, bad[LINE], [None] * bad.num_rows, [None] * bad.num_rows,
        [message] * bad.num_rows, bad["record"],
    )  # fmt: skip
    quarantined = pa.concat_tables([rows, lines])
    return Outcome(d, status, message, received.sha256, load_id, None, quarantined)


def fault(d: Delivery, exc: Exception, received: Received | None = None) -> Outcome:
    """A delivery extract failed on through a fault of its own (a bug met by odd input): logged
    with where in the code (frames only: an exception's text can quote a value), reported as
    incomplete with its rows quarantined; a rerun after the fix loads it. The night goes on."""
    where = "".join(traceback.format_tb(exc.__traceback__))
    log.error("extract fault on %s (%s):\n%s", d.source_file, type(exc).__name__, where)
    message = (f"{d.source_file}: could not be loaded because of a fault in extract "
               f"({type(exc).__name__}); rerun the date once it is fixed")  # fmt: skip
    return stopped(d, "incomplete", message, received)


def duplicate(d: Delivery, sha256: str, earlier: dict) -> Outcome:
    """A file identical to one already loaded on an earlier night: not loaded again."""
    message = (
        f"identical (sha256) to the delivery loaded on {earlier['load_date']} "
        f"(load_id {earlier['load_id']}): its rows were counted then and are not loaded again"
    )
    return Outcome(
        d, "duplicate", message, sha256, load_id_of(d, sha256, 0),
        duplicate_of=earlier["load_id"],
    )  # fmt: skip


def kept(d: Delivery, earlier: dict, files: dict[str, Path]) -> Outcome:
    """The same bytes as this date's earlier run loaded: its partitions and log row are kept."""
    return Outcome(
        d, earlier["status"], earlier["message"] or "", earlier["sha256"], earlier["load_id"],
        kept=files, kept_log=earlier,
    )  # fmt: skip


def _delivered_keys(texts: pa.Table, spec: Contract) -> pa.Array | list:
    """Primary keys of rows still under delivered names, when those columns arrived."""
    names = {c.name: c.delivered_name for c in spec.columns}
    if not spec.primary_key or any(names[k] not in texts.column_names for k in spec.primary_key):
        return [None] * texts.num_rows
    first = texts.column_names.index  # a doubled header: the first of the two
    return row_keys(pa.table({k: texts.column(first(names[k])) for k in spec.primary_key}), spec)


def records(texts: pa.Table) -> list[str]:
    """Each delivered row as JSON text, as it came: quarantine keeps it for review."""
    shown = [i for i, n in enumerate(texts.column_names) if not n.startswith("_")]
    names = _distinct([texts.column_names[i] for i in shown])
    rows = texts.select(shown).rename_columns(names).to_pylist()
    return [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]


def _distinct(names: list[str]) -> list[str]:
    """Column names made unique for JSON (a doubled delivered header becomes name, name#2)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def contract_records(texts: pa.Table, spec: Contract) -> list[str]:
    """Rejected rows (under contract names) as JSON text under their delivered names."""
    delivered = {c.name: c.delivered_name for c in spec.columns}
    renamed = texts.select(spec.column_names).rename_columns(
        [delivered[n] for n in spec.column_names]
    )
    return records(renamed)


def quarantine_table(d: Delivery, load_id: str, *cols: object) -> pa.Table:
    """QUARANTINE_SCHEMA rows from (line, row_key, column, reason, record) columns."""
    n = len(cols[-1])
    given = dict(zip(("line", "row_key", "column", "reason", "record"), cols, strict=True))
    constant = {"org_code": d.org_code, "source_file": d.source_file, "load_id": load_id,
                "load_date": d.day}  # fmt: skip
    arrays = []
    for f in QUARANTINE_SCHEMA:
        value = given.get(f.name)
        if f.name in constant:
            arrays.append(pa.array([constant[f.name]] * n, f.type))
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arrays.append(pc.cast(value, f.type))
        else:
            arrays.append(pa.array(list(value), f.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=QUARANTINE_SCHEMA)


def under_contract_names(received: Received) -> pa.Table:
    return to_contract_names(received.texts, received.delivery.contract)
