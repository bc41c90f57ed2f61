"""Families scenario: a city where births, infants and families are frequent.

``build_families(root)`` writes a sources root (SOURCES.md v1) through
:class:`bench.scenarios.deliver.SourcesWriter`, with ``truth/record_person.csv`` for every
mention, ``truth/mother_child.csv`` (mother_person_id, child_person_id, twin_group),
``truth/persons.csv`` (who everybody really is) and ``truth/damage.csv`` (every damaged mention
field and the kind of damage). It is written from domain knowledge of how Chinese MCH,
vaccination, hospital and checkup systems record families, never from the linkage code.

What is modelled, and why the rates are realistic
-------------------------------------------------
Households (families_people)
  * Every household has a woman of childbearing age; 88 % have a father who appears in records
    (the rest: separated, or working in another city — common among migrant families).
  * 25 % of households have a birth inside the window, 15 % a pregnancy still running at its end
    and 15 % a baby born in the 180 days before it: a deliberately birth-heavy city (Suzhou's
    crude birth rate is ~7 ‰), so a 60-day window carries hundreds of births.
  * 0–3 older children of mixed ages, skewed young as in a city of young families (0–1 y 20 %,
    1–3 y 25 %, 3–6 y 25 %, 6–16 y 30 %), spaced at least 18 months apart, mothers at least 21
    at each birth (mean maternal age at birth ~30, as in Suzhou).
  * Twins 3 % of births (China's rate rose to ~3 % with assisted reproduction), triplets 0.15 %
    (really ~0.05–0.1 %; raised so that a default city has a couple). Co-twins share address code
    and birth date and get consecutive ID sequences (the police station registers them together),
    and often share the first character of their given names (梓涵/梓萱).
  * Children take the father's surname; 10 % the mother's (25 % of second children, 二胎随母姓).
  * Grandparents (1–2, paternal 60 %) in 60 % of households with a child under 3 or a pregnancy
    (隔代抚养 is the norm for infants in Chinese cities), 25 % otherwise; 25 % of them have no
    phone of their own and give a relative's.
  * Half of the adults are migrants with ID address codes of their home counties (新苏州人);
    older Suzhou natives keep pre-2012 codes (平江/沧浪/金阊, 吴江市, 吴县市); 2 % of parents in
    昆山 and the Industrial Park hold Taiwan residence permits (type 01, address code 830000).
  * 10 % of mothers changed phone on marrying; 40 % of institutions still hold the old number.
  * Common Zipf-weighted given names per generation (建国/秀英, 伟/婷婷, 梓涵/一诺), so namesakes
    occur, as they do in any Chinese city.

Pregnancy and birth (families_mch)
  * 孕产妇建册 at 8–13 weeks (90 %; else 14–20) at the community centre (80 %) or directly at
    the delivering hospital; prenatal visits every 4 weeks to 28, every 2 to 36, then weekly
    (90 % attended), before week 16 at the registering institution, later at the delivery
    hospital, each also an outpatient encounter in its HIS.
  * ``delivery`` rows (one per baby): caesarean 40 % (85 % for multiples), baby_name filled only
    when the name existed at birth (~25 %), birth certificate number in 65 % of exports, baby_sex
    0 in 1 %. A hospital ``patient`` row for the mother at admission; for 65 % of babies a row of
    their own under the mother: 母亲名, 母亲名之女/之子, 母亲名婴, 母亲名大宝 for twins, 婴儿 —
    with the mother's ID (40 %, then half the time her birth date too) or none, sex 0 in 20 %.
  * 产后访视 3–7 days after discharge by the community centre, 产后42天健康检查 at the hospital
    (60 %) or community (90 % attendance each).
  * ``child_checkup`` at 1, 3, 6, 8, 12, 18, 24, 30, 36 months and 4, 5, 6 years (国家基本公卫),
    at the community centre (85 %) or district MCH institution; attendance 90/80/70 % by age;
    the child's own ID recorded by 55 % of clinics (once the hukou exists), the mother's ID 85 %;
    a nameless baby appears under the family's nickname (张宝宝 …).
  * First weeks in hospital: the jaundice recheck (新生儿黄疸复查) of 35 % of babies at 3–14
    days (children's hospital or birth hospital) and the 42-day infant check of 60 % at the birth
    hospital's 儿保科 — still under the mother's name (30 % with her ID) while nameless.

Vaccination (families_vacc)
  * The 2021 national schedule (HepB 0/1/6 m, BCG at birth, IPV 2/3 m, bOPV 4 m/4 y, DTaP
    3/4/5/18 m, DT 6 y, MMR 8/18 m, JE-L 8 m/2 y, MPSV-A 6/9 m, MPSV-AC 3/6 y, HepA-L 18 m)
    plus popular self-paid vaccines (PCV13 35 %, Hib 30 %, RV5 35 %, EV71 50 %, varicella 65 %).
    Birth doses within 24 h at the delivering hospital; later doses at the community clinic on
    its four vaccination weekdays, 70 % within a week of due date, 10 % one to three months late.
  * The archive opens at birth under a placeholder from a parent's surname (the father's 75 %):
    张宝宝, 张之子/之女, 母亲名之女, 小张, 宝宝, 婴儿, 大宝/二宝/三宝 for multiples, sex 0 in 15 %.
    Names are settled at birth for 30 % of babies, else within ~3–45 days; the clinic updates the
    archive at the first visit after that (75 %) or the next; the hukou (and ID) follows at
    ~2–16 weeks and the ID enters the archive at a visit after it (60 % per visit).
  * Guardian of the day: mother 78 %, father 12 %, grandparent 10 %; the guardian's ID in 65 %
    (mother) / 30 % / 10 % of archives; the guardian phone is the mother's for nearly every child
    of a family (one shared phone), sometimes her old number on older children's archives.
  * 2 % of doses are re-exported voided and 3 % corrected (batch number, current identity) on a
    later day with the same record_id, as the vaccination system does.
  * Adults at the same clinics: an HPV course for 7 % of women 18–45 and recombinant zoster for
    2 % of people 50+ (uptake of both grew fast after 2023), with their own name, ID and phone.

Ordinary care (families_care, families_hospital)
  * At least one outpatient visit in two months (1–4 visits): 65 % of people 65+, 45 % of 45–64,
    35 %/25 % of younger women/men, 55 % of children under 7 (spring respiratory season; under-5s
    see a doctor ~10 times a year), 25 % of older children; Suzhou has ~9 visits per person-year.
    At the community centre, the district's hospital, the university or the children's hospital
    (a different one on 30 % of return visits).
    One patient row per person and hospital, except 4 % duplicate rows on return visits
    (重复建档); 4 % of adults registered without an ID (emergencies, walk-ins).
  * Health checkups (GBK CSV): 12 % of working-age adults (employer checkups cluster in spring),
    25 % of people 65+ (free annual checkup), never for pregnant or postpartum women.
  * Deliveries go out the night of the event; 6 % of an institution's nights go a night late and
    2 % two nights late (the whole night's export, as when a clinic's upload job fails).
  * Record ids are reassigned at the end in time order per institution, from a history offset
    (families_renumber), so that no id betrays which records the generator made together.

Damage (families_damage.RATES; drawn once per keyed entry, i.e. an archive keeps its typo)
  * ID numbers: one mistyped digit 1.5 %, two adjacent digits swapped 1.0 % (the two commonest
    keying errors, the ones the MOD 11-2 check character is built to catch), full-width digits
    1.0 % (Chinese IME left in full-width mode), lowercase x in 25 % of IDs ending in X (~2.3 %
    of all; many keyboards and forms never force upper case), the legacy 15-digit number in 20 %
    of hospital/checkup entries of people born before 1966 (old HIS records predate the
    2004–2013 re-issue), the mother's ID in a child's own ID field 2 % (the child has none yet,
    or the clerk copies the guardian's card).
  * Names: homophone 2 % (names are typed from speech; incl. the Wu-dialect confusions 黄/王,
    陈/程, 周/邹), traditional characters 1 % (Hong Kong/Taiwan-style input, old code pages).
  * Birth dates: month/day swapped 1 % (of dates with day ≤ 12), one day off 1.5 % (births
    around midnight entered on the neighbouring day, hand-copied dates), the mother's birth
    date typed as the child's 1 % (the only date on the card the clerk holds).
  * Phones missing 4 % (optional field, skipped at a busy desk); child sex flipped 1 % in child
    checkups.
  These are plausible orders of magnitude for hand-keyed identity fields (a few per cent per
  field), chosen, not measured. They are per draw, so the share of mentions is similar but
  clustered, as in real archives.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from bench.scenarios.families_care import CareEvents
from bench.scenarios.families_damage import Damager
from bench.scenarios.families_hospital import Hospitals
from bench.scenarios.families_ids import DISTRICTS
from bench.scenarios.families_mch import MchEvents
from bench.scenarios.families_model import ORGS, Scenario
from bench.scenarios.families_people import build_people
from bench.scenarios.families_renumber import renumber
from bench.scenarios.families_vacc import Vaccinations

SOURCE_ORDER = {"hospital": 0, "mch": 1, "vaccination": 2, "checkup": 3}


def generate(
    families: int = 1500, days: int = 60, start: date = date(2026, 3, 1), seed: int = 11
) -> tuple[Scenario, Damager]:
    """The scenario in memory (people, records, truth) and the damage log."""
    rng = random.Random(seed)
    sc = Scenario(start, start + timedelta(days=days - 1))
    build_people(rng, sc, families)
    # damage has its own stream: changing a rate must not change who is born when
    dmg = Damager(random.Random(f"{seed}-damage"))
    hosp = Hospitals(rng, sc, dmg)
    mch, vacc, care = (
        MchEvents(rng, sc, dmg, hosp),
        Vaccinations(rng, sc, dmg),
        CareEvents(rng, sc, dmg, hosp),
    )
    for hh in sc.households:
        mch.household(hh)
        twins: dict[str, list] = {}
        for cid in hh.children:
            vacc.child(hh, sc.persons[cid], twins)
        for pid in [hh.mother, hh.father, *hh.grandparents]:
            if pid:
                vacc.adult(hh, sc.persons[pid], sc.persons[hh.mother].phone)
        care.household(hh)
    renumber(sc, dmg, random.Random(f"{seed}-ids"))
    return sc, dmg


def mother_child_rows(sc: Scenario) -> list[dict]:
    """Mother–child pairs of the child generation (grandparents' own children are left out:
    nothing in the sources relates an adult to her mother)."""
    return [
        {"mother_person_id": p.mother, "child_person_id": p.pid, "twin_group": p.twin_group}
        for p in sc.persons.values()
        if p.relation == "child"
    ]


def person_rows(sc: Scenario) -> list[dict]:
    return [
        {
            "person_id": p.pid,
            "household_id": p.household,
            "relation": p.relation,
            "name": p.name,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "id_no": p.id_no,
            "mother_person_id": p.mother,
            "twin_group": p.twin_group,
        }
        for p in sc.persons.values()
    ]


def write(sc: Scenario, dmg: Damager, root: Path) -> Path:
    """Hand every record to the writer, in delivery order."""
    from bench.scenarios.deliver import Institution, SourcesWriter

    institutions = [
        Institution(o.org_code, o.org_name, o.district_code, o.org_type, o.systems) for o in ORGS
    ]
    population = [
        {
            "district_code": c,
            "district_name": n,
            "year": sc.start.year - 1,
            "resident_population": pop,
        }
        for c, (n, pop) in DISTRICTS.items()
    ]
    span = [sc.start + timedelta(days=n) for n in range((sc.end - sc.start).days + 1)]
    out = SourcesWriter(root, institutions, population, days=span)
    order = sorted(
        range(len(sc.records)),
        key=lambda i: (
            sc.records[i].day,
            SOURCE_ORDER[sc.records[i].source],
            sc.records[i].org_code,
            i,
        ),
    )
    for i in order:
        r = sc.records[i]
        if r.source == "hospital":
            assert r.updated_at is not None
            out.hospital(r.org_code, r.kind, r.row, r.updated_at)
        elif r.source == "vaccination":
            out.vaccination(r.org_code, r.day, r.row)
        elif r.source == "mch":
            out.mch(r.org_code, r.day, r.kind, r.row)
        else:
            out.checkup(r.org_code, r.day, r.row)
        for role, pid in r.mentions:
            out.truth(r.source, r.org_code, r.record_id, role, pid)
    out.extra_truth("mother_child", mother_child_rows(sc))
    out.extra_truth("persons", person_rows(sc))
    out.extra_truth("damage", dmg.log)
    return out.close(require_truth=True)


def build_families(
    root: Path, families: int = 1500, days: int = 60, start: date = date(2026, 3, 1), seed: int = 11
) -> Path:
    """Generate the families scenario and write it as a sources root; returns ``root``."""
    sc, dmg = generate(families, days, start, seed)
    return write(sc, dmg, Path(root))


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.scenarios.families --out DIR``; without ``--out`` prints usage (so that a
    runner calling every bench module's ``main([])`` does not fail on a data builder)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.scenarios.families",
        description="Build the families scenario sources root.",
    )
    parser.add_argument("--out", type=Path, help="sources root to write")
    parser.add_argument("--families", type=int, default=1500)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 3, 1))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    if args.out is None:
        parser.print_usage()
        return 0
    root = build_families(args.out, args.families, args.days, args.start, args.seed)
    print(f"families scenario written to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
