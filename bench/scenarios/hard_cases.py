"""A hand-built suite of worked hard cases for record linkage, delivered as one sources root.

Every group (``case_id``) is a handful of mentions whose correct grouping was decided from
domain knowledge and is explained twice: a comment next to the data in the ``hard_cases_*``
tables and the ``note`` column of ``truth/cases.csv``. Groups cannot interfere: no name, ID
number, birth date or phone is shared between two groups (:func:`check_isolated` enforces it),
so every merge across groups is an error and every split inside a group is one too, unless the
group's note says otherwise ("ambiguous: review expected" marks a record that truly cannot be
told apart; the truth still says who it really is).

Kinds: newborn_infant, mother_baby_apart, twins, namesakes (``hard_cases_newborns``,
``hard_cases_twins``), damaged_dates, damaged_ids, non_checksummed_ids (``hard_cases_damage``),
latin_names, chinese_names (``hard_cases_names``), different_valid_ids, legacy_reregistration,
cross_source (``hard_cases_links``).

The suite is an institution back-file: the records are delivered over three nights, events
before 2025-10 on 2026-03-01, the last quarter of 2025 on 2026-03-02, 2026 on 2026-03-03.
Every vaccination institution has doses on every night, because a zero-object JSON Lines file
carries no columns and the pipeline logs it as schema drift (SOURCES.md does not say what an
idle JSON Lines night looks like; the writer writes an empty file). Run all three::

    healtharchive run --sources ROOT --data DATA --date 2026-03-01 --through 2026-03-03

Output beyond the deliveries: ``truth/record_person.csv`` (every mention), ``truth/cases.csv``
(``case_id, kind, source, org_code, record_id, role, person_id, note``) and
``truth/mother_child.csv`` (``mother_person_id, child_person_id, twin_group``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path

from bench.scenarios.deliver import SourcesWriter, gb11643_check_char
from bench.scenarios.hard_cases_common import (
    DAYS,
    INSTITUTIONS,
    Case,
    delivery_day,
    normalise_id,
)
from bench.scenarios.hard_cases_damage import DAMAGED_DATES, DAMAGED_IDS, NON_CHECKSUMMED_IDS
from bench.scenarios.hard_cases_links import (
    CROSS_SOURCE,
    DIFFERENT_VALID_IDS,
    LEGACY_REREGISTRATION,
)
from bench.scenarios.hard_cases_names import CHINESE_NAMES, LATIN_NAMES
from bench.scenarios.hard_cases_newborns import MOTHER_BABY_APART, NEWBORN_INFANT
from bench.scenarios.hard_cases_render import (
    checkup_row,
    hospital_rows,
    identity,
    kin_identity,
    mch_row,
    mentions,
    record_id,
    vaccination_row,
)
from bench.scenarios.hard_cases_twins import NAMESAKES, TWINS

CASES: tuple[Case, ...] = (
    *NEWBORN_INFANT, *MOTHER_BABY_APART, *TWINS, *DAMAGED_DATES, *DAMAGED_IDS,
    *NON_CHECKSUMMED_IDS, *LATIN_NAMES, *CHINESE_NAMES, *NAMESAKES, *DIFFERENT_VALID_IDS,
    *LEGACY_REREGISTRATION, *CROSS_SOURCE,
)  # fmt: skip
CASE_FIELDS = ("case_id", "kind", "source", "org_code", "record_id", "role", "person_id", "note")


def person_id(case: Case, key: str) -> str:
    """The truth ``person_id`` of a case's person (unique across the suite)."""
    return f"{case.case_id}-{key}"


def _tokens(case: Case) -> set[tuple[str, str]]:
    """Every identity value the case delivers or knows, as (field, value)."""
    out: set[tuple[str, str]] = set()
    for p in case.persons.values():
        out |= {("name", p.name), ("id", normalise_id(p.id_no)), ("birth", p.birth)}
        out.add(("phone", p.phone))
    for rec in case.records:
        v, g = identity(case, rec), kin_identity(case, rec)
        out |= {("name", v["name"]), ("id", normalise_id(v["id_no"])), ("birth", v["birth"])}
        out |= {("phone", v["phone"]), ("name", g["g_name"]), ("id", normalise_id(g["g_id"]))}
        out |= {("phone", g["g_phone"]), ("name", str(rec.over.get("baby_name", "")))}
    return {t for t in out if t[1]}


