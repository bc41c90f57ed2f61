"""The families scenario: deterministic, complete truth, twins, placeholders, valid IDs, damage.

The delivered files are read back here from SOURCES.md alone (not through the writer), so these
tests check what a pipeline would actually receive.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from bench.scenarios.families import build_families, generate
from bench.scenarios.families_damage import RATES

SMALL = {"families": 300, "days": 60, "start": date(2026, 3, 1), "seed": 5}
MCH_ROLES = {
    "maternal_registration": ("mother",),
    "prenatal_visit": ("mother",),
    "delivery": ("mother", "newborn"),
    "postpartum_visit": ("mother",),
    "child_checkup": ("child",),
}
PLACEHOLDER = re.compile(r"宝宝|之子|之女|大宝|二宝|三宝|婴|^小.$")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def checksum_ok(id_no: str) -> bool:
    """GB 11643 / ISO 7064 MOD 11-2, written out again here on purpose."""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", id_no):
        return False
    total = sum(int(c) * w for c, w in zip(id_no[:17], WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == id_no[17]


def _csv(path: Path, encoding: str = "utf-8") -> list[dict]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_families(tmp_path_factory.mktemp("families") / "sources", **SMALL)


@pytest.fixture(scope="module")
def delivered(city: Path) -> dict:
    """Every delivered row, per source, with what it mentions: {(source, org, id, role): row}."""
    mentions: dict[tuple[str, str, str, str], dict] = {}
    doses: list[dict] = []
    id_values: list[tuple[tuple[str, str, str, str], str]] = []
    for path in sorted(city.glob("vaccination/*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            doses.append(row)
            mentions[("vaccination", row["org_code"], row["record_id"], "recipient")] = row
            for f in ("recipient_id_no", "guardian_id_no"):
                id_values.append((("vaccination", row["org_code"], row["record_id"], f), row[f]))
    for path in sorted(city.glob("mch/*/*/*.csv")):
        kind = path.stem
        for row in _csv(path):
            for role in MCH_ROLES[kind]:
                mentions[("mch", row["org_code"], row["record_id"], role)] = row
            for f in ("mother_id_no", "child_id_no"):
                if f in row:
                    id_values.append((("mch", row["org_code"], row["record_id"], f), row[f]))
    for path in sorted(city.glob("checkup/*/*.csv")):
        for row in _csv(path, "gbk"):
            mentions[("checkup", path.stem, row["体检编号"], "examinee")] = row
            id_values.append((("checkup", path.stem, row["体检编号"], "证件号码"), row["证件号码"]))
    for path in sorted(city.glob("hospital/*/frontend.sqlite")):
        org = path.parent.name
        con = sqlite3.connect(path)
        con.row_factory = sqlite3.Row
        for r in con.execute("SELECT * FROM patient"):
            row = dict(r)
            mentions[("hospital", org, row["patient_id"], "patient")] = row
            id_values.append((("hospital", org, row["patient_id"], "id_no"), row["id_no"] or ""))
        con.close()
    return {"mentions": mentions, "doses": doses, "id_values": id_values}


@pytest.fixture(scope="module")
def truth(city: Path) -> dict:
    persons = {r["person_id"]: r for r in _csv(city / "truth" / "persons.csv")}
    rp = {
        (r["source"], r["org_code"], r["record_id"], r["role"]): r["person_id"]
        for r in _csv(city / "truth" / "record_person.csv")
    }
    return {
        "persons": persons,
        "record_person": rp,
        "mother_child": _csv(city / "truth" / "mother_child.csv"),
        "damage": _csv(city / "truth" / "damage.csv"),
    }


def test_two_builds_with_the_same_seed_are_byte_identical(tmp_path: Path) -> None:
    small = {"families": 40, "days": 15, "seed": 3}
    a = build_families(tmp_path / "a", **small)
    b = build_families(tmp_path / "b", **small)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    c = build_families(tmp_path / "c", **{**small, "seed": 4})
    assert (c / "truth/record_person.csv").read_bytes() != (
        a / "truth/record_person.csv"
    ).read_bytes()


def test_truth_covers_every_mention_and_nothing_else(delivered: dict, truth: dict) -> None:
    assert set(delivered["mentions"]) == set(truth["record_person"])
    assert all(pid in truth["persons"] for pid in truth["record_person"].values())
    roles = {k[3] for k in truth["record_person"]}
    assert roles == {"patient", "recipient", "mother", "newborn", "child", "examinee"}


def test_every_delivery_is_inside_the_window(city: Path) -> None:
    start, days = SMALL["start"], SMALL["days"]
    delivered_days = {
        date.fromisoformat(p.name)
        for s in ("vaccination", "mch", "checkup")
        for p in (city / s).iterdir()
    }
    assert min(delivered_days) >= start
    assert (max(delivered_days) - start).days < days


def test_twins_share_mother_birth_date_and_id_address(truth: dict) -> None:
    persons = truth["persons"]
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in truth["mother_child"]:
        assert persons[row["mother_person_id"]]["relation"] == "mother"
        assert persons[row["child_person_id"]]["mother_person_id"] == row["mother_person_id"]
        if row["twin_group"]:
            groups[row["twin_group"]].append(row)
    assert groups, "a city this size has twins"
    for rows in groups.values():
        assert len(rows) >= 2
        assert len({r["mother_person_id"] for r in rows}) == 1
        kids = [persons[r["child_person_id"]] for r in rows]
        assert len({k["birth_date"] for k in kids}) == 1
        assert len({k["id_no"][:14] for k in kids}) == 1  # address code + birth date
        seqs = sorted(int(k["id_no"][14:17]) for k in kids)
        assert seqs[-1] - seqs[0] <= 2 * len(kids)


def test_placeholder_vaccination_records_are_later_followed_by_real_names(
    delivered: dict, truth: dict
) -> None:
    persons, rp = truth["persons"], truth["record_person"]
    first_export: dict[tuple[str, str], dict] = {}
    for row in delivered["doses"]:
        key = (row["org_code"], row["record_id"])
        if key not in first_export or row["exported_at"] < first_export[key]["exported_at"]:
            first_export[key] = row
    by_person: dict[str, list[dict]] = defaultdict(list)
    for (org, rid), row in first_export.items():
        by_person[rp[("vaccination", org, rid, "recipient")]].append(row)
    with_placeholder = revisited = followed = id_after = 0
    for pid, rows in by_person.items():
        rows.sort(key=lambda r: r["vaccinated_at"])
        person = persons[pid]
        mother_id = (
            persons[person["mother_person_id"]]["id_no"] if person["mother_person_id"] else ""
        )

        def stage(r: dict, mother_id: str = mother_id) -> int:
            if PLACEHOLDER.search(r["recipient_name"]):
                return 0
            return 2 if r["recipient_id_no"] and r["recipient_id_no"] != mother_id else 1

        stages = [stage(r) for r in rows]
        # placeholder, then the real name, then the ID: never backwards
        assert stages == sorted(stages), (pid, [r["recipient_name"] for r in rows])
        id_after += stages[0] < 2 and stages[-1] == 2  # the ID arrived during the window
        if stages[0] != 0:
            continue
        with_placeholder += 1
        assert person["relation"] == "child"
        assert not rows[0]["recipient_id_no"] or rows[0]["recipient_id_no"] == mother_id
        # judged on babies seen again on a later day inside the window (a month later, mostly)
        again = [
            s
            for r, s in zip(rows, stages, strict=True)
            if r["vaccinated_at"][:10] > rows[0]["vaccinated_at"][:10]
        ]
        if again:
            revisited += 1
            followed += any(s >= 1 for s in again)
        later = [r for r, s in zip(rows, stages, strict=True) if s >= 1]
        named = {r["recipient_name"] for r in later}
        damaged = any(
            d["kind"].startswith("name_")
            for d in truth["damage"]
            if d["source"] == "vaccination"
            and d["field"] == "recipient_name"
            and rp[("vaccination", d["org_code"], d["record_id"], "recipient")] == pid
        )
        assert not named or person["name"] in named or damaged, (pid, named)
    assert with_placeholder >= 30
    assert revisited >= 10 and followed >= 0.45 * revisited, (revisited, followed)
    assert id_after >= 5, id_after


def test_valid_ids_pass_an_independent_checksum(delivered: dict, truth: dict) -> None:
    for p in truth["persons"].values():
        assert checksum_ok(p["id_no"]), p
        assert p["id_no"][6:14] == p["birth_date"].replace("-", "")
        assert int(p["id_no"][16]) % 2 == (1 if p["sex"] == "1" else 0)
    true_ids = {p["id_no"] for p in truth["persons"].values()}
    broken = {
        k
        for k, v in delivered["id_values"]
        if re.fullmatch(r"[0-9]{17}[0-9X]", v) and not checksum_ok(v)
    }
    assert all(v in true_ids for k, v in delivered["id_values"] if checksum_ok(v))
    # every delivered number failing the checksum is a logged typo or swap, and vice versa
    logged = {
        (d["source"], d["org_code"], d["record_id"], d["field"])
        for d in truth["damage"]
        if d["kind"] in ("id_digit_typo", "id_adjacent_swap")
    }
    fullwidth = {
        (d["source"], d["org_code"], d["record_id"], d["field"])
        for d in truth["damage"]
        if d["kind"] == "id_fullwidth"
    }
    assert broken == logged - fullwidth - {
        (d["source"], d["org_code"], d["record_id"], d["field"])
        for d in truth["damage"]
        if d["kind"] == "id_lowercase_x"
    }


def test_damage_rates_match_the_documented_rates(truth: dict) -> None:
    _, dmg = generate(**SMALL)
    for kind, p in RATES.items():
        n = dmg.eligible[kind]
        assert n >= 30, kind
        observed = dmg.applied[kind] / n
        assert abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n) + 0.002, (kind, observed, p)
    assert {d["kind"] for d in truth["damage"]} == {k for k in RATES if dmg.applied[k]}
