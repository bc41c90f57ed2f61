"""A small synthetic city of standardised person mentions with known person ids.

Used to train the shipped model and by the tests until the city simulator
(``simulator``) exists. It produces rows of ``std.person_mention`` plus ``person_id``,
with the damage linkage must survive: mistyped or swapped ID digits, legacy numbers, missing
IDs, homophone names, swapped or mistyped birth dates, changed phones, newborns without ID
or name (sometimes recorded under the mother's ID), twins with consecutive ID sequences,
namesakes drawn from a small name pool, shared office phones and default birth dates.

Generation loops over persons in Python: it is a test fixture of a few thousand persons,
not a production path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa

from kernel import idno
from kernel.atomic import write_parquet
from kernel.layout import Layout

DISTRICTS = (
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320571",
    "320581",
    "320582",
    "320583",
    "320585",
)
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "胡")
# Given-name characters with homophones (same toneless pinyin) for name damage.
HOMOPHONES = {
    "伟": "维玮炜",
    "明": "铭鸣",
    "丽": "莉俐",
    "静": "晶菁",
    "婷": "亭庭",
    "杰": "洁捷",
    "军": "君钧",
    "华": "桦骅",
    "洋": "阳扬",
    "勇": "永涌",
    "艳": "燕雁",
    "涛": "韬滔",
    "斌": "彬滨",
    "浩": "昊皓",
    "宇": "雨羽",
    "欣": "鑫馨",
    "嘉": "佳家",
    "子": "梓紫",
    "涵": "寒晗",
    "轩": "萱宣",
    "睿": "瑞锐",
    "晨": "辰琛",
    "平": "萍苹",
    "红": "虹鸿",
    "建": "健剑",
    "峰": "锋枫",
    "辉": "晖徽",
    "敏": "旻闽",
    "玲": "铃龄",
    "英": "瑛莹",
}
GIVEN_CHARS = tuple(HOMOPHONES)
OFFICE_PHONE = "13800000000"
ADDRESS_DATASETS = ("hospital.patient", "mch.maternal_registration")  # deliver an address
HOSPITALS = ("H01", "H02", "H03", "H04")
CHECKUPS = ("C01", "C02")
MCHS = ("M01", "M02")
CLINICS = ("V01", "V02", "V03")


@dataclass
class Person:
    person_id: str
    name: str
    sex: str
    born: date
    district: str
    id_no: str | None
    phone: str
    home: int = 0  # house number on the district's one street: a household's address
    mother: Person | None = None
    children: list[Person] = field(default_factory=list)


@dataclass
class Damage:
    """Per-mention damage rates."""

    id_missing: float = 0.04
    id_typo: float = 0.02
    id_swap: float = 0.01
    id_check_typo: float = 0.005
    legacy15: float = 0.03
    homophone: float = 0.04
    name_missing: float = 0.01
    birth_swap: float = 0.01
    birth_typo: float = 0.015
    birth_placeholder: float = 0.005
    phone_changed: float = 0.10
    phone_missing: float = 0.05
    phone_office: float = 0.01
    sex_missing: float = 0.01
    moved: float = 0.08
    newborn_mother_id: float = 0.05


class _City:
    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng = rng
        self.start = start
        self.used_ids: set[str] = set()
        self.persons: list[Person] = []

    def name(self, surname: str | None = None) -> str:
        given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choices("0123456789", k=9))

    def id_for(self, district: str, born: date, sex: str, seq: int | None = None) -> str:
        while True:
            s = seq if seq is not None else self.rng.randrange(0, 500) * 2 + (sex == "1")
            candidate = idno.make(district, born, s % 1000)
            if candidate not in self.used_ids or seq is not None:
                self.used_ids.add(candidate)
                return candidate

    def person(
        self, sex: str, born: date, district: str, with_id: bool = True, surname: str | None = None
    ) -> Person:
        p = Person(
            f"P{len(self.persons):06d}",
            self.name(surname),
            sex,
            born,
            district,
            self.id_for(district, born, sex) if with_id else None,
            self.phone(),
            self.rng.randrange(1, 3000),
        )
        self.persons.append(p)
        return p

    def adult(self) -> Person:
        born = date(1945, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 58))
        return self.person(self.rng.choice("12"), born, self.rng.choice(DISTRICTS))

    def births(self, mother: Person) -> list[Person]:
        born = self.start - timedelta(days=self.rng.randrange(0, 365 * 3))
        n = 2 if self.rng.random() < 0.04 else 1
        surname = mother.name[0] if self.rng.random() < 0.3 else self.rng.choice(SURNAMES)
        first_seq = self.rng.randrange(0, 400) * 2
        kids = []
        for i in range(n):
            sex = self.rng.choice("12")
            kid = self.person(sex, born, mother.district, with_id=False, surname=surname)
            if n == 2 and i == 1 and self.rng.random() < 0.6:  # twins often share a character
                kid.name = kids[0].name[:-1] + self.rng.choice(GIVEN_CHARS)
            # twins get consecutive sequence numbers; parity follows sex
            kid.id_no = self.id_for(mother.district, born, sex, first_seq + 2 * i + (sex == "1"))
            kid.phone, kid.mother, kid.home = mother.phone, mother, mother.home
            mother.children.append(kid)
            kids.append(kid)
        return kids


def _damage_id(rng: random.Random, id_no: str, d: Damage) -> tuple[str | None, str]:
    r = rng.random()
    if r < d.id_missing:
        return None, "empty"
    r -= d.id_missing
    body = list(id_no[:17])
    if r < d.id_typo:
        i = rng.randrange(17)
        body[i] = rng.choice([c for c in "0123456789" if c != body[i]])
        return "".join(body) + id_no[17], "bad_checksum"
    r -= d.id_typo
    if r < d.id_swap:
        i = rng.randrange(16)
        if body[i] != body[i + 1]:
            body[i], body[i + 1] = body[i + 1], body[i]
            return "".join(body) + id_no[17], "bad_checksum"
        return id_no, "none"
    r -= d.id_swap
    if r < d.id_check_typo:
        return id_no[:17] + rng.choice([c for c in "0123456789X" if c != id_no[17]]), "bad_checksum"
    r -= d.id_check_typo
    if r < d.legacy15 and id_no[6:8] == "19":
        return id_no, "legacy15"  # standardisation converts 15 → 18 losslessly
    return id_no, "none"


def _damage_name(rng: random.Random, name: str, d: Damage) -> str | None:
    r = rng.random()
    if r < d.name_missing:
        return None
    if r < d.name_missing + d.homophone:
        i = rng.randrange(1, len(name))
        alts = HOMOPHONES.get(name[i])
        if alts:
            return name[:i] + rng.choice(alts) + name[i + 1 :]
    return name


def _damage_birth(rng: random.Random, born: date, d: Damage) -> date | None:
    r = rng.random()
    if r < d.birth_placeholder:
        return date(1900, 1, 1)
    r -= d.birth_placeholder
    if r < d.birth_swap and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    r -= d.birth_swap
    if r < d.birth_typo:
        return born + timedelta(days=rng.choice((-1, 1, 10, -10)))
    return born


class _Mentions:
    def __init__(self, rng: random.Random, damage: Damage, start: date) -> None:
        self.rng, self.d, self.start = rng, damage, start
        self.rows: list[dict] = []
        self.seq = 0

    def add(
        self,
        p: Person,
        source: str,
        org: str,
        dataset: str,
        role: str,
        with_id: bool = True,
        with_name: bool = True,
        with_phone: bool = True,
        record_id: str | None = None,
    ) -> None:
        rng, d = self.rng, self.d
        self.seq += 1
        record_id = record_id or f"{self.seq:07d}"
        id_no, damage = _damage_id(rng, p.id_no, d) if (with_id and p.id_no) else (None, "empty")
        if (
            role in ("newborn", "recipient", "child")
            and p.mother
            and rng.random() < (d.newborn_mother_id if id_no is None else 0)
        ):
            id_no, damage = p.mother.id_no, "none"
        name = _damage_name(rng, p.name, d) if with_name else None
        phone = None
        if with_phone and rng.random() >= d.phone_missing:
            r = rng.random()
            phone = (
                OFFICE_PHONE
                if r < d.phone_office
                else (
                    "1" + "".join(rng.choices("0123456789", k=10))
                    if r < d.phone_office + d.phone_changed
                    else p.phone
                )
            )
        district, home = p.district, p.home
        if rng.random() < d.moved:
            district, home = rng.choice(DISTRICTS), rng.randrange(1, 3000)
        if dataset not in ADDRESS_DATASETS:
            district = None
        day = self.start + timedelta(days=rng.randrange(0, 2))
        self.rows.append(
            {
                "mention_id": f"{source}:{org}:{dataset}:{record_id}:{role}",
                "source": source,
                "org_code": org,
                "dataset": dataset,
                "record_id": record_id,
                "role": role,
                "id_type": "01" if id_no else None,
                "id_no": id_no,
                "id_damage": damage,
                "name": name,
                "name_is_placeholder": with_name is False,
                "sex_code": None if rng.random() < d.sex_missing else p.sex,
                "birth_date": _damage_birth(rng, p.born, d),
                "phone": phone,
                "district_code": district,
                "address": _address(district, home) if district else None,
                "mother_id_no": p.mother.id_no if p.mother else None,
                "mother_name": p.mother.name if p.mother else None,
                "event_date": day,
                "load_date": day,
                "person_id": p.person_id,
            }
        )


def _address(district: str, home: int) -> str:
    """A household's address: one of 900 streets of the district, a house number."""
    street = GIVEN_CHARS[home % 30] + GIVEN_CHARS[home // 30 % 30]
    return f"{district}{street}路{home % 97 + 1}号"


def _adult_mentions(m: _Mentions, p: Person) -> None:
    rng = m.rng
    for org in rng.sample(HOSPITALS, rng.choice((0, 1, 1, 2))):
        m.add(p, "hospital", org, "hospital.patient", "patient")
    for _ in range(rng.choice((0, 0, 1, 2))):
        m.add(p, "checkup", rng.choice(CHECKUPS), "checkup.visit", "examinee")


def _mother_mentions(m: _Mentions, mother: Person, kids: list[Person]) -> None:
    rng = m.rng
    org = rng.choice(MCHS)
    m.add(mother, "mch", org, "mch.maternal_registration", "mother")
    for _ in range(rng.choice((1, 2, 3))):
        m.add(mother, "mch", org, "mch.prenatal_visit", "mother", with_phone=False)
    for kid in kids:
        m.add(mother, "mch", org, "mch.delivery", "mother", with_phone=False)
        # one delivery row names both mother and newborn
        m.add(
            kid,
            "mch",
            org,
            "mch.delivery",
            "newborn",
            with_id=False,
            with_name=False,
            with_phone=False,
            record_id=m.rows[-1]["record_id"],
        )
        for _ in range(rng.choice((0, 1, 2))):
            m.add(
                kid,
                "mch",
                org,
                "mch.child_checkup",
                "child",
                with_id=rng.random() < 0.5,
                with_phone=False,
            )
        clinic = rng.choice(CLINICS)
        for dose in range(rng.choice((1, 2, 3))):
            m.add(
                kid,
                "vaccination",
                clinic,
                "vaccination.dose",
                "recipient",
                with_id=rng.random() < 0.3,
                with_name=dose > 0 or rng.random() < 0.5,
            )


def synthetic_mentions(
    residents: int, seed: int = 0, start: date = date(2024, 3, 1), damage: Damage | None = None
) -> pd.DataFrame:
    """Person mentions of about ``residents`` persons, with ``person_id`` (the truth).

    ``load_date`` is ``start`` or the day after, so the frame can be landed as two nights.
    """
    rng = random.Random(seed)
    city = _City(rng, start)
    m = _Mentions(rng, damage or Damage(), start)
    while len(city.persons) < residents:
        adult = city.adult()
        _adult_mentions(m, adult)
        if adult.sex == "2" and 1985 <= adult.born.year <= 2000 and rng.random() < 0.5:
            _mother_mentions(m, adult, city.births(adult))
    return complete_mentions(pd.DataFrame(m.rows))


def complete_mentions(df: pd.DataFrame) -> pd.DataFrame:
    """Fill the derived and lineage contract columns the way standardisation does.

    Needs ``mention_id``, ``name``, ``id_no`` and ``load_date``; other identity columns may be
    missing (they stay null when landed).
    """
    from pypinyin import lazy_pinyin

    df = df.copy()
    if "id_damage" not in df:
        df["id_damage"] = df["id_no"].isna().map({True: "empty", False: "none"})
    if "name_is_placeholder" not in df:
        df["name_is_placeholder"] = False

    names = {n: " ".join(lazy_pinyin(n)) for n in df["name"].dropna().unique()}
    df["name_pinyin"] = df["name"].map(names)
    df["surname"] = df["name"].str[0]
    df["given_name"] = df["name"].str[1:]
    df["id_no_valid"] = df["id_no"].map(lambda x: idno.is_valid(x) if isinstance(x, str) else False)
    valid = df["id_no"].where(df["id_no_valid"])
    df["id_birth_date"] = valid.map(idno.birth_date, na_action="ignore")
    df["id_sex_code"] = valid.map(idno.sex_code, na_action="ignore")
    if "address" not in df:
        df["address"] = None
    df["arrived_at"] = pd.to_datetime(df["load_date"]).dt.tz_localize("Asia/Shanghai")
    df["is_deleted"] = False
    df["source_file"] = "synthetic"
    df["load_id"] = "synthetic-" + df["load_date"].astype(str)
    df["loaded_at"] = df["arrived_at"]
    return df.sort_values("mention_id", ignore_index=True)


def write_std(mentions: pd.DataFrame, data: Path) -> list[Path]:
    """Land the mentions in ``lake/std/person_mention`` as one partition per ``load_date``."""
    from schemas.contracts import contract

    schema = contract("std.person_mention").arrow_schema()
    paths = []
    for day, part in mentions.groupby("load_date"):
        frame = part.reindex(columns=schema.names)  # columns we do not simulate stay null
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        paths.append(write_parquet(table, Layout(data).std("person_mention", day)))
    return paths


def write_truth(mentions: pd.DataFrame, sources: Path) -> Path:
    """``truth/record_person.csv`` as the simulator writes it."""
    path = sources / "truth" / "record_person.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = ["source", "org_code", "record_id", "role", "person_id"]
    mentions[cols].to_csv(path, index=False)
    return path
