"""Hard cases: damaged birth dates, damaged resident ID numbers, and documents without a checksum.

Each group is one person (or two, where the kind is about telling near-identical documents
apart) whose records carry the damage that STANDARDS.md lists as typical for deliveries. The
true identity is what the person's other records agree on; the damage is spelled out in the
table with the helpers of :mod:`bench.scenarios.hard_cases_common`.
"""

from __future__ import annotations

from bench.scenarios.hard_cases_common import (
    C1,
    C2,
    C3,
    H1,
    H2,
    H3,
    K1,
    K2,
    M1,
    Case,
    chk,
    fullwidth,
    hosp,
    legacy,
    mch,
    spaced,
    swap,
    typo,
    vacc,
    with_birth,
)
from bench.scenarios.hard_cases_common import Person as P

# fmt: off

# DD01: month and day swapped in the birth date (07-03 vs 03-07), once with the ID and once
# without; the ID's birth part and the other records say 1985-07-03.
_p = P("邹建华", "1", "1985-07-03", "13806130703", "姑苏区干将西路1200号", "320508", 17)
DD01 = Case("DD01", "damaged_dates",
    "邹建华 born 1985-07-03: rows with 1985-03-07 (month/day swapped) have the same ID or the same "
    "phone and name: one person",
    {"p": _p}, (
    hosp(H1, "p", "2024-05-06"),
    chk(K1, "p", "2025-04-10", birth="1985-03-07"),
    vacc(C3, "p", "2025-10-20"),
    hosp(H2, "p", "2025-12-01", birth="1985-03-07", id_no=""),
))

# DD02: the same swap inside the ID's birth part (19791104 → 19790411) with the old check
# character, so the number fails MOD 11-2; one row also swapped the birth date field.
_p = P("曹雪莲", "2", "1979-11-04", "13951171104", "吴中区甪直镇晓市路6号", "320506", 204)
DD02 = Case("DD02", "damaged_dates",
    "曹雪莲: the ID typed with its birth part 19790411 (check character now wrong) is her "
    "1979-11-04 number; same name, phone and sequence digits: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-15"),
    chk(K1, "p", "2025-06-18", id_no=with_birth(_p.id_no, "19790411")),
    hosp(H3, "p", "2025-09-09", id_no=with_birth(_p.id_no, "19790411"), birth="1979-04-11"),
    vacc(C2, "p", "2026-01-15"),
))

# DD03: one day off (05-18 vs 05-19) at registration, copied by the checkup without the ID.
_p = P("宋春燕", "2", "1990-05-18", "15995170518", "常熟市碧溪街道通港路19号", "320581", 226)
DD03 = Case("DD03", "damaged_dates",
    "宋春燕 born 1990-05-18; 1990-05-19 on two rows is a one-day slip (same ID or phone): one "
    "person",
    {"p": _p}, (
    mch("maternal_registration", M1, "p", "2025-03-02", birth="1990-05-19"),
    hosp(H3, "p", "2025-04-22"),
    mch("prenatal_visit", M1, "p", "2025-05-20", gw=21),
    chk(K2, "p", "2025-12-02", birth="1990-05-19", id_no=""),
))

# DD04: the emergency desk's placeholder birth date 1900-01-01 (the field is mandatory).
_p = P("田德旺", "1", "1958-09-26", "13338020926", "太仓市娄东街道县府东街40号", "320585", 31)
DD04 = Case("DD04", "damaged_dates",
    "田德旺: the 1900-01-01 on the emergency row is a placeholder; the ID says 1958-09-26: one "
    "person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-14", birth="1900-01-01", dept="急诊科", enc="emergency"),
    hosp(H2, "p", "2025-08-08"),
    vacc(C3, "p", "2025-10-15", vac="PPV23"),
    chk(K1, "p", "2025-11-11"),
))

# DD05: an old woman who knows her birth year only by the lunar calendar: two systems wrote
# 1942-01-01 (year only); her ID says 1942-08-15.
_p = P("潘桂英", "2", "1942-08-15", "13013950815", "吴江区平望镇司前街21号", "320509", 62)
DD05 = Case("DD05", "damaged_dates",
    "潘桂英: 1942-01-01 is a year-only default; name, phone and (on one row) the ID agree with "
    "1942-08-15: one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-03-03", birth="1942-01-01", id_no=""),
    chk(K2, "p", "2025-06-06"),
    hosp(H1, "p", "2025-09-19"),
    vacc(C2, "p", "2025-10-30", birth="1942-01-01"),
))

