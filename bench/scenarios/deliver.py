"""A writer of the source interface (spec/SOURCES.md v1), independent of any project code.

Scenario builders collect rows through :class:`SourcesWriter` and call :meth:`SourcesWriter.close`
once; only then are files written, so the output depends on the rows alone and is byte-identical
for the same input (rows keep their insertion order; folders, files and truth are sorted).

Decisions where SOURCES.md leaves room (kept here so every scenario makes them the same way):

* A front-end database is live, but this writer produces its final state: a second
  :meth:`~SourcesWriter.hospital` call for the same primary key replaces the row (the later
  ``updated_at`` wins, as in the HIS), so an earlier version is never visible to an extract.
* ``exported_at`` / ``导出时间`` defaults to ``D 23:30:00+08:00`` — on day ``D``, after the day's
  events, before the nightly run.
* Every institution delivers every night: for each day in the delivery span and each
  file-based system an institution runs, a file is written even when it has no rows (an empty
  JSON Lines file, or a CSV with only its header), so an idle night reads as "no new data"
  rather than "not delivered". MCH writes all five record types per institution.
* Checkup ``性别`` is ``男``/``女`` only; GB/T 2261.1 codes 1/2 are printed so, 0/9 as empty.
* Manifest ``rows`` counts data rows: JSON objects, or CSV records after the header.
* CSV line ends are ``\\n``; checkup CSVs are strict GBK (a value GBK cannot hold is an error
  here, because a real GBK system could not have exported it either).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

CST = timezone(timedelta(hours=8), "Asia/Shanghai")  # 北京时间, no DST since 1991

SYSTEMS = ("hospital", "vaccination", "mch", "checkup")


def _cols(spec: str) -> tuple[str, ...]:
    """Column names from a space-separated list: keeps the tables below as compact as the spec."""
    return tuple(spec.split())


# SOURCES.md section 1, in its column order, primary key first. Columns are TEXT unless the
# contract types them as numbers (schemas/sources/hospital.*.yaml: integer or decimal).
_HOSPITAL_COLUMNS = {
    "patient": "patient_id id_type id_no name sex_code birth_date phone address updated_at",
    "encounter": "encounter_id patient_id encounter_type dept_name admit_time discharge_time "
    "updated_at",
    "diagnosis": "diagnosis_id encounter_id icd10_code diagnosis_name is_primary diagnosed_at "
    "updated_at",
    "prescription": "rx_id encounter_id drug_code drug_name dose dose_unit frequency days "
    "prescribed_at updated_at",
    "lab_result": "result_id encounter_id item_code item_name value unit ref_range abnormal_flag "
    "reported_at updated_at",
    "exam_report": "report_id encounter_id modality body_part findings conclusion reported_at "
    "updated_at",
}
_SQL_TYPES = {"is_primary": "INTEGER", "days": "INTEGER", "dose": "REAL", "value": "REAL"}
HOSPITAL_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple((c, _SQL_TYPES.get(c, "TEXT")) for c in _cols(cols))
    for table, cols in _HOSPITAL_COLUMNS.items()
}
DELETED_ROWS: tuple[tuple[str, str], ...] = (
    ("table_name", "TEXT"),
    ("row_id", "TEXT"),
    ("deleted_at", "TEXT"),
)


VACCINATION_FIELDS = _cols(
    "record_id org_code recipient_name recipient_id_type recipient_id_no recipient_sex "
    "recipient_birth_date guardian_name guardian_id_no guardian_phone vaccine_code vaccine_name "
    "dose_no vaccinated_at batch_no manufacturer site status exported_at"
)

_MCH_SPECIFIC = {
    rt: _cols(cols)
    for rt, cols in {
        "maternal_registration": "mother_name mother_id_type mother_id_no mother_birth_date "
        "mother_phone address last_menstrual_date registered_at",
        "prenatal_visit": "mother_name mother_id_no visit_date gestational_weeks weight_kg "
        "systolic_bp diastolic_bp hemoglobin fundal_height_cm",
        "delivery": "mother_name mother_id_no delivery_time delivery_mode gestational_weeks "
        "baby_sex baby_birth_weight_g baby_name birth_certificate_no",
        "postpartum_visit": "mother_name mother_id_no visit_date days_after_delivery systolic_bp "
        "diastolic_bp notes",
        "child_checkup": "child_name child_sex child_birth_date child_id_no mother_name "
        "mother_id_no checkup_date height_cm weight_kg head_circumference_cm development_result",
    }.items()
}
# record_id and org_code lead, exported_at closes every MCH file (the contracts' order).
MCH_FIELDS: dict[str, tuple[str, ...]] = {
    rt: ("record_id", "org_code", *cols, "exported_at") for rt, cols in _MCH_SPECIFIC.items()
}
MCH_ROLES: dict[str, tuple[str, ...]] = {
    "maternal_registration": ("mother",),
    "prenatal_visit": ("mother",),
    "delivery": ("mother", "newborn"),
    "postpartum_visit": ("mother",),
    "child_checkup": ("child",),
}

CHECKUP_FIELDS = _cols(
    "体检编号 姓名 性别 出生日期 证件类型 证件号码 联系电话 工作单位 体检日期 "
    "身高cm 体重kg 收缩压 舒张压 空腹血糖mmol/L 总胆固醇mmol/L 甘油三酯mmol/L "
    "尿酸umol/L 总检结论 导出时间"
)
# GB/T 2261.1 code → how checkup systems print 性别: only 男/女 exist there (code set sex_label),
# so 0 未知 / 9 未说明 print as an empty cell rather than as a code the contract does not know.
_SEX_LABEL = {"1": "男", "2": "女", "0": "", "9": ""}

TRUTH_FIELDS = ("source", "org_code", "record_id", "role", "person_id")

# The 10 county-level units of SOURCES.md with approximate 常住人口 (about the 2023 statistical
# yearbook, rounded to thousands); later years grow 0.4 % a year. A default only — scenarios that
# measure coverage should pass their own figures.
SUZHOU_DISTRICTS: tuple[tuple[str, str, int], ...] = tuple(
    (code, name, int(pop))
    for code, name, pop in (
        line.split()
        for line in """
        320505 虎丘区 839000
        320506 吴中区 1393000
        320507 相城区 918000
        320508 姑苏区 927000
        320509 吴江区 1561000
        320571 苏州工业园区 1155000
        320581 常熟市 1687000
        320582 张家港市 1443000
        320583 昆山市 2126000
        320585 太仓市 840000
        """.strip().splitlines()
    )
)


def default_population(years: Iterable[int] = (2024, 2025, 2026)) -> list[dict]:
    """Population rows for the 10 Suzhou districts, one per district and year."""
    rows = []
    for year in years:
        growth = 1.004 ** (year - 2023)
        for code, name, pop in SUZHOU_DISTRICTS:
            rows.append(
                {
                    "district_code": code,
                    "district_name": name,
                    "year": year,
                    "resident_population": round(pop * growth / 100) * 100,
                }
            )
    return rows


# --- GB 11643 helpers (used by scenarios to compute valid numbers, not to check the model) ----

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 ASCII digits, got {first17!r}")
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def resident_id(district_code: str, birth: date | str, seq: int) -> str:
    """An 18-character 居民身份证号码; ``seq`` 1–999, odd for men, even for women."""
    ymd = birth.strftime("%Y%m%d") if isinstance(birth, date) else birth.replace("-", "")
    first17 = f"{district_code}{ymd}{seq:03d}"
    return first17 + gb11643_check_char(first17)


def legacy15(id18: str) -> str:
    """The 1989-style 15-digit form of an 18-digit number (drop the century and check char)."""
    return id18[:6] + id18[8:17]


# --- value formatting -------------------------------------------------------------------------


def iso_ts(value: datetime) -> str:
    """ISO 8601 with +08:00; a naive datetime is taken as Beijing time."""
    aware = value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)
    return aware.isoformat(timespec="seconds")


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return _text(value)


def _text(value: Any) -> str:
    """How a file-based source prints one value; ``None`` and missing are empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_ts(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal | str):
        return str(value)
    raise TypeError(f"cannot deliver a {type(value).__name__}: {value!r}")


