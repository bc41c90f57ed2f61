"""ID numbers, phone numbers and dates, and how desks damage them.

Address codes are those of the place a card was first issued, not of where the holder lives now:

* elderly locals carry codes of units abolished long ago (320502 平江区, 320503 沧浪区, 320504
  金阊区, 320511 郊区, 320524 吴县, 320584 吴江市), because their cards were first issued there;
* locals born after 2000 carry today's district codes;
* migrants (新苏州人) carry their home county's code in 安徽, 河南, 四川, 贵州, 江西, 湖南, 苏北
  …, and so do their children when the 户口 stayed at home;
* Hong Kong and Taiwan residents hold a residence permit (810000 / 830000, a valid GB 11643
  number) *and* their travel permit (回乡证 ``H`` + 8 digits, 台胞证 8 digits), used at different
  desks;
* a few people hold a number with a wrong check character, issued so in the 1999 upgrade to 18
  digits and never corrected: every system has the same "invalid" number for them.

ID damage: full-width digits (an input method left in full-width mode), lowercase ``x``, spaces in
the groups printed on the card (6-8-4), one digit mistyped, two neighbours swapped, the last
character dropped, and the legacy 15-digit number copied from an old record. Date damage: month and
day swapped, a day off (births just after midnight, typing), a year digit mistyped, and the 农历
birthday an elderly person gives instead of the one on the card.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.scenarios.deliver import gb11643_check_char, legacy15, resident_id

SUZHOU_NOW = (
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320581",
    "320582",
    "320583",
    "320585",
)
SUZHOU_OLD = (
    "320502",
    "320503",
    "320504",
    "320511",
    "320524",
    "320581",
    "320582",
    "320583",
    "320584",
    "320585",
)
MIGRANT_COUNTIES = [
    "340121",
    "341221",
    "342221",
    "341623",
    "341281",
    "411521",
    "412726",
    "411323",
    "411722",
    "510722",
    "511321",
    "513030",
    "522101",
    "522401",
    "360730",
    "360681",
    "430524",
    "431121",
    "421127",
    "320321",
    "320923",
    "321323",
    "320826",
    "321081",
    "370923",
    "130627",
    "500235",
    "450881",
]
XINJIANG = ("650102", "653101", "652901")

_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def new_id(rng: random.Random, code: str, birth: date, sex: str, used: set[str]) -> str:
    """A fresh 18-digit number: odd sequence for men, even for women, never issued twice."""
    while True:
        seq = rng.randrange(1, 1000)
        if (seq % 2 == 1) != (sex == "1"):
            seq = seq + 1 if seq < 999 else seq - 1
        number = resident_id(code, birth, seq)
        if number not in used:
            used.add(number)
            return number


def bad_check(number: str) -> str:
    """The same number with a wrong check character (the 1999 upgrade errors)."""
    right = gb11643_check_char(number[:17])
    return number[:17] + ("0" if right != "0" else "1")


def to_legacy(number: str) -> str:
    return legacy15(number)


def fullwidth(number: str) -> str:
    return number.translate(_FULLWIDTH)


def damage_id(rng: random.Random, number: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    """One damage of ``kinds`` applied to an ID number: (new value, kind)."""
    options = [k for k in kinds if k != "id_lowercase_x" or number.endswith("X")]
    kind = rng.choice(options or ["id_typo"])
    if kind == "id_lowercase_x":
        return number[:-1] + "x", kind
    if kind == "id_spaces":
        return f"{number[:6]} {number[6:14]} {number[14:]}", kind
    if kind == "id_fullwidth":
        return fullwidth(number), kind
    if kind == "id_truncated":
        return number[:-1], kind
    if kind == "id_transposed":
        for _ in range(10):
            i = rng.randrange(len(number) - 1)
            if number[i] != number[i + 1]:
                return number[:i] + number[i + 1] + number[i] + number[i + 2 :], kind
        kind = "id_typo"
    i = rng.randrange(len(number) - 1) if number[-1] == "X" else rng.randrange(len(number))
    wrong = str((int(number[i]) + rng.randrange(1, 10)) % 10)
    return number[:i] + wrong + number[i + 1 :], "id_typo"


def phone(rng: random.Random, used: set[str]) -> str:
    prefixes = "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 170 "
    prefixes += "173 177 180 181 182 183 185 186 187 188 189 191 198 199"
    while True:
        number = rng.choice(prefixes.split()) + f"{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def phone_typo(rng: random.Random, number: str) -> str:
    i = rng.randrange(3, len(number))
    return number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1 :]


def landline(rng: random.Random) -> str:
    """A 苏州 fixed line (0512), the number many elderly still give."""
    return f"0512-{rng.choice('56')}{rng.randrange(10**7):07d}"


def damage_date(rng: random.Random, value: date, kinds: tuple[str, ...]) -> tuple[date, str] | None:
    """One damage of ``kinds`` to a date, or None when the chosen damage cannot apply."""
    kind = rng.choice(kinds)
    if kind == "date_md_swap":
        if value.day > 12 or value.day == value.month:
            return None
        try:
            return value.replace(month=value.day, day=value.month), kind
        except ValueError:
            return None
    if kind == "date_off_by_one":
        return value + timedelta(days=rng.choice((-1, 1))), kind
    if kind == "date_year_typo":
        year = value.year
        swapped = int(str(year)[:2] + str(year)[3] + str(year)[2])
        other = swapped if swapped != year and swapped <= 2026 else year + rng.choice((-10, 10))
        try:
            return value.replace(year=other), kind
        except ValueError:
            return value.replace(year=other, day=28), kind
    if kind == "date_lunar":
        return value + timedelta(days=rng.choice((-1, 1)) * rng.randrange(18, 51)), kind
    raise ValueError(kind)


def permit_no(rng: random.Random, origin: str) -> tuple[str, str]:
    """(id_type, number) of a travel permit: 回乡证 for Hong Kong, 台胞证 for Taiwan."""
    if origin == "hk":
        return "06", "H" + f"{rng.randrange(10**8):08d}"
    return "07", f"{rng.randrange(10**8):08d}"
