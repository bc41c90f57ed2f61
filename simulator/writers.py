"""Writing one simulated day exactly as spec/SOURCES.md lays it out.

Hospitals: ``hospital/<org>/frontend.sqlite`` (the 7 tables, one transaction per hospital per
day). File drops: ``vaccination/<D>/<org>.jsonl``, ``mch/<D>/<org>/<type>.csv``,
``checkup/<D>/<org>.csv`` (GBK, Chinese headers), each folder with ``_manifest.json``.
Column names and order come from the contracts. Ground truth is appended per day.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from schemas.contracts import Contract, source_contracts
from simulator.clock import iso_stamps, plain_stamps
from simulator.config import HOSPITAL_TABLES, MCH_TYPES
from simulator.institutions import Institutions

SQL_TYPES = {"integer": "INTEGER", "decimal": "REAL"}
TRUTH = {  # dataset → (role, column with the person number); record_id column
    "hospital.patient": ([("patient", "_person")], "patient_id"),
    "vaccination.dose": ([("recipient", "_person")], "record_id"),
    "mch.maternal_registration": ([("mother", "_mother")], "record_id"),
    "mch.prenatal_visit": ([("mother", "_mother")], "record_id"),
    "mch.delivery": ([("mother", "_mother"), ("newborn", "_newborn")], "record_id"),
    "mch.postpartum_visit": ([("mother", "_mother")], "record_id"),
    "mch.child_checkup": ([("child", "_child")], "record_id"),
    "checkup.visit": ([("examinee", "_examinee")], "exam_no"),
}
TRUTH_COLUMNS = ["source", "org_code", "record_id", "role", "person_id"]


def person_ids(person: np.ndarray) -> np.ndarray:
    return np.array([f"P{p:08d}" for p in np.asarray(person).tolist()], dtype=object)


class Deliveries:
    """Everything written under the sources root, day by day, with running counts."""

    def __init__(self, root: Path, inst: Institutions) -> None:
        self.root, self.inst = root, inst
        self.contracts: dict[str, Contract] = source_contracts()
        self.rows: Counter[str] = Counter()
        self.files = 0
        self.mentions = 0
        self.truth = root / "truth" / "record_person.csv"
        self.truth.parent.mkdir(parents=True, exist_ok=True)
        self.truth.write_text(",".join(TRUTH_COLUMNS) + "\n", encoding="utf-8")
        self.hospitals = {
            int(o): self._open_frontend(int(o)) for o in np.flatnonzero(inst.systems["hospital"])
        }
        self.files += len(self.hospitals) + 1

    def _open_frontend(self, org: int) -> sqlite3.Connection:
        path = self.root / "hospital" / self.inst.codes[org] / "frontend.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA synchronous=OFF")
        for table in (*HOSPITAL_TABLES, "deleted_rows"):
            c = self.contracts[f"hospital.{table}"]
            key = c.primary_key[0] if c.primary_key else None
            cols = ", ".join(
                f"{col.name} {SQL_TYPES.get(col.type, 'TEXT')}"
                + (" PRIMARY KEY" if col.name == key else "")
                for col in c.columns
            )
            con.execute(f"CREATE TABLE {table} ({cols})")
            stamp = "deleted_at" if table == "deleted_rows" else "updated_at"
            con.execute(f"CREATE INDEX {table}_{stamp} ON {table} ({stamp})")
        return con

    def close(self) -> None:
        for con in self.hospitals.values():
            con.close()

    def write_day(self, day: date, delivered: dict[str, pd.DataFrame]) -> None:
        hospital = {
            k.split(".", 1)[1]: v for k, v in delivered.items() if k.startswith("hospital.")
        }
        if hospital:
            self._hospital(hospital)
        self._vaccination(day, delivered.get("vaccination.dose"))
        self._mch(
            day, {k.split(".", 1)[1]: v for k, v in delivered.items() if k.startswith("mch.")}
        )
        self._checkup(day, delivered.get("checkup.visit"))
        self._truth(delivered)
        for name, frame in delivered.items():
            self.rows[name] += len(frame)

    # --- hospitals --------------------------------------------------------------------------

    def _hospital(self, tables: dict[str, pd.DataFrame]) -> None:
        """One transaction per hospital: upserts table by table, then the day's deletions."""
        upserts = {}
        for table in HOSPITAL_TABLES:
            if table in tables:
                frame = tables[table].assign(
                    updated_at=iso_stamps(tables[table]["_when"].to_numpy())
                )
                upserts[table] = _split(
                    frame, _records(frame, self.contracts[f"hospital.{table}"].column_names)
                )
        gone = tables.get("deleted_rows")
        deletions = {}
        if gone is not None:
            gone = gone.assign(deleted_at=iso_stamps(gone["_when"].to_numpy()))
            deletions = _split(gone, _records(gone, ["table_name", "row_id", "deleted_at"]))
        orgs = sorted({o for parts in (*upserts.values(), deletions) for o in parts})
        for org in orgs:
            con = self.hospitals[org]
            con.execute("BEGIN")
            for table, parts in upserts.items():
                if org in parts:
                    columns = self.contracts[f"hospital.{table}"].column_names
                    marks = ", ".join("?" * len(columns))
                    sql = f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                    con.executemany(sql, parts[org])
            for table_name, row_id, deleted_at in deletions.get(org, []):
                key = self.contracts[f"hospital.{table_name}"].primary_key[0]
                con.execute(f"DELETE FROM {table_name} WHERE {key} = ?", (row_id,))
                con.execute(
                    "INSERT INTO deleted_rows (table_name, row_id, deleted_at) VALUES (?, ?, ?)",
                    (table_name, row_id, deleted_at),
                )
            con.execute("COMMIT")

    # --- file drops -------------------------------------------------------------------------

    def _vaccination(self, day: date, frame: pd.DataFrame | None) -> None:
        folder = self.root / "vaccination" / day.isoformat()
        files = []
        c = self.contracts["vaccination.dose"]
        for org, part in _by_org(frame):
            part = part.assign(exported_at=iso_stamps(part["_when"].to_numpy()))
            as_null = self.inst.style[org] < 2  # half the vendors write null, half ""
            lines = [
                json.dumps(dict(zip(c.column_names, row, strict=True)), ensure_ascii=False)
                for row in _records(part, c.column_names, blank_as_null=as_null)
            ]
            files.append(
                self._file(
                    folder / f"{self.inst.codes[org]}.jsonl",
                    "".join(f"{x}\n" for x in lines).encode(),
                    len(part),
                )
            )
        self._manifest(folder, day, files)

    def _mch(self, day: date, types: dict[str, pd.DataFrame]) -> None:
        per_org: dict[int, dict[str, pd.DataFrame]] = {}
        for record_type in MCH_TYPES:
            for org, part in _by_org(types.get(record_type)):
                per_org.setdefault(org, {})[record_type] = part
        for org in sorted(per_org):
            folder = self.root / "mch" / day.isoformat() / self.inst.codes[org]
            files = []
            for record_type, part in per_org[org].items():
                c = self.contracts[f"mch.{record_type}"]
                part = part.assign(exported_at=iso_stamps(part["_when"].to_numpy()))
                files.append(
                    self._file(
                        folder / f"{record_type}.csv", _csv(part, c).encode("utf-8"), len(part)
                    )
                )
            self._manifest(folder, day, files)

    def _checkup(self, day: date, frame: pd.DataFrame | None) -> None:
        folder = self.root / "checkup" / day.isoformat()
        files = []
        c = self.contracts["checkup.visit"]
        for org, part in _by_org(frame):
            part = part.assign(exported_at=plain_stamps(part["_when"].to_numpy()))
            data = _csv(part, c, line_end="\r\n").encode(
                "gbk", errors="replace"
            )  # a Windows vendor
            files.append(self._file(folder / f"{self.inst.codes[org]}.csv", data, len(part)))
        self._manifest(folder, day, files)

    def _file(self, path: Path, data: bytes, rows: int) -> dict:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1
        return {"name": path.name, "rows": rows, "sha256": hashlib.sha256(data).hexdigest()}

    def _manifest(self, folder: Path, day: date, files: list[dict]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        body = {"date": day.isoformat(), "files": sorted(files, key=lambda f: f["name"])}
        (folder / "_manifest.json").write_text(
            json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        self.files += 1

    # --- truth ------------------------------------------------------------------------------

    def _truth(self, delivered: dict[str, pd.DataFrame]) -> None:
        parts = []
        for dataset, (roles, record_col) in TRUTH.items():
            frame = delivered.get(dataset)
            if frame is None or frame.empty:
                continue
            first = frame[frame["_first"].astype(bool)]
            for role, column in roles:
                parts.append(
                    pd.DataFrame(
                        {
                            "source": dataset.split(".")[0],
                            "org_code": self.inst.codes[first["_org"].to_numpy(np.int64)],
                            "record_id": first[record_col].to_numpy(),
                            "role": role,
                            "person_id": person_ids(first[column].to_numpy(np.int64)),
                        }
                    )
                )
        if not parts:
            return
        truth = pd.concat(parts, ignore_index=True).drop_duplicates(
            ["source", "org_code", "record_id", "role"]
        )
        truth = truth.sort_values(["source", "org_code", "record_id", "role"], kind="stable")
        with self.truth.open("a", encoding="utf-8", newline="") as fh:
            truth.to_csv(fh, index=False, header=False, lineterminator="\n")
        self.mentions += len(truth)


def _by_org(frame: pd.DataFrame | None):
    if frame is None or frame.empty:
        return []
    return [(int(org), part) for org, part in frame.groupby("_org", sort=True)]


def _records(frame: pd.DataFrame, columns: list[str], blank_as_null: bool = True) -> list[tuple]:
    """Plain Python tuples (None for missing; '' too when ``blank_as_null``) for sqlite/json."""
    values = []
    for column in columns:
        array = frame[column].to_numpy(dtype=object, copy=True)  # Python ints, floats, str
        missing = pd.isna(array)
        if blank_as_null:
            missing |= array == ""
        array[missing] = None
        values.append(array.tolist())
    return list(zip(*values, strict=True))


def _split(frame: pd.DataFrame, records: list[tuple]) -> dict[int, list[tuple]]:
    """Records grouped by institution, each group in delivery order."""
    out: dict[int, list[tuple]] = {}
    for org, record in zip(frame["_org"].to_numpy(np.int64).tolist(), records, strict=True):
        out.setdefault(org, []).append(record)
    return out


def _csv(frame: pd.DataFrame, contract: Contract, line_end: str = "\n") -> str:
    out = frame[contract.column_names].copy()
    out.columns = contract.delivered_names
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator=line_end)
    return buffer.getvalue()