# DI01: one mistyped digit (the sequence 171 typed 121): the check character no longer fits.
_p = P("方国强", "1", "1976-02-11", "13771182211", "昆山市陆家镇菉溪路66号", "320583", 171)
DI01 = Case("DI01", "damaged_ids",
    "方国强: the ID with one mistyped sequence digit fails its checksum; name, birth date and "
    "phone agree: one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-01-21"),
    chk(K2, "p", "2025-05-26", id_no=typo(_p.id_no, 15, "2")),
    hosp(H3, "p", "2025-10-09", id_no=typo(_p.id_no, 15, "2")),
    vacc(C2, "p", "2025-12-18", vac="Rabies"),
))

# DI02: two adjacent digits swapped (sequence 344 → 434).
_p = P("袁晓菲", "2", "1983-10-27", "18625161027", "虎丘区枫桥街道马涧路3号", "320505", 344)
DI02 = Case("DI02", "damaged_ids",
    "袁晓菲: 434 for 344 is a transposition (fails MOD 11-2); everything else agrees: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-05"),
    chk(K1, "p", "2025-07-14", id_no=swap(_p.id_no, 14)),
    vacc(C3, "p", "2025-11-25", vac="HPV"),
    hosp(H2, "p", "2026-01-08", id_no=swap(_p.id_no, 14)),
))

# DI03: the 15-digit 1989 number still on file at one hospital.
_p = P("严振东", "1", "1967-04-09", "13809060409", "张家港市金港镇长江中路2号", "320582", 93)
DI03 = Case("DI03", "damaged_ids",
    "严振东: the 15-digit number is his 18-digit one without century and check character: one "
    "person",
    {"p": _p}, (
    hosp(H3, "p", "2025-03-17", id_no=legacy(_p.id_no)),
    chk(K2, "p", "2025-09-24"),
    hosp(H2, "p", "2025-12-29"),
))

# DI04: full-width digits (０-９) from an input method in full-width mode, in GBK and JSON.
_p = P("贺丽萍", "2", "1972-01-23", "15190510123", "工业园区娄葑街道东环路1500号", "320571", 140)
DI04 = Case("DI04", "damaged_ids",
    "贺丽萍: the full-width ID is her number in another character form: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-04-03"),
    chk(K1, "p", "2025-08-27", id_no=fullwidth(_p.id_no)),
    vacc(C1, "p", "2025-10-28", id_no=fullwidth(_p.id_no)),
))

# DI05: a check character X written as lowercase x.
_p = P("龚晓明", "1", "1981-05-30", "13901810530", "姑苏区十全街318号", "320508", 19)
DI05 = Case("DI05", "damaged_ids",
    "龚晓明: ...x and ...X are the same number (check character X in lower case): one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-19", id_no=_p.id_no.lower()),
    chk(K1, "p", "2025-06-11"),
    vacc(C3, "p", "2025-10-21", id_no=_p.id_no.lower()),
    hosp(H2, "p", "2025-12-15"),
))

# DI06: spaces inside (the card's 6-8-4 groups) and around the number.
_p = P("龙海涛", "1", "1979-03-16", "13914520316", "吴江区黎里镇汾湖大道558号", "320509", 115)
DI06 = Case("DI06", "damaged_ids",
    "龙海涛: the spaced and space-padded IDs are his number: one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-05-12", id_no=spaced(_p.id_no)),
    chk(K2, "p", "2025-08-05", id_no=f" {_p.id_no} "),
    hosp(H1, "p", "2025-10-16"),
    vacc(C2, "p", "2026-02-03"),
))

# DI07: the ID left empty (once with id_type 01 still set), linked by name, birth and phone.
_p = P("雷雨欣", "2", "1998-08-08", "17712560808", "吴中区越溪街道塔韵路178号", "320506", 288)
DI07 = Case("DI07", "damaged_ids",
    "雷雨欣: rows without an ID agree on name, birth date and phone with her ID rows: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-27", id_no=""),
    chk(K1, "p", "2025-05-19"),
    vacc(C2, "p", "2025-09-29", id_no="", vac="HPV"),
    hosp(H3, "p", "2025-12-22", id_no="", id_type="01"),
))

