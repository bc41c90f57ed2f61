"""truth/record_person.csv names every delivered person mention exactly once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kernel import idno
from simulator import SimulationSummary

KEY = ["source", "org_code", "record_id", "role"]
ROLES = {  # dataset → (record_id column, roles) per spec/SOURCES.md
    "hospital.patient": ("patient_id", ["patient"]),
    "vaccination.dose": ("record_id", ["recipient"]),
    "mch.maternal_registration": ("record_id", ["mother"]),
    "mch.prenatal_visit": ("record_id", ["mother"]),
    "mch.delivery": ("record_id", ["mother", "newborn"]),
    "mch.postpartum_visit": ("record_id", ["mother"]),
    "mch.child_checkup": ("record_id", ["child"]),
    "checkup.visit": ("exam_no", ["examinee"]),
}


def _mentions_in_files(delivered: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for dataset, (record_id, roles) in ROLES.items():
        frame = delivered.get(dataset)
        assert frame is not None and len(frame), f"the test city delivered no {dataset}"
        for role in roles:
            parts.append(
                pd.DataFrame(
                    {
                        "source": dataset.split(".")[0],
                        "org_code": frame["_org"],
                        "record_id": frame[record_id].astype(str),
                        "role": role,
                    }
                )
            )
    # a corrected or voided record delivered again is still one mention
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def test_truth_has_one_row_per_delivered_mention(
    small_city: tuple[Path, SimulationSummary], delivered: dict[str, pd.DataFrame]
) -> None:
    root, summary = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    assert list(truth.columns) == [*KEY, "person_id"]
    assert not truth.duplicated(KEY).any()
    files = _mentions_in_files(delivered)
    merged = truth[KEY].merge(files, on=KEY, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert len(truth) == summary.person_mentions


def test_redelivered_records_exist_and_stay_one_mention(
    small_city: tuple[Path, SimulationSummary], delivered: dict[str, pd.DataFrame]
) -> None:
    # corrections and voids re-export a record under its record_id on a later day: the files
    # hold more rows than records, and truth holds one mention per record and role, no more
    root, _ = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    for dataset in ("vaccination.dose", "mch.delivery", "mch.prenatal_visit"):
        record_id, roles = ROLES[dataset]
        frame = delivered[dataset]
        records = frame[["_org", record_id]].astype(str).drop_duplicates()
        keys = records.rename(columns={"_org": "org_code", record_id: "record_id"})
        named = truth[truth["source"].eq(dataset.split(".")[0]) & truth["role"].isin(roles)]
        mentions = named.merge(keys, on=["org_code", "record_id"])
        assert len(mentions) == len(records) * len(roles), dataset
    again = {n: int(f.duplicated(["_org", "record_id"]).sum()) for n, f in delivered.items()
             if n.startswith(("vaccination.", "mch."))}  # fmt: skip
    assert again["vaccination.dose"] > 0 and sum(again.values()) > again["vaccination.dose"]


def test_truth_points_at_real_people(small_city: tuple[Path, SimulationSummary]) -> None:
    root, _ = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    people = pd.read_csv(root / "truth" / "person.csv", dtype=str).set_index("person_id")
    assert truth["person_id"].isin(people.index).all()
    # a delivery's newborn is the mother's baby
    births = truth[truth["source"].eq("mch") & truth["role"].isin(["mother", "newborn"])]
    pairs = births.pivot_table(
        index=["org_code", "record_id"], columns="role", values="person_id", aggfunc="first"
    ).dropna()
    assert (
        len(pairs)
        and (people.loc[pairs["newborn"], "mother_person_id"].to_numpy() == pairs["mother"]).all()
    )


def test_a_hospital_registers_a_person_once_mostly(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    patients = truth[truth["role"] == "patient"]
    per_person = patients.groupby(["org_code", "person_id"])["record_id"].nunique()
    assert per_person.mean() < 1.05


def test_persons_have_valid_unique_id_numbers_matching_sex_and_birth(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    people = pd.read_csv(root / "truth" / "person.csv", dtype=str)
    residents = people[people["id_type"] == "01"]
    assert people["id_no"].is_unique
    assert residents["id_no"].map(idno.is_valid).all()
    assert (residents["id_no"].map(idno.sex_code) == residents["sex_code"]).all()
    assert (
        residents["id_no"].map(lambda n: idno.birth_date(n).isoformat()) == residents["birth_date"]
    ).all()
    passports = people[people["id_type"] == "03"]
    assert (passports["origin"] == "foreigner").all() and len(passports)
