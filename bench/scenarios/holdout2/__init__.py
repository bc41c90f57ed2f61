"""The second holdout city: an older, migrant-heavy, district-hospital city of 苏州, written from
domain knowledge alone (SOURCES.md, the contracts, and how Chinese HIS, 免疫规划, 妇幼 and 体检
systems really export), independently of the linkage model and of the first holdout city.

``build_holdout2(root, days=40, start=2026-07-01, seed=5)`` writes a sources root per SOURCES.md
(front-end SQLite per hospital, vaccination JSON Lines, MCH CSVs, GBK checkup CSVs, manifests,
reference data) and ``truth/``:

* ``record_person.csv`` — one row per person mention (a delivery row names mother and newborn);
* ``persons.csv`` — every person with a mention, or whose identity another person's record uses;
* ``mother_child.csv`` — ``mother_person_id, child_person_id, twin_group`` for every child with a
  record;
* ``damage.csv`` — ``source, org_code, record_id, role, field, kind``: every deliberate fault;
* ``kinds.csv`` — ``person_id, kind``: newborn_infant, twin, mother_with_baby_records, damaged_id,
  damaged_date, non_checksummed_id, latin_name, namesake, relative_id_used.

How the city is made: :mod:`.orgs` (institutions and their export habits), :mod:`.population` and
:mod:`.births` (people and families), :mod:`.desk` (how a desk writes an identity), :mod:`.his`,
:mod:`.nip`, :mod:`.mch`, :mod:`.tijian` (the four source systems), with every rate in
:mod:`.rates`. Deterministic: the same arguments give byte-identical files.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bench.scenarios.deliver import SourcesWriter
from bench.scenarios.holdout2 import births, his, mch, nip, population, tijian
from bench.scenarios.holdout2.ledger import DAMAGE_KINDS, Ledger
from bench.scenarios.holdout2.orgs import ORGS, population_rows

PERSON_KINDS = (
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

__all__ = ["DAMAGE_KINDS", "PERSON_KINDS", "build_holdout2"]


def build_holdout2(
    root: Path, days: int = 40, start: date = date(2026, 7, 1), seed: int = 5
) -> Path:
    """Write the city's sources root (and ``truth/``) under ``root``; returns ``root``."""
    if days < 1:
        raise ValueError("days must be at least 1")
    window = [start + timedelta(n) for n in range(days)]
    writer = SourcesWriter(
        Path(root), [o.institution() for o in ORGS.values()], population_rows(), days=window
    )
    ledger = Ledger(writer, start, days, seed)
    city = population.City()
    rng = ledger.rng("people")
    population.elderly(city, rng)
    population.adults(city, rng)
    population.minorities(city, rng)
    population.foreigners(city, rng)
    births.families(city, ledger)
    population.namesakes(city, rng)
    population.rare_names(city, rng)
    population.kin(city, rng)
    his.run(ledger, city)
    nip.run(ledger, city)
    mch.run(ledger, city)
    tijian.run(ledger, city)
    _truth(ledger, city)
    return writer.close(require_truth=True)


def _truth(ledger: Ledger, city: population.City) -> None:
    seen = ledger.mentions_of
    kids_with_records = [p for p in city.people if p.mother is not None and seen[p.pid]]
    keep = {p.pid for p in city.people if seen[p.pid]}
    for kid in kids_with_records:
        keep.update(x.pid for x in (kid.mother, kid.father))
    for p in city.people:
        if seen[p.pid] and p.adult_child is not None:
            keep.add(p.adult_child.pid)
    for p in city.people:
        if not seen[p.pid]:
            continue
        if p.twin_group:
            ledger.kind(p, "twin")
        if p.group == "newborn" or (p.mother is not None and (ledger.start - p.birth).days < 28):
            ledger.kind(p, "newborn_infant")
        if p.latin:
            ledger.kind(p, "latin_name")
            ledger.kind(p, "non_checksummed_id")
        if p.id_type == "01" and p.id_no and not _checksum_ok(p.id_no):
            ledger.kind(p, "non_checksummed_id")
    by_name = Counter((p.name, p.birth.year) for p in city.people if seen[p.pid])
    for p in city.people:
        if seen[p.pid] and by_name[(p.name, p.birth.year)] > 1:
            ledger.kind(p, "namesake")
    persons = [
        {
            "person_id": p.pid,
            "name": p.name,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "id_type": p.id_type,
            "id_no": p.id_no or "",
            "group": p.group,
            "origin": p.origin,
            "district_code": p.district,
            "mother_person_id": p.mother.pid if p.mother else "",
            "twin_group": p.twin_group,
            "mentions": seen[p.pid],
        }
        for p in city.people
        if p.pid in keep
    ]
    ledger.writer.extra_truth("persons", persons)
    pairs = [
        {"mother_person_id": k.mother.pid, "child_person_id": k.pid, "twin_group": k.twin_group}
        for k in kids_with_records
    ]
    ledger.writer.extra_truth("mother_child", pairs)
    damage = sorted({tuple(d.values()) for d in ledger.damage})
    header = ("source", "org_code", "record_id", "role", "field", "kind")
    ledger.writer.extra_truth("damage", [dict(zip(header, d, strict=True)) for d in damage])
    kinds = [
        {"person_id": pid, "kind": k}
        for pid in sorted(ledger.kinds)
        for k in sorted(ledger.kinds[pid])
        if pid in keep
    ]
    ledger.writer.extra_truth("kinds", kinds)


def _checksum_ok(number: str) -> bool:
    from bench.scenarios.deliver import gb11643_check_char

    return (
        len(number) == 18
        and number[:17].isdigit()
        and gb11643_check_char(number[:17]) == number[17]
    )
