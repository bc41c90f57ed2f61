"""Record ids as the source systems hand them out: sequential in time, continuing a history.

The generator builds records household by household, so its working ids follow households.
Real systems number in order of registration and have years of numbers behind them; an id must
not give away which records belong together, so every id is reassigned here, per institution
and namespace, in time order from an institution-specific starting number. Checkup numbers are
the exam date plus a serial of that day, as checkup centres print them.
"""

from __future__ import annotations

import random
from collections import defaultdict

from bench.scenarios.families_damage import Damager
from bench.scenarios.families_model import Record, Scenario

EVENT_FIELD = {
    "maternal_registration": "registered_at",
    "prenatal_visit": "visit_date",
    "delivery": "delivery_time",
    "postpartum_visit": "visit_date",
    "child_checkup": "checkup_date",
    "dose": "vaccinated_at",
    "visit": "体检日期",
}
PRIMARY_KEY = {
    "patient": "patient_id",
    "encounter": "encounter_id",
    "diagnosis": "diagnosis_id",
    "prescription": "rx_id",
    "lab_result": "result_id",
    "visit": "体检编号",
}
REFERENCES = {
    "encounter": ("patient_id", "patient"),
    "diagnosis": ("encounter_id", "encounter"),
    "prescription": ("encounter_id", "encounter"),
    "lab_result": ("encounter_id", "encounter"),
}


def _namespace(r: Record) -> str:
    if r.source == "checkup":
        return "visit:" + str(r.row["体检日期"])
    return r.kind if r.source in ("hospital", "mch") else "dose"


def _sort_key(r: Record, index: int) -> tuple:
    if r.updated_at is not None:
        return (r.updated_at.isoformat(), index)
    return (str(r.row.get(EVENT_FIELD[r.kind], "")), r.day.isoformat(), index)


def _new_id(r: Record, n: int, base: int) -> str:
    if r.source == "hospital":
        letter = {
            "patient": "",
            "encounter": "E",
            "diagnosis": "D",
            "prescription": "R",
            "lab_result": "L",
        }[r.kind]
        return f"{letter}{base + n:010d}"
    if r.source == "checkup":
        return f"TJ{str(r.row['体检日期']).replace('-', '')[2:]}{base % 40 + n:04d}"
    prefix = r.record_id.rstrip("0123456789")
    return f"{prefix}{base + n:08d}" if r.source == "mch" else f"{prefix}{base + n:010d}"


def renumber(sc: Scenario, dmg: Damager, rng: random.Random) -> None:
    """Reassign every record id in place (rows, references, mentions' record ids, damage log)."""
    first: dict[tuple[str, str, str], tuple[tuple, int]] = {}
    for i, r in enumerate(sc.records):
        key = (r.source, r.org_code, r.record_id)
        if key not in first:  # a re-export keeps the id of its first export
            first[key] = (_sort_key(r, i), i)
    spaces: dict[tuple[str, str], list[tuple[tuple, int]]] = defaultdict(list)
    for sort_key, i in first.values():
        r = sc.records[i]
        spaces[(r.org_code, r.source + ":" + _namespace(r))].append((sort_key, i))
    mapping: dict[tuple[str, str, str], str] = {}
    for space in sorted(spaces):
        base = rng.randrange(10_000, 2_000_000)  # numbers issued before the window
        for n, (_, i) in enumerate(sorted(spaces[space]), 1):
            r = sc.records[i]
            mapping[(r.source, r.org_code, r.record_id)] = _new_id(r, n, base)
    for r in sc.records:
        new = mapping[(r.source, r.org_code, r.record_id)]
        r.row[PRIMARY_KEY.get(r.kind, "record_id")] = new
        ref = REFERENCES.get(r.kind)
        if ref is not None:
            column, _ = ref
            r.row[column] = mapping[("hospital", r.org_code, r.row[column])]
        r.record_id = new
    for row in dmg.log:
        row["record_id"] = mapping[(row["source"], row["org_code"], row["record_id"])]
