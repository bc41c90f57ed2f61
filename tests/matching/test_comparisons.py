"""Tiny record pairs whose comparison levels are worked out by hand (one Splink run)."""

from __future__ import annotations

from datetime import date

import pytest

from kernel import idno
from tests.matching.matching_pairs import levels_of, mention

ID = "11010519491231002X"  # valid (STANDARDS.md example): address 110105, born 1949-12-31, seq 002
MOTHER = idno.make("320505", date(1992, 6, 1), 22)
FATHER = idno.make("320505", date(1990, 3, 3), 11)
AUNT = idno.make("320505", date(1994, 8, 9), 42)
SWAP = idno.make("320922", date(1995, 7, 5), 406)
GRANDMOTHER = idno.make("320505", date(1966, 4, 5), 62)
BORN = date(2024, 2, 1)
NEWBORN = {
    "source": "mch",
    "org_code": "M01",
    "dataset": "mch.delivery",
    "role": "newborn",
    "mother_id_no": MOTHER,
    "birth_date": BORN,
}
CHILD = {
    "source": "mch",
    "dataset": "mch.child_checkup",
    "role": "child",
    "mother_id_no": MOTHER,
    "birth_date": BORN,
}

# (field, left mention, right mention, expected level of that field)
CASES = [
    # --- ID number -----------------------------------------------------------------------
    ("id_no", {"id_no": ID}, {"id_no": ID}, "exact"),
    # the legacy 15-digit form converts to the same 18 characters
    ("id_no", {"id_no": ID}, {"id_no": "110105491231002"}, "exact"),
    # sequence digit 2 → 3 mistyped, check character X copied: invalid, one char apart
    ("id_no", {"id_no": ID}, {"id_no": "11010519491231003X"}, "one character mistyped"),
    # digits "31" at positions 12-13 swapped, check copied: Hamming 2, Damerau 1
    ("id_no", {"id_no": ID}, {"id_no": "11010519491213002X"}, "one character mistyped"),
    # only the check character mistyped: the 17-digit bodies agree
    ("id_no", {"id_no": ID}, {"id_no": "110105194912310021"}, "one character mistyped"),
    # a twin: same address and birth, sequence 004 with its own valid check character
    (
        "id_no",
        {"id_no": ID},
        {"id_no": idno.make("110105", date(1949, 12, 31), 4)},
        "same address and birth, other sequence",
    ),
    # the birth part's month and day swapped (19950705 written 19950507), check copied
    (
        "id_no",
        {"id_no": SWAP},
        {"id_no": SWAP[:10] + SWAP[12:14] + SWAP[10:12] + SWAP[14:]},
        "month and day swapped in the birth part",
    ),
    # two VALID numbers one sequence digit apart are two people, never a typo
    (
        "id_no",
        {"id_no": idno.make("320505", date(2020, 5, 1), 2)},
        {"id_no": idno.make("320505", date(2020, 5, 1), 3)},
        "same address and birth, other sequence",
    ),
    # two different checksum-valid resident numbers: two people (pinned, a cannot-link)
    (
        "id_no",
        {"id_no": ID},
        {"id_no": idno.make("320505", date(1980, 1, 2), 11)},
        "two valid resident numbers",
    ),
    # address code typed wrong in two digits (check copied, so invalid): birth 19491231 and
    # the female sequence parity still agree
    ("id_no", {"id_no": ID}, {"id_no": "32010519491231002X"}, "birth date and sex parts agree"),
    # two VALID numbers with the same birth and sex parts are namesakes, never that level
    (
        "id_no",
        {"id_no": ID},
        {"id_no": idno.make("320505", date(1949, 12, 31), 22)},
        "two valid resident numbers",
    ),
    # a valid number against a damaged one that shares nothing: only "else"
    ("id_no", {"id_no": ID}, {"id_no": "3205051980010201X9"}, "All other comparisons"),
    # passports (no check character): one or two characters apart is a typo signal, and
    # across kinds (a passport against a resident number) it is not
    (
        "id_no",
        {"id_no": "E12345678", "id_type": "03"},
        {"id_no": "E12345687", "id_type": "03"},
        "other ID one or two characters apart",
    ),
    (
        "id_no",
        {"id_no": "H0123456", "id_type": "06"},
        {"id_no": "H0123457", "id_type": "06"},
        "other ID one or two characters apart",
    ),
    (
        "id_no",
        {"id_no": "E12345678", "id_type": "03"},
        {"id_no": "E98765432", "id_type": "03"},
        "All other comparisons",
    ),
    ("id_no", {"id_no": ID}, {}, "null"),
    # a newborn recorded under its mother's number: the number is not the baby's
    ("id_no", {"id_no": MOTHER, "role": "mother"}, {**NEWBORN, "id_no": MOTHER}, "null"),
    # --- name ----------------------------------------------------------------------------
    ("name", {"name": "王伟"}, {"name": "王伟"}, "exact"),
    # 伟 and 维 are both "wei": homophones
    ("name", {"name": "王伟"}, {"name": "王维"}, "same pinyin"),
    # "zhang jing" vs "zhang jin": one letter (the nasal ending) apart
    ("name", {"name": "张静"}, {"name": "张锦"}, "close spelling"),
    # "zhang zi han" vs "zhang zi xuan": pinyin far apart, surname and 子 shared
    ("name", {"name": "张子涵"}, {"name": "张子轩"}, "a part of the name shared"),
    ("name", {"name": "王伟"}, {"name": "李娜"}, "All other comparisons"),
    ("name", {"name": "王伟"}, {}, "null"),
    # Latin names: the same words in another order are the same name; accents and case go
    ("name", {"name": "John Smith"}, {"name": "SMITH JOHN"}, "exact"),
    ("name", {"name": "José García"}, {"name": "JOSE GARCIA"}, "exact"),
    # one letter mistyped in a Latin name: Jaro-Winkler 0.96 on ASCII
    ("name", {"name": "JOHN SMITH"}, {"name": "JOHN SMYTH"}, "close spelling"),
    # a Latin name sharing one whole word
    ("name", {"name": "JOHN SMITH"}, {"name": "JOHN MILLER"}, "a part of the name shared"),
    ("name", {"name": "JOHN SMITH"}, {"name": "MARY JONES"}, "All other comparisons"),
    # --- birth date ----------------------------------------------------------------------
    ("birth_date", {"birth_date": date(1985, 3, 12)}, {"birth_date": date(1985, 3, 12)}, "exact"),
    # month 03 and day 12 swapped
    (
        "birth_date",
        {"birth_date": date(1985, 3, 12)},
        {"birth_date": date(1985, 12, 3)},
        "month and day swapped",
    ),
    # 19850312 vs 19850317: one digit
    (
        "birth_date",
        {"birth_date": date(1985, 3, 12)},
        {"birth_date": date(1985, 3, 17)},
        "one digit or one day off",
    ),
    # 19850228 vs 19850301: four digits differ, but one day apart
    (
        "birth_date",
        {"birth_date": date(1985, 2, 28)},
        {"birth_date": date(1985, 3, 1)},
        "one digit or one day off",
    ),
    (
        "birth_date",
        {"birth_date": date(1985, 3, 12)},
        {"birth_date": date(1985, 7, 1)},
        "same year",
    ),
    (
        "birth_date",
        {"birth_date": date(1985, 3, 12)},
        {"birth_date": date(1990, 1, 1)},
        "All other comparisons",
    ),
    # a default date is a placeholder (stop list), not a birth date
    ("birth_date", {"birth_date": date(1985, 3, 12)}, {"birth_date": date(1900, 1, 1)}, "null"),
    # a mother and her baby: 1988 and 2026 are 38 years apart, never one person (pinned)
    (
        "birth_date",
        {"birth_date": date(1988, 5, 2)},
        {"birth_date": date(2026, 3, 1)},
        "a generation apart",
    ),
    # two adults' records of one passport with birth dates decades apart: one person whose
    # date was mistyped or replaced (the document outweighs the date), not two
    (
        "birth_date",
        {"id_no": "E12345678", "id_type": "03", "birth_date": date(1961, 4, 9)},
        {"id_no": "E12345678", "id_type": "03", "birth_date": date(1987, 11, 23)},
        "All other comparisons",
    ),
    # ... and one passport a typo apart: the same document
    (
        "birth_date",
        {"id_no": "E12345678", "id_type": "03", "birth_date": date(1961, 4, 9)},
        {"id_no": "E12345687", "id_type": "03", "birth_date": date(1987, 11, 23)},
        "All other comparisons",
    ),
    # two different passports decades apart: two people (pinned)
    (
        "birth_date",
        {"id_no": "E12345678", "id_type": "03", "birth_date": date(1961, 4, 9)},
        {"id_no": "G55501234", "id_type": "03", "birth_date": date(1987, 11, 23)},
        "a generation apart",
    ),
    # the mother's number on her baby's hospital record (a child by age): still two people
    (
        "birth_date",
        {"id_no": MOTHER, "id_no_valid": True, "birth_date": date(1992, 6, 1)},
        {
            "id_no": MOTHER,
            "id_no_valid": True,
            "birth_date": date(2024, 2, 20),
            "role": "newborn",
            "dataset": "hospital.patient",
        },
        "a generation apart",
    ),
    # 1985 vs 1995: one digit, a typo, not a generation
    (
        "birth_date",
        {"birth_date": date(1985, 3, 12)},
        {"birth_date": date(1995, 3, 12)},
        "one digit or one day off",
    ),
    # --- sex, phone ------------------------------------------------------------------
    ("sex", {"sex_code": "1"}, {"sex_code": "1"}, "exact"),
    ("sex", {"sex_code": "1"}, {"sex_code": "2"}, "All other comparisons"),
    # 9 (未说明的性别) is unknown, not a conflict
    ("sex", {"sex_code": "1"}, {"sex_code": "9"}, "null"),
    # no delivered sex: the sex encoded in a valid ID number stands in
    ("sex", {"sex_code": "2"}, {"id_sex_code": "2"}, "exact"),
    # a man's valid number (odd 17th digit) under a mistyped 女: the number's sex wins
    (
        "sex",
        {"sex_code": "1"},
        {"id_no": idno.make("320505", date(1963, 5, 25), 379), "sex_code": "2"},
        "exact",
    ),
    # a woman's valid number and 男 typed: the number says 女, against a man's record
    ("sex", {"sex_code": "1"}, {"id_no": MOTHER, "sex_code": "1"}, "All other comparisons"),
    ("phone", {"phone": "13912345678"}, {"phone": "13912345678"}, "exact"),
    # prefix 139 mistyped as 138: the last 8 digits agree
    ("phone", {"phone": "13912345678"}, {"phone": "13812345678"}, "last 8 digits"),
    ("phone", {"phone": "13912345678"}, {"phone": "13912345679"}, "All other comparisons"),
    # --- address (character bigrams; DuckDB string distances count bytes) ------------------
    # the same flat written with and without province and city: same bigrams from 吴中区 on
    (
        "address",
        {"address": "江苏省苏州市吴中区长江路12号3幢101室", "district_code": "320506"},
        {"address": "吴中区长江路12号3幢101室", "district_code": "320506"},
        "same address",
    ),
    # another flat in the same building: 12 of the 14 bigrams of the shorter one shared
    (
        "address",
        {"address": "吴中区长江路12号3幢101室"},
        {"address": "吴中区长江路12号3幢102室"},
        "similar address",
    ),
    (
        "address",
        {"address": "吴中区长江路12号3幢101室", "district_code": "320506"},
        {"address": "吴中区东吴北路8号", "district_code": "320506"},
        "same district",
    ),
    (
        "address",
        {"address": "吴中区长江路12号3幢101室", "district_code": "320506"},
        {"address": "姑苏区十全街857号", "district_code": "320508"},
        "All other comparisons",
    ),
    ("address", {"address": "吴中区长江路12号3幢101室"}, {}, "null"),
    # --- mother --------------------------------------------------------------------------
    # two rows of one delivery register, same mother and day: two babies, pinned apart
    ("mother", NEWBORN, NEWBORN, "same mother, two babies of one delivery register"),
    (
        "mother",
        NEWBORN,
        {
            **NEWBORN,
            "source": "vaccination",
            "org_code": "V01",
            "dataset": "vaccination.dose",
            "role": "recipient",
        },
        "exact",
    ),
    # "li ming" vs "li hua": pinyin 3 edits apart, no given character shared: twins
    (
        "mother",
        {**CHILD, "org_code": "M01", "name": "李明"},
        {**CHILD, "org_code": "M02", "name": "李华"},
        "same mother and birth, other name",
    ),
    # homophone names of one child are not twins
    (
        "mother",
        {**CHILD, "org_code": "M01", "name": "李明"},
        {**CHILD, "org_code": "M02", "name": "李铭"},
        "exact",
    ),
    # the mother's number with two adjacent digits swapped
    (
        "mother",
        {**CHILD, "org_code": "M01", "name": "李明"},
        {
            **CHILD,
            "org_code": "M02",
            "name": "李明",
            "mother_id_no": MOTHER[:8] + MOTHER[9] + MOTHER[8] + MOTHER[10:],
        },
        "one character mistyped",
    ),
    # a hospital patient aged three recorded under the mother's number: that number is the
    # mother's, not the child's
    ("mother", {"id_no": MOTHER, "birth_date": date(2021, 1, 17)}, CHILD, "exact"),
    ("id_no", {"id_no": MOTHER, "birth_date": date(2021, 1, 17)}, {"id_no": MOTHER}, "null"),
    # an adult patient's mother is never compared
    ("mother", {"mother_id_no": MOTHER}, {"mother_id_no": MOTHER}, "null"),
    # a child checkup naming the mother without her number, and a vaccination record whose
    # guardian (the mother) is named the same: her name is the evidence (model v5)
    (
        "mother",
        {**CHILD, "mother_id_no": None, "mother_name": "王芳"},
        {**CHILD, "org_code": "V01", "mother_id_no": None, "mother_name": "王芳"},
        "same mother's name",
    ),
    # the mother's number and another woman's of a mother's age: two numbers, even with one
    # name, are evidence of two children
    (
        "mother",
        {**CHILD, "mother_name": "王芳"},
        {**CHILD, "mother_id_no": AUNT, "mother_name": "王芳"},
        "All other comparisons",
    ),
    # the mother's number and the father's (a man's: odd 17th digit), or a grandmother's (born
    # 50 years before the child): the guardian of the day, which says nothing (model v6)
    ("mother", CHILD, {**CHILD, "mother_id_no": FATHER}, "null"),
    ("mother", CHILD, {**CHILD, "mother_id_no": GRANDMOTHER}, "null"),
    # ... and so does that guardian's phone, on the child's record (guardian_phone)
    (
        "phone",
        {**CHILD, "phone": "13912345678"},
        {**CHILD, "mother_id_no": FATHER, "phone": "13687654321"},
        "null",
    ),
    # two children's phones under their mothers, and two adults' phones: other phones
    (
        "phone",
        {**CHILD, "phone": "13912345678"},
        {**CHILD, "mother_id_no": AUNT, "phone": "13687654321"},
        "All other comparisons",
    ),
    # one record without the number, another name (a grandmother as guardian): no evidence
    (
        "mother",
        {**CHILD, "mother_name": "王芳"},
        {**CHILD, "mother_id_no": None, "mother_name": "李秀英"},
        "null",
    ),
    # the baby's hospital record under its mother's name (王芳) and its checkup naming her:
    # one child, not twins with two names
    (
        "mother",
        {**CHILD, "org_code": "H01", "name": "王芳"},
        {**CHILD, "org_code": "M02", "name": "李明", "mother_name": "王芳"},
        "exact",
    ),
    (
        "name",
        {**CHILD, "name": "王芳"},
        {**CHILD, "name": "李明", "mother_name": "王芳"},
        "the mother name of the other record",
    ),
]


@pytest.fixture(scope="module")
def scored() -> list[dict[str, str]]:
    return levels_of([(a, b) for _, a, b, _ in CASES])


@pytest.mark.parametrize("case", range(len(CASES)), ids=lambda i: f"{CASES[i][0]}-{i}")
def test_comparison_level(scored: list[dict[str, str]], case: int) -> None:
    field, _, _, expected = CASES[case]
    assert scored[case][field] == expected


def test_mention_helper_builds_contract_keys() -> None:
    m = mention("7", name="王伟")
    assert m["mention_id"] == "hospital:H01:hospital.patient:7:patient"
    assert m["name_pinyin"] == "wang wei"