def check_isolated(cases: tuple[Case, ...] = CASES) -> None:
    """Fail unless groups are independent and the persons' own IDs are what we say they are."""
    seen: dict[tuple[str, str], str] = {}
    ids = [c.case_id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate case_id")
    for case in cases:
        for token in sorted(_tokens(case)):
            other = seen.setdefault(token, case.case_id)
            if other != case.case_id:
                raise ValueError(f"{token} appears in both {other} and {case.case_id}")
        for key, p in case.persons.items():
            if p.id_type == "01":
                no = p.id_no
                ok = gb11643_check_char(no[:17]) == no[17] and no[6:14] == p.birth.replace("-", "")
                if not ok or int(no[16]) % 2 != (p.sex == "1"):
                    raise ValueError(f"{case.case_id}-{key}: {no} does not fit {p}")
        for rec in case.records:
            for _, key in mentions(rec):
                if key not in case.persons:
                    raise ValueError(f"{case.case_id}: unknown person {key!r}")
            delivery_day(rec)  # raises when an event lies after its delivery night


def summary(cases: tuple[Case, ...] = CASES) -> dict[str, tuple[int, int]]:
    """kind → (groups, mentions), in suite order."""
    out: dict[str, tuple[int, int]] = {}
    for case in cases:
        groups, n = out.get(case.kind, (0, 0))
        out[case.kind] = (groups + 1, n + sum(len(mentions(r)) for r in case.records))
    return out


def build_hard_cases(root: Path) -> Path:
    """Write the suite as a sources root at ``root`` and return it (byte-identical per run)."""
    check_isolated()
    out = SourcesWriter(Path(root), INSTITUTIONS, days=DAYS)
    # Serials follow event order per institution, as a system numbers what it registers.
    ordered = sorted(
        ((case, rec) for case in CASES for rec in case.records),
        key=lambda cr: (delivery_day(cr[1]), cr[1].at),
    )
    serial: Counter[tuple[str, str]] = Counter()
    case_rows, mother_child = [], []
    for case, rec in ordered:
        day = delivery_day(rec)
        serial[(rec.source, rec.org)] += 1
        n = serial[(rec.source, rec.org)]
        rid = record_id(rec, n)
        if rec.source == "hospital":
            stamp = datetime.combine(day, time(8, 0)) + timedelta(minutes=3 * n)
            for table, row in hospital_rows(case, rec, rid):
                out.hospital(rec.org, table, row, stamp)
        elif rec.source == "vaccination":
            out.vaccination(rec.org, day, vaccination_row(case, rec, rid))
        elif rec.source == "mch":
            out.mch(rec.org, day, rec.form, mch_row(case, rec, rid))
        else:
            out.checkup(rec.org, day, checkup_row(case, rec, rid))
        note = f"{case.note}; {rec.note}" if rec.note else case.note
        for role, key in mentions(rec):
            pid = person_id(case, key)
            out.truth(rec.source, rec.org, rid, role, pid)
            case_rows.append(dict(zip(CASE_FIELDS, (
                case.case_id, case.kind, rec.source, rec.org, rid, role, pid, note,
            ), strict=True)))  # fmt: skip
    for case in CASES:
        for mother, child, twin in case.families:
            mother_child.append({
                "mother_person_id": person_id(case, mother),
                "child_person_id": person_id(case, child),
                "twin_group": f"{case.case_id}-{twin}" if twin else "",
            })  # fmt: skip
    case_rows.sort(key=lambda r: (r["case_id"], r["source"], r["org_code"], r["record_id"]))
    out.extra_truth("cases", case_rows)
    out.extra_truth("mother_child", mother_child)
    return out.close(require_truth=True)
