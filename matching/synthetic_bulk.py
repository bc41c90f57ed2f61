"""Millions of synthetic person mentions, vectorised, for the linkage benchmark.

``matching.synthetic`` loops over persons in Python (a test fixture of a few thousand);
this module draws a city of a million people and three million mentions with NumPy in
seconds, with the simulator's name tables (real surname frequencies, cohort names, the
homophones clerks type) so that namesakes and common birth dates are as frequent as in a
real city. Damage per mention: missing or mistyped ID numbers (one digit, two swapped),
homophone names, month/day swapped birth dates, missing or changed phones, unknown sex;
children often come without ID number or name, with their mother's number. Rows follow
``std.person_mention`` plus ``person_id`` (the truth).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kernel.idno import CHECK_CHARS, WEIGHTS
from matching import synthetic

DISTRICTS = np.array(synthetic.DISTRICTS)
EPOCH = date(1930, 1, 1)
CHILD_SHARE = 0.12
DAMAGE = {"id_missing": 0.03, "id_typo": 0.006, "id_swap": 0.004, "homophone": 0.01,
          "birth_swap": 0.006, "phone_missing": 0.12, "phone_changed": 0.05,
          "sex_unknown": 0.01, "child_no_id": 0.6, "child_no_name": 0.15}  # fmt: skip


def _names_table() -> dict:
    from simulator.config import load

    return load("names")


def _pick(rng: np.random.Generator, values: list[str], n: int, weights=None) -> np.ndarray:
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return np.asarray(values, dtype=object)[rng.choice(len(values), n, p=p)]


def _names(rng: np.random.Generator, sex: np.ndarray, n: int) -> np.ndarray:
    table = _names_table()
    surnames = _pick(rng, list(table["surnames"]), n, list(table["surnames"].values()))
    given = np.empty(n, dtype=object)
    for code, key in (("1", "male"), ("2", "female")):
        mine = sex == code
        chars = list(table["given_chars"][key])
        first = _pick(rng, chars, int(mine.sum()))
        second = _pick(rng, chars, int(mine.sum()))
        two = rng.random(int(mine.sum())) < 0.75
        given[mine] = np.where(two, first + second, first)
    return surnames + given


def _check_chars(body17: np.ndarray) -> np.ndarray:
    """GB 11643 check characters of many 17-digit strings at once."""
    digits = np.frombuffer("".join(body17).encode(), dtype=np.uint8).reshape(-1, 17) - 48
    total = digits.astype(np.int64) @ np.asarray(WEIGHTS, dtype=np.int64)
    return np.asarray(list(CHECK_CHARS), dtype=object)[total % 11]


def _persons(rng: np.random.Generator, n: int, start: date) -> pd.DataFrame:
    sex = np.where(rng.random(n) < 0.5, "1", "2").astype(object)
    child = rng.random(n) < CHILD_SHARE
    span = (start - EPOCH).days
    born_days = np.where(
        child, span - rng.integers(0, 365 * 6, n), rng.integers(0, span - 365 * 18, n)
    )
    born = pd.to_datetime(EPOCH) + pd.to_timedelta(born_days, unit="D")
    district = DISTRICTS[rng.integers(0, len(DISTRICTS), n)]
    seq = rng.integers(0, 500, n) * 2 + (sex == "1")
    body = (
        district
        + born.strftime("%Y%m%d").to_numpy(object)
        + pd.Series(seq).map("{:03d}".format).to_numpy(object)
    )
    frame = pd.DataFrame({
        "person_id": pd.Series(np.arange(n)).map("B{:08d}".format), "sex": sex,
        "born": born.date, "district": district, "id_no": body + _check_chars(body),
        "name": _names(rng, sex, n), "child": child,
        "phone": "1" + pd.Series(rng.integers(3e9, 9.9e9, n)).astype(str).to_numpy(object),
    })  # fmt: skip
    frame = frame.drop_duplicates("id_no", ignore_index=True)  # a rare clash: one of them goes
    women = np.flatnonzero((frame["sex"] == "2").to_numpy() & ~frame["child"].to_numpy())
    mother = np.where(frame["child"], women[rng.integers(0, len(women), len(frame))], -1)
    frame["mother_id_no"] = np.where(mother >= 0, frame["id_no"].to_numpy()[mother], None)
    return frame


def _damage(rng: np.random.Generator, m: pd.DataFrame, homophones: dict) -> pd.DataFrame:
    n, d = len(m), DAMAGE
    u = rng.random((n, 8))
    ids = m["id_no"].to_numpy(object).copy()
    pos = rng.integers(0, 16, n)
    typo, swap = (
        u[:, 1] < d["id_typo"],
        (u[:, 1] >= d["id_typo"]) & (u[:, 1] < d["id_typo"] + d["id_swap"]),
    )
    ids[typo] = [
        s[:p] + str((int(s[p]) + 1) % 10) + s[p + 1 :]
        for s, p in zip(ids[typo], pos[typo], strict=True)
    ]
    ids[swap] = [
        s[:p] + s[p + 1] + s[p] + s[p + 2 :] for s, p in zip(ids[swap], pos[swap], strict=True)
    ]
    child = m["child"].to_numpy(bool)
    ids[(u[:, 0] < d["id_missing"]) | (child & (u[:, 2] < d["child_no_id"]))] = None
    names = m["name"].to_numpy(object).copy()
    homo = np.flatnonzero(u[:, 3] < d["homophone"])
    names[homo] = [_homophone(s, homophones) for s in names[homo]]
    names[child & (u[:, 4] < d["child_no_name"])] = None
    born = pd.to_datetime(m["born"])
    swap_birth = (u[:, 5] < d["birth_swap"]) & (born.dt.day <= 12).to_numpy()
    small = born.dt.day.clip(upper=12)  # swapped only where the day can be a month
    swapped = pd.to_datetime(
        pd.DataFrame({"year": born.dt.year, "month": small, "day": born.dt.month})
    )
    phones = m["phone"].to_numpy(object).copy()
    changed = (u[:, 6] >= d["phone_missing"]) & (u[:, 6] < d["phone_missing"] + d["phone_changed"])
    phones[changed] = "1" + pd.Series(rng.integers(3e9, 9.9e9, int(changed.sum()))).astype(
        str
    ).to_numpy(object)
    phones[(u[:, 6] < d["phone_missing"]) | child] = None
    return m.assign(
        id_no=ids,
        name=names,
        phone=phones,
        birth_date=np.where(swap_birth, swapped, born).astype("datetime64[s]"),
        sex_code=np.where(u[:, 7] < d["sex_unknown"], "0", m["sex"]),
    )


def _homophone(name: str, table: dict) -> str:
    for i, char in enumerate(name[1:], start=1):
        if char in table:
            return name[:i] + table[char][0] + name[i + 1 :]
    return name


def bulk_mentions(
    persons: int, seed: int = 0, start: date = date(2024, 3, 1), per_person: float = 3.0
) -> pd.DataFrame:
    """About ``persons * per_person`` mentions of ``persons`` people, all loaded on ``start``."""
    rng = np.random.default_rng(seed)
    people = _persons(rng, persons, start)
    counts = 1 + rng.poisson(per_person - 1, len(people))
    m = people.loc[np.repeat(people.index.to_numpy(), counts)].reset_index(drop=True)
    m = _damage(rng, m, _names_table()["homophones"])
    child = m["child"].to_numpy(bool)
    m["source"] = np.where(
        child, "vaccination", np.where(rng.random(len(m)) < 0.8, "hospital", "checkup")
    )
    m["dataset"] = m["source"].map(
        {
            "vaccination": "vaccination.dose",
            "hospital": "hospital.patient",
            "checkup": "checkup.visit",
        }
    )
    m["role"] = m["source"].map(
        {"vaccination": "recipient", "hospital": "patient", "checkup": "examinee"}
    )
    m["org_code"] = m["district"] + "-" + pd.Series(rng.integers(1, 9, len(m))).astype(str)
    m["record_id"] = pd.Series(np.arange(len(m))).map("{:09d}".format)
    m["mention_id"] = (
        m["source"]
        + ":"
        + m["org_code"]
        + ":"
        + m["dataset"]
        + ":"
        + m["record_id"]
        + ":"
        + m["role"]
    )
    m["mother_id_no"] = np.where(child, m["mother_id_no"], None)
    m["event_date"] = start
    m["load_date"] = start
    m["birth_date"] = m["birth_date"].dt.date
    return _complete(m.drop(columns=["sex", "born", "district", "child"]))


def _complete(m: pd.DataFrame) -> pd.DataFrame:
    """The contract's derived columns, per distinct value (pinyin is the slow part)."""
    from kernel.idno import birth_date, is_valid, sex_code
    from pipelines.standardise.names import split_name, to_pinyin

    names = pd.Series(m["name"].dropna().unique())
    pinyin = dict(zip(names, names.map(to_pinyin), strict=True))
    parts = dict(zip(names, names.map(split_name), strict=True))
    m["name_pinyin"] = m["name"].map(pinyin)
    m["surname"] = m["name"].map(lambda x: parts[x][0] if isinstance(x, str) else None)
    m["given_name"] = m["name"].map(lambda x: parts[x][1] if isinstance(x, str) else None)
    ids = pd.Series(m["id_no"].dropna().unique())
    valid = dict(zip(ids, ids.map(is_valid), strict=True))
    m["id_no_valid"] = m["id_no"].map(valid).fillna(False).astype(bool)
    good = m["id_no"].where(m["id_no_valid"])
    m["id_birth_date"] = good.map(birth_date, na_action="ignore")
    m["id_sex_code"] = good.map(sex_code, na_action="ignore")
    m["id_type"] = np.where(m["id_no"].notna(), "01", None)
    m["id_damage"] = np.where(
        m["id_no"].isna(), "empty", np.where(m["id_no_valid"], "none", "bad_checksum")
    )
    m["name_is_placeholder"] = False
    m["address"] = None
    m["district_code"] = None
    m["arrived_at"] = pd.to_datetime(m["load_date"]).dt.tz_localize("Asia/Shanghai")
    m["is_deleted"] = False
    m["source_file"] = "synthetic_bulk"
    m["load_id"] = "synthetic-bulk"
    m["loaded_at"] = m["arrived_at"]
    return m.sort_values("mention_id", ignore_index=True)


def next_night(mentions: pd.DataFrame, n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` mentions for the following night: new records of people already in ``mentions``
    (copies with fresh record ids, damaged again lightly), loaded the day after."""
    rng = np.random.default_rng(seed)
    picked = mentions.iloc[rng.choice(len(mentions), n, replace=False)].copy()
    day = picked["load_date"].iloc[0] + timedelta(days=1)
    picked["record_id"] = pd.Series(np.arange(n)).map("N{:08d}".format).to_numpy()
    picked["mention_id"] = (
        picked["source"]
        + ":"
        + picked["org_code"]
        + ":"
        + picked["dataset"]
        + ":"
        + picked["record_id"]
        + ":"
        + picked["role"]
    )
    lose = rng.random(n) < 0.1  # a tenth come without the phone this time
    picked.loc[lose, "phone"] = None
    return picked.assign(
        load_date=day,
        event_date=day,
        arrived_at=pd.Timestamp(day, tz="Asia/Shanghai"),
        loaded_at=pd.Timestamp(day, tz="Asia/Shanghai"),
    )
