"""Identity numbers, phones and addresses as the city's people really hold them.

* The address code of an ID number is where the hukou was when the number was first issued, not
  where the person lives: older Suzhou natives carry codes that no longer exist (320502 沧浪区,
  320503 平江区, 320504 金阊区 before 2012; 320524 吴县, 320525 吴江县 before the 1990s), migrants
  carry their home county's code (often an old one too), and babies of migrants usually get their
  parents' home-county code because the hukou stays there.
* The legacy 15-digit number is the same person's 1980s card without century and check character.
* Hong Kong / Macao: 回乡证 ``H``/``M`` + 8 digits (id_type 06) and, since 2018, a residence permit
  with address code 810000/820000 (id_type 01). Taiwan: 台胞证 8 digits (07) and a 830000 permit.
* Foreigners: passports (03) in their country's pattern; a few hold the 2023 permanent-residence
  ID (``9`` + province + nationality + birth date + sequence + check, here id_type 99).
* Phones: 11-digit mobiles with real carrier prefixes; some elderly give a Suzhou landline.
"""

from __future__ import annotations

import random
from datetime import date

from bench.scenarios.deliver import gb11643_check_char, resident_id

DISTRICTS = {
    "320505": "虎丘区",
    "320506": "吴中区",
    "320507": "相城区",
    "320508": "姑苏区",
    "320509": "吴江区",
    "320571": "苏州工业园区",
    "320581": "常熟市",
    "320582": "张家港市",
    "320583": "昆山市",
    "320585": "太仓市",
}
# Where a Suzhou native's ID was first issued, by birth period, for each current district.
_OLD_CODES = {
    "320508": ("320502", "320503", "320504"),
    "320509": ("320525", "320584"),
    "320506": ("320524", "320586"),
    "320507": ("320524", "320586"),
    "320505": ("320511",),
    "320571": ("320524", "320511"),
    "320581": ("320581",),
    "320582": ("320582",),
    "320583": ("320583",),
    "320585": ("320585",),
}
MIGRANT_CODES = (
    "341221",
    "341222",
    "342222",
    "340827",
    "341523",
    "411522",
    "412726",
    "411528",
    "321322",
    "321323",
    "320922",
    "320724",
    "511621",
    "511623",
    "512922",
    "522425",
    "522427",
    "421127",
    "421126",
    "371321",
    "362330",
    "431021",
    "500234",
    "622421",
    "330482",
    "310115",
)
XINJIANG_CODES = ("650102", "653101", "652901", "654002")
STREETS = {
    "320505": ("狮山街道塔园路", "枫桥街道金山路", "横塘街道华山路"),
    "320506": ("长桥街道宝带西路", "木渎镇中山路", "郭巷街道吴淞路"),
    "320507": ("元和街道采莲路", "黄桥街道春申路", "渭塘镇凤凰泾路"),
    "320508": ("平江街道白塔东路", "双塔街道十全街", "金阊街道石路"),
    "320509": ("松陵街道笠泽路", "盛泽镇舜湖路", "同里镇环湖路"),
    "320571": ("湖西社区星海街", "娄葑街道东环路", "唯亭街道青剑湖路"),
    "320581": ("虞山街道海虞北路", "琴川街道枫林路", "碧溪街道通港路"),
    "320582": ("杨舍镇人民中路", "金港街道长江路", "塘桥镇南京路"),
    "320583": ("玉山镇前进西路", "花桥镇绿地大道", "周市镇青阳北路"),
    "320585": ("城厢镇上海西路", "浮桥镇浏家港路", "沙溪镇白云路"),
}
MOBILE_PREFIXES = (
    "138",
    "139",
    "135",
    "136",
    "137",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "173",
    "199",
    "191",
    "166",
    "176",
    "198",
    "195",
    "178",
)
_PASSPORT = {  # nationality → pattern (L letter, D digit)
    "USA": "DDDDDDDDD",
    "GBR": "DDDDDDDDD",
    "DEU": "LDDLDDLDD",
    "FRA": "DDLLDDDDD",
    "JPN": "LLDDDDDDD",
    "KOR": "LDDDDDDDD",
    "SGP": "LDDDDDDDL",
    "ITA": "LLDDDDDDD",
    "IND": "LDDDDDDD",
    "RUS": "DDDDDDDDD",
    "NLD": "LLDDDDDDD",
}
_ISO_NUMERIC = {
    "USA": "840",
    "GBR": "826",
    "DEU": "276",
    "FRA": "250",
    "JPN": "392",
    "KOR": "410",
    "SGP": "702",
    "ITA": "380",
    "IND": "356",
    "RUS": "643",
    "NLD": "528",
}
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def id_address_code(
    rng: random.Random, district: str, birth: date, migrant: bool, xinjiang: bool = False
) -> str:
    if xinjiang:
        return rng.choice(XINJIANG_CODES)
    if migrant:
        return rng.choice(MIGRANT_CODES)
    if birth.year < 2001 and rng.random() < 0.75:
        return rng.choice(_OLD_CODES[district])
    return district


def new_resident_id(rng: random.Random, code: str, birth: date, sex: str, used: set[str]) -> str:
    """A checksum-valid 18-digit number not used before (odd sequence for men)."""
    while True:
        seq = rng.randrange(1, 999)
        if (seq % 2 == 1) != (sex == "1"):
            seq += 1 if seq < 998 else -1
        number = resident_id(code, birth, seq)
        if number not in used:
            used.add(number)
            return number


def passport(rng: random.Random, nationality: str) -> str:
    pattern = _PASSPORT.get(nationality, "LDDDDDDDD")
    return "".join(rng.choice(LETTERS) if p == "L" else str(rng.randrange(10)) for p in pattern)


def permanent_residence_id(rng: random.Random, nationality: str, birth: date) -> str:
    first17 = f"932{_ISO_NUMERIC.get(nationality, '999')}{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return first17 + gb11643_check_char(first17)


def hk_macau_permit(rng: random.Random, macau: bool) -> str:
    return ("M" if macau else "H") + "".join(str(rng.randrange(10)) for _ in range(8))


def taiwan_permit(rng: random.Random) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(8))


def mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def landline(rng: random.Random) -> str:
    return rng.choice(["0512-", "0512", ""]) + "6" + f"{rng.randrange(10**7):07d}"


def address(rng: random.Random, district: str) -> str:
    street = rng.choice(STREETS[district])
    city = "" if rng.random() < 0.4 else "江苏省苏州市" if rng.random() < 0.3 else "苏州市"
    if district in ("320581", "320582", "320583", "320585"):
        city = city.replace("苏州市", "")
    return (
        f"{city}{DISTRICTS[district]}{street}{rng.randrange(1, 400)}号"
        f"{rng.randrange(1, 40)}幢{rng.randrange(1, 30)}0{rng.randrange(1, 5)}室"
    )