# DI08: a 6-year-old's hospital row carrying the mother's ID (own name and birth date).
_m = P("白雪", "2", "1991-02-17", "13584190217", "虎丘区浒墅关镇青花路9号", "320505", 424)
_c = P("谢雨桐", "2", "2019-10-06", "", "", "320505", 226)
DI08 = Case("DI08", "damaged_ids",
    "the row 谢雨桐 (born 2019) with 白雪's ID is the daughter; 白雪 (1991) is the mother: "
    "same ID, different name and 28 years apart",
    {"m": _m, "c": _c}, (
    hosp(H1, "c", "2025-03-24", id_no=_m.id_no, phone=_m.phone),
    hosp(H1, "m", "2025-06-30"),
    vacc(C3, "c", "2025-10-08", "m", vac="DT", dose=2),
    chk(K1, "m", "2025-11-26"),
), (("m", "c", ""),))

# NC01: a Japanese passport (id_type 03, no checksum) transposed once and mistyped once.
_p = P("TANAKA HIROSHI", "1", "1975-09-02", "13601010902", "工业园区现代大道88号", doc="TR4821736",
       doc_type="03")
NC01 = Case("NC01", "non_checksummed_ids",
    "TANAKA HIROSHI: passport TR4821736 vs TR4821763 (transposed) and TR4827736 (mistyped), same "
    "name and birth date: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-11"),
    chk(K1, "p", "2025-06-17", id_no=swap(_p.id_no, 7)),
    hosp(H2, "p", "2025-11-04", id_no=typo(_p.id_no, 5, "7")),
))

# NC02: a 港澳居民来往内地通行证 (06) with two characters transposed at the checkup centre.
_p = P("陈家豪", "1", "1988-12-01", "13510881201", "昆山市开发区前进东路579号", doc="H60318245",
       doc_type="06")
NC02 = Case("NC02", "non_checksummed_ids",
    "陈家豪: permit H60318245 vs H60381245 (two digits transposed), same name, birth date, phone: "
    "one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-04-08"),
    chk(K2, "p", "2025-09-15", id_no=swap(_p.id_no, 4)),
    vacc(C1, "p", "2025-11-12"),
))

# NC03: a 台湾居民来往内地通行证 (07, eight digits) with one mistyped digit.
_p = P("蔡志明", "1", "1969-06-21", "13921450621", "常熟市虞山街道枫林路8号", doc="07835164",
       doc_type="07")
NC03 = Case("NC03", "non_checksummed_ids",
    "蔡志明: permit 07835164 vs 07835184 (one digit mistyped), everything else equal: one person",
    {"p": _p}, (
    hosp(H3, "p", "2025-03-26"),
    chk(K1, "p", "2025-08-13", id_no=typo(_p.id_no, 6, "8")),
    hosp(H1, "p", "2025-12-09"),
))

# NC04: two Korean passports one character apart, but different names, sexes and birth dates.
_a = P("KIM MINJUN", "1", "1992-03-08", "13656780308", "工业园区翠薇街9号", doc="M48213597",
       doc_type="03")
_b = P("PARK SEOYEON", "2", "1995-10-21", "13773261021", "姑苏区竹辉路298号", doc="M48213598",
       doc_type="03")
NC04 = Case("NC04", "non_checksummed_ids",
    "KIM MINJUN and PARK SEOYEON hold passports one character apart (M48213597/8) but differ in "
    "name, sex, birth date and phone: two people",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-05-20"), chk(K1, "a", "2025-10-13"),
    hosp(H1, "b", "2025-06-02"), chk(K1, "b", "2025-10-13"),
))

# fmt: on
DAMAGED_DATES = (DD01, DD02, DD03, DD04, DD05)
DAMAGED_IDS = (DI01, DI02, DI03, DI04, DI05, DI06, DI07, DI08)
NON_CHECKSUMMED_IDS = (NC01, NC02, NC03, NC04)
