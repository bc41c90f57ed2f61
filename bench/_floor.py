"""The I/O floor of a range of nights: every delivered row read once and written once as Parquet.

As issue 14 defines it: front-end SQLite tables read through Python's ``sqlite3`` (the rows whose
change time falls in the range, through the index on it), file drops read with DuckDB's readers
(a GBK file decoded in Python first: DuckDB has no GBK reader offline), every value as text (no
typing, no checks), and each table or file written once as Parquet into a scratch folder. What
the pipeline does beyond that (typing, checks, standardising, linking, publishing) is measured
as a multiple of this. Which files exist and how they are encoded comes from the contracts.
"""

from __future__ import annotations

import io
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bench._meter import Measured, meter
from schemas.contracts import source_contracts


@dataclass
class Floor:
    rows: int
    files: int
    measured: Measured

    def as_dict(self) -> dict:
        return {"rows": self.rows, "files": self.files, **self.measured.as_dict()}


def io_floor(sources: Path, first: date, last: date) -> Floor:
    """Read every row delivered for nights ``first``..``last`` once, write it once as Parquet."""
    with tempfile.TemporaryDirectory(prefix="io-floor-") as tmp, meter() as m:
        out = Path(tmp)
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false").fetchall()
        rows, files = _frontends(sources, first, last, out)
        more_rows, more_files = _file_drops(con, sources, _days(first, last), out)
        rows, files = rows + more_rows, files + more_files
        con.close()
    return Floor(rows, files, m)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _frontends(sources: Path, first: date, last: date, out: Path) -> tuple[int, int]:
    tables = [(c.delivery["table"], c.delivery.get("incremental_column", "updated_at"))
              for c in source_contracts().values()
              if c.delivery.get("kind") == "frontend_table"]  # fmt: skip
    lo, hi = first.isoformat(), (last + timedelta(days=1)).isoformat()
    rows = files = 0
    for db in sorted(sources.glob("hospital/*/frontend.sqlite")):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        for table, stamp in tables:
            cur = con.execute(f"SELECT * FROM {table} WHERE {stamp} >= ? AND {stamp} < ?", (lo, hi))
            names = [d[0] for d in cur.description]
            fetched = cur.fetchall()
            columns = list(zip(*fetched, strict=True)) if fetched else [()] * len(names)
            arrays = [pa.array([None if v is None else str(v) for v in col], pa.string())
                      for col in columns]  # fmt: skip
            pq.write_table(pa.table(arrays, names=names), out / f"{db.parent.name}-{table}.parquet")
            rows, files = rows + len(fetched), files + 1
        con.close()
    return rows, files


def _file_drops(
    con: duckdb.DuckDBPyConnection, sources: Path, days: list[date], out: Path
) -> tuple[int, int]:
    """One DuckDB read per dataset over every file of the range (a reader per small file would
    measure DuckDB's per-call set-up, about 15 ms, not reading), one Parquet file written each."""
    rows = files = 0
    for contract in source_contracts().values():
        kind = contract.delivery.get("kind")
        if kind not in ("csv", "jsonl"):
            continue
        paths = [str(p) for day in days for p in sorted(sources.glob(
            contract.delivery["path"].format(date=day.isoformat(), org_code="*")))]  # fmt: skip
        if not paths:
            continue
        target = out / f"{contract.dataset}.parquet"
        _read(con, paths, kind, contract.delivery.get("encoding", "utf-8")).write_parquet(
            str(target)
        )
        rows += pq.ParquetFile(target).metadata.num_rows
        files += len(paths)
    return rows, files


def _read(
    con: duckdb.DuckDBPyConnection, paths: list[str], kind: str, encoding: str
) -> duckdb.DuckDBPyRelation:
    if kind == "jsonl":
        return con.read_json(paths, format="newline_delimited", ignore_errors=True)
    if encoding.lower().replace("-", "") in ("utf8", "utf8sig"):
        return con.read_csv(paths, header=True, all_varchar=True, ignore_errors=True)
    # GBK: decoded in Python, the files joined under the first one's header
    texts = [Path(p).read_bytes().decode("gb18030", errors="replace") for p in paths]
    body = [texts[0], *(t.split("\n", 1)[1] if "\n" in t else "" for t in texts[1:])]
    return con.read_csv(io.StringIO("".join(body)), header=True, all_varchar=True,
                        ignore_errors=True)  # fmt: skip
