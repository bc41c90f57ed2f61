"""Builds the holdout city: people, the four source systems, and ``truth/``.

Truth files (besides ``record_person.csv``, one row per person mention and role):

* ``persons.csv`` — every generated person with their canonical identity and ``mentions`` (how many
  person mentions they have; people seen only as guardians have 0).
* ``mother_child.csv`` — ``mother_person_id, child_person_id, twin_group`` for every child.
* ``damage.csv`` — ``source, org_code, record_id, role, field, kind`` for every damage applied,
  ``field`` being the delivered column (``*`` never used; record-level kinds name ``record_id``,
  ``patient_id`` or ``status``). Damage later corrected is still listed, followed by a
  ``correction_redelivered`` (file sources) or, in a hospital row whose final state fixed it,
  removed and replaced by ``amended_later``.
* ``kinds.csv`` — ``person_id, kind`` for mentioned persons of a hard kind. ``damaged_id`` and
  ``damaged_date`` come from damage on the person's own identity fields (not on guardian or
  mother fields of a child's record); ``namesake`` covers the planted same-name-same-birth-date
  and homophone pairs and any two mentioned people with the same canonical name.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bench.scenarios.deliver import SourcesWriter
from bench.scenarios.holdout import checkup, hospital_plan, mch, vaccination
from bench.scenarios.holdout.context import Ctx
from bench.scenarios.holdout.damage import Damager
from bench.scenarios.holdout.orgs import institutions, population
from bench.scenarios.holdout.people import City

KINDS = (
    "newborn_infant",
    "twin",
    "mother_with_baby_records",
    "damaged_id",
    "damaged_date",
    "non_checksummed_id",
    "latin_name",
    "namesake",
    "relative_id_used",
)
_NOT_ID_DAMAGE = {
    "id_missing",
    "id_mother_on_child",
    "id_legacy15",
    "relative_id_used",
    "correction_redelivered",
    "amended_later",
}


def build(root: Path, days: int, start: date, seed: int) -> tuple[Path, Ctx]:
    if days < 5:
        raise ValueError("the holdout city needs at least 5 nights")
    city = City(random.Random(f"holdout-people:{seed}"), start, days)
    city.build()
    orgs = institutions()
    window = [start + timedelta(n) for n in range(days)]
    writer = SourcesWriter(Path(root), orgs, population(), days=window)
    rng = random.Random(f"holdout-events:{seed}")
    ctx = Ctx(rng, writer, Damager(random.Random(f"holdout-damage:{seed}")), city, orgs)
    for source in (hospital_plan, vaccination, mch, checkup):
        ctx.rng = random.Random(f"holdout-{source.__name__.rsplit('.', 1)[1]}:{seed}")
        source.deliver(ctx)
    _truth(ctx)
    return writer.close(require_truth=True), ctx


def _truth(ctx: Ctx) -> None:
    w, city = ctx.writer, ctx.city
    truth = dict(w._truth)  # (source, org, record_id, role) → person_id
    counts = Counter(truth.values())
    damage, seen = [], set()
    for r in ctx.dmg.rows:
        k = tuple(r.values())
        if k not in seen:
            seen.add(k)
            damage.append(r)
    w.extra_truth("damage", damage)
    kinds: dict[str, set[str]] = {
        p.pid: set(p.kinds) - {"damaged_id", "damaged_date"} for p in city.persons
    }
    for r in damage:
        pid = truth[(r["source"], r["org_code"], r["record_id"], r["role"])]
        field, kind = r["field"], r["kind"]
        if field.startswith("guardian_") or (
            field.startswith("mother_") and r["role"] in ("child", "newborn")
        ):
            continue
        if kind.startswith(("id_", "passport_")) and kind not in _NOT_ID_DAMAGE:
            kinds[pid].add("damaged_id")
        elif kind.startswith("birth_") and kind not in ("birth_missing", "birth_mother_on_child"):
            kinds[pid].add("damaged_date")
        elif kind == "id_legacy15":
            kinds[pid].add("non_checksummed_id")
    by_name: dict[str, list[str]] = {}
    for p in city.persons:
        if counts[p.pid]:
            by_name.setdefault(p.name, []).append(p.pid)
    for pids in by_name.values():
        if len(pids) > 1:
            for pid in pids:
                kinds[pid].add("namesake")
    w.extra_truth(
        "kinds",
        [
            {"person_id": p.pid, "kind": k}
            for p in city.persons
            if counts[p.pid]
            for k in KINDS
            if k in kinds[p.pid]
        ],
    )
    w.extra_truth(
        "persons",
        [
            {
                "person_id": p.pid,
                "household_id": p.hid,
                "household_kind": city.by_hid[p.hid].kind,
                "role": p.role,
                "name": p.name,
                "sex": p.sex,
                "birth_date": p.birth.isoformat(),
                "birth_time": p.birth_dt.isoformat(timespec="minutes") if p.birth_dt else "",
                "id_type": p.id_type,
                "id_no": p.id_no,
                "alt_id_type": p.alt_doc[0] if p.alt_doc else "",
                "alt_id_no": p.alt_doc[1] if p.alt_doc else "",
                "id_from": p.id_from or "",
                "name_from": p.name_from or "",
                "phone": p.phone,
                "district_code": p.district,
                "mother_person_id": p.mother,
                "father_person_id": p.father,
                "twin_group": p.twin_group,
                "birth_order": p.birth_order or "",
                "mentions": counts[p.pid],
            }
            for p in city.persons
        ],
    )
    w.extra_truth(
        "mother_child",
        [
            {"mother_person_id": p.mother, "child_person_id": p.pid, "twin_group": p.twin_group}
            for p in city.persons
            if p.mother
        ],
    )


def summary(ctx: Ctx) -> dict:
    """Counts for the report: persons, mentions by source/role, damage kinds, twins, newborns."""
    truth = ctx.writer._truth
    mentioned = set(truth.values())
    persons = [p for p in ctx.city.persons if p.pid in mentioned]
    return {
        "persons": len(ctx.city.persons),
        "persons_mentioned": len(persons),
        "households": len(ctx.city.households),
        "mentions": len(truth),
        "mentions_by_source_role": dict(sorted(Counter(f"{k[0]}/{k[3]}" for k in truth).items())),
        "damage_kinds": dict(sorted(Counter(r["kind"] for r in ctx.dmg.rows).items())),
        "twin_sets": len({p.twin_group for p in persons if p.twin_group}),
        "twins": sum(1 for p in persons if p.twin_group),
        "newborns_in_window": sum(1 for p in persons if p.role == "newborn"),
        "infants_and_children": sum(1 for p in persons if p.role in ("infant", "child")),
    }
