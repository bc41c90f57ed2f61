"""Mothers, newborns and twins night by night, on hand-made records over a small background city.

Each case is what Chinese MCH, vaccination and hospital systems really write for one family,
worked out by hand (the comment says what should happen and why):

- a hospital opens the newborn's record under the mother's whole identity; the encounter that
  says it is a baby's (产科, Z38 liveborn infant) arrives at discharge, two nights later;
- a newborn's delivery row (mother's ID), its vaccination record (father's ID, mother's phone,
  a placeholder name) and a hospital record (mother's phone) share no field two by two but
  name one mother: one child;
- twins of another mother with the same kinds of records: the unnamed records are never
  joined to a twin automatically;
- two records of one family's babies called 大宝 and 二宝 are two children.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from kernel import idno
from kernel.atomic import write_parquet
from kernel.layout import Layout
from matching import index, link_date
from matching.family import FAMILY_REASON
from pipelines.standardise.tables import conform_to
from schemas.contracts import contract
from simulator.bulk import small_city
from tests.matching.landing import care, land
from tests.matching.matching_pairs import mention

D1 = date(2024, 3, 1)
NIGHT = [D1 + timedelta(days=n) for n in range(4)]
BIRTH = date(2024, 2, 28)
# mother A (one baby) and her husband; mother B (twins)
MOTHER_A = {
    "id_no": idno.make("320505", date(1994, 6, 12), 42),
    "name": "王芳",
    "birth_date": date(1994, 6, 12),
    "phone": "13912340001",
    "sex_code": "2",
}
FATHER_A = idno.make("320505", date(1992, 1, 20), 31)
MOTHER_B = {"id_no": idno.make("320506", date(1991, 3, 3), 62), "name": "李娜",
            "birth_date": date(1991, 3, 3), "phone": "13912340002", "sex_code": "2"}  # fmt: skip


def _delivered(record_id: str, **fields: object) -> dict:
    """A mention row with its name as delivered (the landing standardises it, placeholders
    such as 李娜大宝 and the birth order they name included)."""
    return {**mention(record_id, **fields), "name": fields.get("name")}


def _mch(record_id: str, dataset: str, role: str, **fields: object) -> dict:
    return _delivered(record_id, source="mch", org_code="M01", dataset=f"mch.{dataset}",
                      role=role, **fields)  # fmt: skip


def _vaccine(record_id: str, **fields: object) -> dict:
    return _delivered(record_id, source="vaccination", org_code="V01",
                      dataset="vaccination.dose", role="recipient", **fields)  # fmt: skip


def _links(data: Path, day: date) -> pd.Series:
    table = pd.read_parquet(index.night_path(data, day, index.CROSSWALK))
    return table.set_index("mention_id")["resident_id"]


def _id(row: dict) -> str:
    return row["mention_id"]


A_REG = _mch("a-reg", "maternal_registration", "mother", **MOTHER_A)
# the hospital's record of the newborn, under the mother's whole identity
A_BABY_HOSPITAL = _delivered("a-baby", **MOTHER_A)
A_NEWBORN = _mch("a-dl", "delivery", "newborn", mother_id_no=MOTHER_A["id_no"], birth_date=BIRTH,
                 sex_code="1")  # fmt: skip
A_VACCINE = _vaccine("a-v1", name="王宝宝", mother_id_no=FATHER_A, phone=MOTHER_A["phone"],
                     birth_date=BIRTH, sex_code="0")  # fmt: skip
A_CLINIC = _delivered("a-h2", org_code="H02", name="王芳之子", phone=MOTHER_A["phone"],
                   birth_date=BIRTH, sex_code="1")  # fmt: skip
B_REG = _mch("b-reg", "maternal_registration", "mother", **MOTHER_B)
# another woman named 李娜 registered at the same institution
C_REG = _mch(
    "c-reg",
    "maternal_registration",
    "mother",
    name="李娜",
    sex_code="2",
    id_no=idno.make("320507", date(1996, 8, 8), 82),
    birth_date=date(1996, 8, 8),
)
# mother D: registered with her number; her delivery row at another institution names her
# without it; the baby's vaccination record carries her number
MOTHER_D = {"id_no": idno.make("320508", date(1995, 2, 2), 44), "name": "周敏",
            "birth_date": date(1995, 2, 2), "sex_code": "2"}  # fmt: skip
D_REG = _mch("d-reg", "maternal_registration", "mother", **MOTHER_D)
D_ROW = {"source": "mch", "org_code": "M02", "dataset": "mch.delivery"}
D_DELIVERY_MOTHER = _delivered("d-dl", role="mother", name="周敏", **D_ROW)
D_DELIVERY_BABY = _delivered("d-dl", role="newborn", mother_name="周敏", birth_date=BIRTH,
                             sex_code="1", **D_ROW)  # fmt: skip
D_VACCINE = _vaccine("d-v1", name="周宝宝", mother_id_no=MOTHER_D["id_no"], mother_name="周敏",
                     birth_date=BIRTH, sex_code="1")  # fmt: skip
# prenatal visits with the mother's name only (her number left out)
A_VISIT = _mch("a-pv", "prenatal_visit", "mother", name="王芳")
B_VISIT = _mch("b-pv", "prenatal_visit", "mother", name="李娜")
B_TWINS = [_mch(f"b-dl{n}", "delivery", "newborn", mother_id_no=MOTHER_B["id_no"], birth_date=BIRTH,
                sex_code="2") for n in (1, 2)]  # fmt: skip
B_VACCINE = _vaccine("b-v1", name="李宝宝", phone=MOTHER_B["phone"], birth_date=BIRTH,
                     sex_code="2", mother_id_no=MOTHER_B["id_no"])  # fmt: skip
B_ORDERS = [
    _vaccine(f"b-o{n}", name=f"李娜{word}宝", phone=MOTHER_B["phone"], birth_date=BIRTH,
             sex_code="2")
    for n, word in ((1, "大"), (2, "二"))
]  # fmt: skip


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("families")
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(data, NIGHT[0], A_REG, A_BABY_HOSPITAL, B_REG, C_REG, D_REG, background=background)
    link_date(data, NIGHT[0])
    land(data, NIGHT[1], A_NEWBORN, *B_TWINS, A_VISIT, B_VISIT, D_DELIVERY_MOTHER,
         D_DELIVERY_BABY)  # fmt: skip
    link_date(data, NIGHT[1])
    land(data, NIGHT[2], A_VACCINE, A_CLINIC, B_VACCINE, *B_ORDERS, D_VACCINE)
    care(data, NIGHT[2], _id(A_BABY_HOSPITAL), "产科(母婴同室)", "Z38.000")
    link_date(data, NIGHT[2])
    return data


def test_a_newborns_record_under_the_mothers_identity_leaves_her_when_its_care_arrives(
    lake: Path,
) -> None:
    # night 1: nothing tells the baby's record from the mother's: one resident (the honest
    # limit); night 3: its encounter says 产科 and Z38 — a baby's — so it is re-linked apart
    assert _links(lake, NIGHT[0])[_id(A_BABY_HOSPITAL)] == _links(lake, NIGHT[0])[_id(A_REG)]
    after = _links(lake, NIGHT[2])
    assert after[_id(A_BABY_HOSPITAL)] != after[_id(A_REG)]
    audit = pd.read_parquet(index.night_path(lake, NIGHT[2], index.AUDIT))
    moved = audit[audit["mention_id"] == _id(A_BABY_HOSPITAL)]
    assert "care shows a child's record" in set(moved["reason"])


def test_one_childs_records_are_joined_through_the_mother(lake: Path) -> None:
    # delivery row (mother's ID), vaccination (father's ID, mother's phone), a clinic record
    # (mother's phone): one mother, one baby that day, so one child. The hospital record under
    # her whole identity keeps no birth date or sex of its own (both hers): a child of hers,
    # but which one only a reviewer can say
    links = _links(lake, NIGHT[2])
    child = {links[_id(m)] for m in (A_NEWBORN, A_VACCINE, A_CLINIC)}
    assert len(child) == 1 and links[_id(A_REG)] not in child
    related = pd.read_parquet(index.night_path(lake, NIGHT[2], index.MOTHER_CHILD))
    pairs = set(zip(related["mother_resident_id"], related["child_resident_id"], strict=True))
    mother = links[_id(A_REG)]
    assert (mother, child.pop()) in pairs and (mother, links[_id(A_BABY_HOSPITAL)]) in pairs
    audit = pd.read_parquet(index.night_path(lake, NIGHT[2], index.AUDIT))
    assert FAMILY_REASON in set(audit["reason"])


def test_twins_are_never_joined_without_a_name_or_birth_order_to_tell_them(lake: Path) -> None:
    # two delivery rows: mother B had twins; an unnamed vaccination record could be either
    links = _links(lake, NIGHT[2])
    twins = [links[_id(m)] for m in B_TWINS]
    assert twins[0] != twins[1]
    assert links[_id(B_VACCINE)] not in twins


def test_big_and_second_baby_are_two_children(lake: Path) -> None:
    # 大宝 and 二宝: same phone, birth date and sex, two birth orders: never one resident
    links = _links(lake, NIGHT[2])
    assert links[_id(B_ORDERS[0])] != links[_id(B_ORDERS[1])]


def test_a_childs_golden_record_never_shows_the_mothers_id_number(lake: Path) -> None:
    links = _links(lake, NIGHT[2])
    golden = pd.read_parquet(index.night_path(lake, NIGHT[2], index.RESIDENT))
    child = golden.set_index("resident_id").loc[links[_id(A_BABY_HOSPITAL)]]
    assert child["id_no"] != MOTHER_A["id_no"] and child["birth_date"] != MOTHER_A["birth_date"]


def test_a_name_only_visit_joins_the_one_woman_of_that_name_in_the_institutions_care(
    lake: Path,
) -> None:
    # 王芳 is the only identified woman of that name in M01's maternal care: her visit; two
    # women named 李娜 are: the visit waits
    links = _links(lake, NIGHT[1])
    assert links[_id(A_VISIT)] == links[_id(A_REG)]
    assert links[_id(B_VISIT)] not in {links[_id(B_REG)], links[_id(C_REG)]}


def test_a_delivery_rows_unnamed_mother_is_the_one_her_babys_records_name(lake: Path) -> None:
    # night 2: the delivery row names 周敏 without her number: nothing ties it to her; night 3:
    # the baby's vaccination record carries her number, and the row's 周敏 is her
    assert _links(lake, NIGHT[1])[_id(D_DELIVERY_MOTHER)] != _links(lake, NIGHT[1])[_id(D_REG)]
    links = _links(lake, NIGHT[2])
    assert links[_id(D_DELIVERY_MOTHER)] == links[_id(D_REG)]
    assert links[_id(D_DELIVERY_BABY)] == links[_id(D_VACCINE)] != links[_id(D_REG)]


def test_twins_under_two_surnames_a_birth_date_a_day_apart_are_not_joined(
    tmp_path: Path,
) -> None:
    # twins registered one under the father's surname, one under the mother's (张诗雨, 顾诗涵):
    # same mother's number, phone and sex, and one birth date typed a day late. Nothing says
    # it is one child and the names say two: the pair waits for a reviewer
    mother = {"mother_id_no": idno.make("320509", date(1996, 4, 2), 48),
              "phone": "13582727956", "sex_code": "2"}  # fmt: skip
    first = _vaccine("e-v1", name="张诗雨", birth_date=BIRTH, **mother)
    second = _vaccine("e-v2", name="顾诗涵", birth_date=BIRTH + timedelta(days=1), **mother)
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], first, second, background=background)
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    assert links[_id(first)] != links[_id(second)]
    queue = pd.read_parquet(index.night_path(tmp_path, NIGHT[0], index.QUEUE))
    queued = set(zip(queue["mention_id_l"], queue["mention_id_r"], strict=True))
    assert tuple(sorted((_id(first), _id(second)))) in queued


def test_a_child_checkup_naming_the_mother_is_related_to_the_one_woman_of_that_name_in_care(
    tmp_path: Path,
) -> None:
    # the MCH institution that followed 陈静's pregnancy sees her baby at its checkups: the
    # checkup names the mother (母亲姓名) without her number. One woman of that name in the
    # institution's maternal care: she is the mother. Two women named 李娜 there: nobody is
    mother = _mch(
        "e-reg",
        "maternal_registration",
        "mother",
        name="陈静",
        sex_code="2",
        id_no=idno.make("320510", date(1993, 7, 22), 86),
        birth_date=date(1993, 7, 22),
    )
    baby = _mch(
        "e-ck",
        "child_checkup",
        "child",
        name="杨嘉文",
        mother_name="陈静",
        birth_date=BIRTH,
        sex_code="1",
    )
    other = _mch("f-ck", "child_checkup", "child", name="刘子涵", mother_name="李娜",
                 birth_date=BIRTH, sex_code="2")  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], mother, B_REG, C_REG, baby, other, background=background)
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    related = pd.read_parquet(index.night_path(tmp_path, NIGHT[0], index.MOTHER_CHILD))
    relation = related.set_index("child_resident_id")
    assert relation.loc[links[_id(baby)], "mother_resident_id"] == links[_id(mother)]
    assert "mother's name in her maternal care" in relation.loc[links[_id(baby)], "evidence"]
    assert links[_id(other)] not in set(related["child_resident_id"])


def test_a_name_only_delivery_a_day_from_hers_makes_her_name_ambiguous_in_care(
    tmp_path: Path,
) -> None:
    # 李蕾 (her number on every row) delivers at M01; the day before, M01 delivered another
    # 李蕾 whose rows carry the name only. One woman cannot give birth twice in two days: the
    # name-only delivery and postpartum visit are not hers, and wait for a reviewer
    lilei = {"name": "李蕾", "sex_code": "2", "id_no": idno.make("320583", date(1993, 5, 4), 92),
             "birth_date": date(1993, 5, 4)}  # fmt: skip
    reg = _mch("g-reg", "maternal_registration", "mother", **lilei)
    delivery = [_mch("g-dl", "delivery", "mother", **lilei),
                _mch("g-dl", "delivery", "newborn", mother_id_no=lilei["id_no"],
                     birth_date=BIRTH, sex_code="1")]  # fmt: skip
    other = [_mch("h-dl", "delivery", "mother", name="李蕾"),
             _mch("h-dl", "delivery", "newborn", mother_name="李蕾",
                  birth_date=BIRTH - timedelta(days=1), sex_code="2"),
             _mch("h-pp", "postpartum_visit", "mother", name="李蕾")]  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], reg, *delivery, *other, background=background)
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    assert links[_id(other[0])] != links[_id(reg)]
    assert links[_id(other[2])] != links[_id(reg)]
    assert links[_id(delivery[0])] == links[_id(reg)]


def _event_std(data: Path, day: date, rows: list[tuple[dict, dict]]) -> None:
    """The std records (std.prenatal_visit, std.immunization …) of mentions, each with its own
    fields, loaded on ``day``: one file per table, as a night writes it."""
    loaded = datetime(day.year, day.month, day.day, 23)
    tables: dict[str, list[dict]] = {}
    for row, fields in rows:
        table = {"vaccination.dose": "immunization"}.get(row["dataset"])
        tables.setdefault(table or row["dataset"].split(".", 1)[1], []).append(
            {
                "record_key": row["mention_id"].rsplit(":", 1)[0],
                "source": row["source"],
                "org_code": row["org_code"],
                "dataset": row["dataset"],
                "record_id": row["record_id"],
                "person_mention_id": row["mention_id"],
                "is_deleted": False,
                "source_file": "test",
                "load_id": "test",
                "loaded_at": loaded,
                "load_date": day,
                **fields,
            }
        )
    for name, records in tables.items():
        spec = contract(f"std.{name}")
        cols = {c: pa.array([r.get(c) for r in records]) for c in spec.column_names
                if c in records[0]}  # fmt: skip
        write_parquet(conform_to(cols, spec, len(records)), Layout(data).std(name, day))


def test_a_name_only_visit_of_another_pregnancy_is_not_hers(tmp_path: Path) -> None:
    # 陈婷 (her number on every row) was seen at 40 weeks on day 0, gave birth on day 10 and
    # came back on day 19, 9 days after it. Name-only rows of 陈婷 at the same institution:
    # - a postpartum visit on day 20, also 9 days after a birth: another birth, another woman;
    # - a prenatal visit on day 19 at 36 weeks: pregnant after her birth, another woman;
    # - a prenatal visit on day 1 at 40 weeks: her pregnancy, hers.
    chen = {"name": "陈婷", "sex_code": "2", "id_no": idno.make("320581", date(1999, 9, 6), 52),
            "birth_date": date(1999, 9, 6)}  # fmt: skip
    start = NIGHT[0] - timedelta(days=20)
    hers = [
        (_mch("k-pv", "prenatal_visit", "mother", **chen),
         {"visit_date": start, "gestational_weeks": 40}),
        (_mch("k-dl", "delivery", "mother", **chen),
         {"delivery_time": datetime(start.year, start.month, start.day, 2) + timedelta(days=10),
          "gestational_weeks": 41}),
        (_mch("k-pp", "postpartum_visit", "mother", **chen),
         {"visit_date": start + timedelta(days=19), "days_after_delivery": 9}),
    ]  # fmt: skip
    name_only = [
        (_mch("m-pp", "postpartum_visit", "mother", name="陈婷"),
         {"visit_date": start + timedelta(days=20), "days_after_delivery": 9}),
        (_mch("m-pv", "prenatal_visit", "mother", name="陈婷"),
         {"visit_date": start + timedelta(days=19), "gestational_weeks": 36}),
        (_mch("n-pv", "prenatal_visit", "mother", name="陈婷"),
         {"visit_date": start + timedelta(days=1), "gestational_weeks": 40}),
    ]  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], *(row for row, _ in hers + name_only), background=background)
    _event_std(tmp_path, NIGHT[0], [(row, fields) for row, fields in hers + name_only])
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    woman = links[_id(hers[0][0])]
    assert {links[_id(row)] for row, _ in hers} == {woman}
    assert links[_id(name_only[0][0])] != woman
    assert links[_id(name_only[1][0])] != woman
    assert links[_id(name_only[2][0])] == woman


@pytest.mark.parametrize("older_child", [False, True])
def test_a_second_baby_without_an_older_one_may_be_a_twin(
    tmp_path: Path, older_child: bool
) -> None:
    # 罗诗语 (no birth order) and 罗二宝 (the second baby), one mother's number, phone and sex,
    # born a day apart, one delivery row on record so far. Without an older child of hers on
    # record, 二宝 is the second of twins born either side of midnight: the records wait for a
    # reviewer. With a child of hers born three years before, 二宝 is that family's second
    # child and 罗诗语 is 二宝 named: one child.
    mother = {"mother_id_no": idno.make("430421", date(1993, 4, 14), 36),
              "phone": "18563276307", "sex_code": "2"}  # fmt: skip
    newborn = _mch("p-dl", "delivery", "newborn", mother_id_no=mother["mother_id_no"],
                   birth_date=BIRTH, sex_code="2")  # fmt: skip
    named = _vaccine("p-v1", name="罗诗语", birth_date=BIRTH, **mother)
    second = _vaccine("p-v2", name="罗二宝", birth_date=BIRTH + timedelta(days=1), **mother)
    rows = [newborn, named, second]
    if older_child:
        rows.append(_vaccine("p-v0", name="罗子轩", birth_date=date(2021, 3, 2),
                             **{**mother, "sex_code": "1"}))  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], *rows, background=background)
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    assert (links[_id(named)] == links[_id(second)]) is older_child


@pytest.mark.parametrize("case", ["twins", "one child", "dose entered twice", "dose voided"])
def test_one_vaccines_same_dose_twice_at_one_clinic_is_two_children(
    tmp_path: Path, case: str
) -> None:
    # 沈雨泽 and an unnamed baby (小沈, then 沈赟燕之子): one guardian's number (the father's),
    # one phone, one birth date and sex, one clinic; nothing in the identities tells them apart.
    # - twins: each gets 卡介苗 dose 1 on day 0, 25 minutes apart, and 乙肝 dose 1 a day apart.
    #   A child gets a dose once: the named records are one twin, the unnamed ones the other.
    # - one child: 小沈 gets 脊灰 dose 1, no dose twice: the placeholder, then the name.
    # - dose entered twice: 小沈's 卡介苗 is 沈雨泽's, entered again (the same instant): one child.
    # - dose voided: 小沈's 卡介苗 was voided (given in error): one child.
    family = {"mother_id_no": idno.make("411528", date(1986, 7, 2), 35), "phone": "15910051195",
              "birth_date": BIRTH, "sex_code": "1"}  # fmt: skip
    bcg, hepb = {"vaccine_code": "0101", "dose_no": 1}, {"vaccine_code": "0201", "dose_no": 1}
    at = datetime(BIRTH.year, BIRTH.month, BIRTH.day, 11)
    named = [(_vaccine("s-1", name="沈雨泽", **family), {**bcg, "vaccinated_at": at}),
             (_vaccine("s-2", name="沈雨泽", **family), {**hepb, "vaccinated_at": at})]  # fmt: skip
    first = {"one child": {"vaccine_code": "0311", "dose_no": 1}}.get(case, bcg)
    when = at if case == "dose entered twice" else at + timedelta(minutes=25)
    status = "voided" if case == "dose voided" else "active"
    unnamed = [(_vaccine("s-3", name="小沈", **family),
                {**first, "vaccinated_at": when, "status": status})]  # fmt: skip
    if case == "twins":
        unnamed.append((_vaccine("s-4", name="沈赟燕之子", **family),
                        {**hepb, "vaccinated_at": at + timedelta(days=1)}))  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], *(row for row, _ in named), background=background)
    _event_std(tmp_path, NIGHT[0], [(row, {**f, "status": "active"}) for row, f in named])
    link_date(tmp_path, NIGHT[0])
    land(tmp_path, NIGHT[1], *(row for row, _ in unnamed))
    _event_std(tmp_path, NIGHT[1], unnamed)
    link_date(tmp_path, NIGHT[1])
    links = _links(tmp_path, NIGHT[1])
    twin = {links[_id(row)] for row, _ in named}
    others = {links[_id(row)] for row, _ in unnamed}
    assert len(twin) == 1 and len(others) == 1
    assert (twin == others) is (case != "twins")


@pytest.mark.parametrize("case", ["twins", "entered twice", "six weeks apart"])
def test_two_child_checkups_at_one_clinic_on_one_day_are_two_children(
    tmp_path: Path, case: str
) -> None:
    # 王芷涵 vaccinated on night 0, then checked twice at one child health clinic: one mother's
    # number, one birth date and sex, one checkup with her own number.
    # - twins: checked on one day, each her own height and weight. A clinic checks a child once
    #   a day: twins given one name. The checkups are never one resident, although each is
    #   close to the vaccination record.
    # - entered twice: one day, the same measurements: one checkup typed in twice, one child.
    # - six weeks apart: the 42-day check of one child, who is one resident.
    mother = {"mother_id_no": idno.make("320581", date(1997, 12, 29), 48), "mother_name": "姚琴",
              "birth_date": BIRTH, "sex_code": "2", "name": "王芷涵"}  # fmt: skip
    vaccine = _vaccine("w-v1", **mother)
    own = _mch("w-c1", "child_checkup", "child", id_no=idno.make("320581", BIRTH, 14), **mother)
    other = _mch("w-c2", "child_checkup", "child", **mother)
    day = BIRTH + timedelta(days=30)
    measured = {"checkup_date": day, "height_cm": 52.2, "weight_kg": 4.2}
    second = {"twins": {"checkup_date": day, "height_cm": 50.5, "weight_kg": 3.4},
              "entered twice": measured,
              "six weeks apart": {"checkup_date": day + timedelta(days=42), "height_cm": 57.0,
                                  "weight_kg": 5.6}}[case]  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], vaccine, background=background)
    link_date(tmp_path, NIGHT[0])
    land(tmp_path, NIGHT[1], own, other)
    _event_std(tmp_path, NIGHT[1], [(own, measured), (other, second)])
    link_date(tmp_path, NIGHT[1])
    links = _links(tmp_path, NIGHT[1])
    assert (links[_id(own)] == links[_id(other)]) is (case != "twins")
    assert links[_id(vaccine)] in {links[_id(own)], links[_id(other)]}


@pytest.mark.parametrize("who", ["mother", "father", "grandmother"])
def test_a_babys_guardian_is_its_mother_only_if_she_could_be(tmp_path: Path, who: str) -> None:
    # 胡欣怡's vaccination record carries a guardian's number and phone, whose own hospital
    # record says 女. Her mother (born 1997) is related as her mother. Her father is not,
    # although a clerk typed 女 on his record: his valid number says 男. Nor her grandmother,
    # born 1968, 58 at the birth: a baby's records carry a grandmother's phone, not her child.
    born = {"mother": date(1997, 1, 18), "father": date(1997, 1, 18),
            "grandmother": date(1968, 8, 29)}[who]  # fmt: skip
    sequence = 31 if who == "father" else 32  # the sequence's last digit: odd 男, even 女
    guardian = _delivered("g-h1", name="胡杰", id_no=idno.make("320581", born, sequence),
                          birth_date=born, sex_code="2", phone="18574715087")  # fmt: skip
    baby = _vaccine("g-v1", name="胡欣怡", mother_id_no=guardian["id_no"],
                    phone=guardian["phone"], birth_date=BIRTH, sex_code="2")  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], guardian, baby, background=background)
    link_date(tmp_path, NIGHT[0])
    links = _links(tmp_path, NIGHT[0])
    related = pd.read_parquet(index.night_path(tmp_path, NIGHT[0], index.MOTHER_CHILD))
    pairs = set(zip(related["mother_resident_id"], related["child_resident_id"], strict=True))
    assert ((links[_id(guardian)], links[_id(baby)]) in pairs) is (who == "mother")


def test_a_fathers_record_typed_female_does_not_make_him_the_mother_of_two_babies(
    tmp_path: Path,
) -> None:
    # 胡杰's hospital record says 女 (mistyped; his valid number says 男). Twin girls born one
    # day: 小胡's vaccination record carries his number and another phone; 胡欣怡's a number
    # with a typo in it and his phone. Nothing but him ties the two babies' records; a father
    # is not a mother, so "one mother, one birth, one child" must not join them.
    born = date(1997, 1, 18)
    father = _delivered("h-f", name="胡杰", id_no=idno.make("320581", born, 313),
                        birth_date=born, sex_code="2", phone="18574715087")  # fmt: skip
    typo = father["id_no"][:6] + "16" + father["id_no"][8:]
    first = _vaccine("h-v1", name="小胡", mother_id_no=father["id_no"], phone="19514046708",
                     birth_date=BIRTH, sex_code="2")  # fmt: skip
    second = _vaccine("h-v2", name="胡欣怡", mother_id_no=typo, phone=father["phone"],
                      birth_date=BIRTH, sex_code="2")  # fmt: skip
    background = small_city(300, seed=5, start=D1, nights=1).mentions
    land(tmp_path, NIGHT[0], father, background=background)
    link_date(tmp_path, NIGHT[0])
    land(tmp_path, NIGHT[1], first, second)
    link_date(tmp_path, NIGHT[1])
    links = _links(tmp_path, NIGHT[1])
    assert links[_id(first)] != links[_id(second)]