def _json_value(value: Any) -> Any:
    # JSON keeps numbers as numbers (dose_no is an integer in the contract); everything else is a
    # string, as the vaccination system's exporter writes it.
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    return _text(value)


def _exported_at(day: date) -> str:
    return iso_ts(datetime.combine(day, time(23, 30)))


def _check_columns(row: dict, allowed: Sequence[str], what: str) -> None:
    unknown = sorted(set(row) - set(allowed))
    if unknown:
        raise ValueError(f"{what}: columns not in SOURCES.md: {unknown}")


@dataclass(frozen=True)
class Institution:
    """One row of ``reference/institutions.csv``."""

    org_code: str
    org_name: str
    district_code: str
    org_type: str
    systems: tuple[str, ...]  # subset of hospital/vaccination/mch/checkup


class SourcesWriter:
    """Collects deliveries for one sources root and writes them on :meth:`close`."""

    def __init__(
        self,
        root: Path,
        institutions: Sequence[Institution],
        population: Sequence[dict] | None = None,
        *,
        days: Sequence[date] | None = None,
        fill_empty: bool = True,
    ) -> None:
        """``days``: the nights to deliver (default: every day from the first to the last day
        any row was delivered, hospital ``updated_at`` included); ``fill_empty``: write empty
        files for idle institution-nights (see the module docstring)."""
        self.root = Path(root)
        self.institutions = {i.org_code: i for i in institutions}
        if len(self.institutions) != len(institutions):
            raise ValueError("duplicate org_code in institutions")
        for inst in institutions:
            bad = set(inst.systems) - set(SYSTEMS)
            if bad or len(inst.district_code) != 6 or not inst.district_code.isdigit():
                raise ValueError(f"bad institution {inst}")
        self.population = list(population) if population is not None else default_population()
        self.days = sorted(set(days)) if days is not None else None
        self.fill_empty = fill_empty
        self._hospital: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self._deleted: dict[str, list[tuple[str, str, str]]] = {}
        self._vaccination: dict[date, dict[str, list[dict]]] = {}
        self._mch: dict[date, dict[str, dict[str, list[dict]]]] = {}
        self._checkup: dict[date, dict[str, list[dict]]] = {}
        self._truth: dict[tuple[str, str, str, str], str] = {}
        self._extra: dict[str, list[dict]] = {}
        self._mentions: set[tuple[str, str, str, str]] = set()
        self._hospital_days: set[date] = set()

    # --- collecting -----------------------------------------------------------------------

    def _require(self, org_code: str, system: str) -> None:
        inst = self.institutions.get(org_code)
        if inst is None:
            raise KeyError(f"unknown institution {org_code}")
        if system not in inst.systems:
            raise ValueError(f"{org_code} does not run the {system} system")

    def hospital(self, org_code: str, table: str, row: dict, updated_at: datetime) -> None:
        """One row of a front-end table; a later call with the same key replaces the row."""
        self._require(org_code, "hospital")
        if table not in HOSPITAL_TABLES:
            raise ValueError(f"unknown hospital table {table!r}")
        columns = [c for c, _ in HOSPITAL_TABLES[table]]
        _check_columns(row, columns[:-1], f"hospital.{table}")
        key = row.get(columns[0])
        if key in (None, ""):
            raise ValueError(f"hospital.{table}: {columns[0]} is required")
        stamp = iso_ts(updated_at)
        full = {c: _sql_value(row.get(c)) for c in columns[:-1]}
        full["updated_at"] = stamp
        rows = self._hospital.setdefault(org_code, {}).setdefault(table, {})
        previous = rows.get(str(key))
        if previous is None or previous["updated_at"] <= stamp:
            rows[str(key)] = full
        self._hospital_days.add(datetime.fromisoformat(stamp).date())
        if table == "patient":
            self._mentions.add(("hospital", org_code, str(key), "patient"))

    def deleted(self, org_code: str, table: str, row_id: str, deleted_at: datetime) -> None:
        """A row the HIS deleted, listed in ``deleted_rows`` (the row itself stays written)."""
        self._require(org_code, "hospital")
        if table not in HOSPITAL_TABLES:
            raise ValueError(f"unknown hospital table {table!r}")
        stamp = iso_ts(deleted_at)
        self._deleted.setdefault(org_code, []).append((table, str(row_id), stamp))
        # The night that extracts the deletion is its Beijing date, whatever zone it came in.
        self._hospital_days.add(datetime.fromisoformat(stamp).date())

    def vaccination(self, org_code: str, day: date, row: dict) -> None:
        """One dose object of ``vaccination/<day>/<org_code>.jsonl``; missing keys are ``""``."""
        self._require(org_code, "vaccination")
        _check_columns(row, VACCINATION_FIELDS, "vaccination")
        obj = self._complete(row, VACCINATION_FIELDS, org_code, day, "exported_at", _json_value)
        self._vaccination.setdefault(day, {}).setdefault(org_code, []).append(obj)
        self._mentions.add(("vaccination", org_code, str(obj["record_id"]), "recipient"))

    def mch(self, org_code: str, day: date, record_type: str, row: dict) -> None:
        """One row of ``mch/<day>/<org_code>/<record_type>.csv``."""
        self._require(org_code, "mch")
        if record_type not in MCH_FIELDS:
            raise ValueError(f"unknown MCH record type {record_type!r}")
        fields = MCH_FIELDS[record_type]
        _check_columns(row, fields, f"mch.{record_type}")
        obj = self._complete(row, fields, org_code, day, "exported_at", _text)
        self._mch.setdefault(day, {}).setdefault(org_code, {}).setdefault(record_type, []).append(
            obj
        )
        for role in MCH_ROLES[record_type]:
            self._mentions.add(("mch", org_code, obj["record_id"], role))

    def checkup(self, org_code: str, day: date, row: dict) -> None:
        """One examinee visit; keys are the Chinese header names. 性别 codes 1/2 print as 男/女."""
        self._require(org_code, "checkup")
        _check_columns(row, CHECKUP_FIELDS, "checkup")
        obj = {c: _text(row.get(c)) for c in CHECKUP_FIELDS}
        obj["性别"] = _SEX_LABEL.get(obj["性别"], obj["性别"])
        if not obj["导出时间"]:
            obj["导出时间"] = _exported_at(day)
        if not obj["体检编号"]:
            raise ValueError("checkup: 体检编号 is required")
        self._checkup.setdefault(day, {}).setdefault(org_code, []).append(obj)
        self._mentions.add(("checkup", org_code, obj["体检编号"], "examinee"))

    def truth(self, source: str, org_code: str, record_id: str, role: str, person_id: str) -> None:
        """Who one person mention really is. Repeating a row is fine; contradicting it is not."""
        if source not in SYSTEMS:
            raise ValueError(f"unknown source {source!r}")
        key = (source, org_code, str(record_id), role)
        if self._truth.setdefault(key, person_id) != person_id:
            raise ValueError(f"{key} already belongs to {self._truth[key]}, not {person_id}")

    def extra_truth(self, name: str, rows: list[dict]) -> None:
        """Rows for ``truth/<name>.csv`` (e.g. cases, mother–child relations); appends."""
        if not name.isidentifier() or name == "record_person":
            raise ValueError(f"bad truth file name {name!r}")
        self._extra.setdefault(name, []).extend(dict(r) for r in rows)

    def mentions(self) -> set[tuple[str, str, str, str]]:
        """Every person mention written so far: (source, org_code, record_id, role)."""
        return set(self._mentions)

    @staticmethod
    def _complete(
        row: dict, fields: Sequence[str], org_code: str, day: date, stamp: str, conv: Any
    ) -> dict:
        if row.get("org_code", org_code) != org_code:
            raise ValueError(f"row org_code {row['org_code']} delivered by {org_code}")
        if row.get("record_id") in (None, ""):
            raise ValueError("record_id is required")
        obj = {f: conv(row.get(f)) for f in fields}
        obj["org_code"] = org_code
        if not obj[stamp]:
            obj[stamp] = _exported_at(day)
        return obj

    # --- writing --------------------------------------------------------------------------

    def close(self, *, require_truth: bool = False) -> Path:
        """Write everything and return the root. ``require_truth``: fail if a mention has no
        truth row (scenarios with complete truth should set it)."""
        missing = sorted(self._mentions - set(self._truth))
        if require_truth and missing:
            raise ValueError(f"{len(missing)} mentions without truth, e.g. {missing[:3]}")
        self.root.mkdir(parents=True, exist_ok=True)
        self._write_reference()
        for org_code in sorted(self.institutions):
            if "hospital" in self.institutions[org_code].systems:
                self._write_frontend(org_code)
        for day in self._delivery_days():
            self._write_vaccination(day)
            self._write_mch(day)
            self._write_checkup(day)
        self._write_truth()
        return self.root

    def _delivery_days(self) -> list[date]:
        if self.days is not None:
            extra = (set(self._vaccination) | set(self._mch) | set(self._checkup)) - set(self.days)
            if extra:
                raise ValueError(f"rows delivered on days outside days=: {sorted(extra)}")
            return list(self.days)
        seen = set(self._vaccination) | set(self._mch) | set(self._checkup) | self._hospital_days
        if not seen:
            return []
        first, last = min(seen), max(seen)
        return [first + timedelta(n) for n in range((last - first).days + 1)]

    def _orgs_with(self, system: str, delivered: Iterable[str]) -> list[str]:
        orgs = set(delivered)
        if self.fill_empty:
            orgs |= {o for o, i in self.institutions.items() if system in i.systems}
        return sorted(orgs)

    def _write_reference(self) -> None:
        ref = self.root / "reference"
        ref.mkdir(parents=True, exist_ok=True)
        inst_rows = [
            [i.org_code, i.org_name, i.district_code, i.org_type, _systems(i.systems)]
            for _, i in sorted(self.institutions.items())
        ]
        header = ["org_code", "org_name", "district_code", "org_type", "systems"]
        (ref / "institutions.csv").write_bytes(_csv_bytes(header, inst_rows, "utf-8"))
        pop_header = ["district_code", "district_name", "year", "resident_population"]
        pop_rows = [[_text(r[c]) for c in pop_header] for r in self.population]
        (ref / "population.csv").write_bytes(_csv_bytes(pop_header, pop_rows, "utf-8"))

    def _write_frontend(self, org_code: str) -> None:
        folder = self.root / "hospital" / org_code
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "frontend.sqlite"
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        tables = self._hospital.get(org_code, {})
        con = sqlite3.connect(path)
        try:
            for table, columns in HOSPITAL_TABLES.items():
                cols = ", ".join(
                    f"{c} {t}{' PRIMARY KEY' if n == 0 else ''}" for n, (c, t) in enumerate(columns)
                )
                con.execute(f"CREATE TABLE {table} ({cols})")
                rows = list(tables.get(table, {}).values())
                marks = ", ".join("?" for _ in columns)
                con.executemany(
                    f"INSERT INTO {table} VALUES ({marks})",
                    [tuple(r[c] for c, _ in columns) for r in rows],
                )
            cols = ", ".join(f"{c} {t}" for c, t in DELETED_ROWS)
            con.execute(f"CREATE TABLE deleted_rows ({cols})")
            con.executemany(
                "INSERT INTO deleted_rows VALUES (?, ?, ?)", self._deleted.get(org_code, [])
            )
            con.commit()
        finally:
            con.close()

    def _write_vaccination(self, day: date) -> None:
        by_org = self._vaccination.get(day, {})
        files = {}
        for org in self._orgs_with("vaccination", by_org):
            lines = [
                json.dumps(o, ensure_ascii=False, separators=(", ", ": "))
                for o in by_org.get(org, [])
            ]
            data = "".join(line + "\n" for line in lines).encode("utf-8")
            files[f"{org}.jsonl"] = (data, len(lines))
        self._write_folder(self.root / "vaccination" / day.isoformat(), day, files)

    def _write_mch(self, day: date) -> None:
        by_org = self._mch.get(day, {})
        for org in self._orgs_with("mch", by_org):
            by_type = by_org.get(org, {})
            files = {}
            types = MCH_FIELDS if self.fill_empty else sorted(by_type)
            for rt in types:
                rows = [[r[c] for c in MCH_FIELDS[rt]] for r in by_type.get(rt, [])]
                files[f"{rt}.csv"] = (_csv_bytes(MCH_FIELDS[rt], rows, "utf-8"), len(rows))
            self._write_folder(self.root / "mch" / day.isoformat() / org, day, files)

    def _write_checkup(self, day: date) -> None:
        by_org = self._checkup.get(day, {})
        files = {}
        for org in self._orgs_with("checkup", by_org):
            rows = [[r[c] for c in CHECKUP_FIELDS] for r in by_org.get(org, [])]
            files[f"{org}.csv"] = (_csv_bytes(CHECKUP_FIELDS, rows, "gbk"), len(rows))
        self._write_folder(self.root / "checkup" / day.isoformat(), day, files)

    @staticmethod
    def _write_folder(folder: Path, day: date, files: dict[str, tuple[bytes, int]]) -> None:
        if not files:
            return
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        for name in sorted(files):
            data, rows = files[name]
            (folder / name).write_bytes(data)
            entries.append({"name": name, "rows": rows, "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {"date": day.isoformat(), "files": entries}
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        (folder / "_manifest.json").write_bytes(text.encode("utf-8"))

    def _write_truth(self) -> None:
        folder = self.root / "truth"
        folder.mkdir(parents=True, exist_ok=True)
        rows = [[*key, pid] for key, pid in sorted(self._truth.items())]
        (folder / "record_person.csv").write_bytes(_csv_bytes(TRUTH_FIELDS, rows, "utf-8"))
        for name, extra in sorted(self._extra.items()):
            header: list[str] = []
            for r in extra:
                header += [k for k in r if k not in header]
            body = [[_text(r.get(c)) for c in header] for r in extra]
            (folder / f"{name}.csv").write_bytes(_csv_bytes(header, body, "utf-8"))


def _systems(systems: Iterable[str]) -> str:
    # In SOURCES.md's order whatever order the caller gave, so the same set prints the same.
    return ";".join(s for s in SYSTEMS if s in set(systems))


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    return buf.getvalue().encode(encoding)  # strict: GBK refuses what GBK cannot hold
