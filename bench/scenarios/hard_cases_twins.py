"""Hard cases about look-alikes who are different people: twins and namesakes.

Twins share the mother, birth date, phone, address and usually the surname and the ID's
address-and-birth prefix; their ID numbers differ only in the sequence and check character.
Namesakes (重名) share a common name and sometimes the birth date. All of them must stay apart;
where one record truly cannot be told apart, the truth says who it really is and the note
says "ambiguous: review expected".
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
    hosp,
    mch,
    vacc,
)
from bench.scenarios.hard_cases_common import Person as P

AMBIGUOUS = "ambiguous: review expected"
# fmt: off

# TW01: 大宝/二宝 (by birth order) for the birth doses; two delivery rows two minutes apart, same
# sex, no names — the newborn side of each delivery row is only told apart by birth order.
_m = P("赵雪梅", "2", "1990-10-10", "13962310010", "常熟市虞山街道书院街3号", "320581", 262)
_a = P("季一鸣", "1", "2025-06-08", "", "", "320581", 51)
_b = P("季一凡", "1", "2025-06-08", "", "", "320581", 53)
TW01 = Case("TW01", "twins",
    "twin boys born 2025-06-08 to 赵雪梅: 大宝 = 季一鸣 (born first, 09:12), 二宝 = 季一凡 "
    "(09:14); two people with their own ID numbers; never one, never linked across",
    {"m": _m, "a": _a, "b": _b}, (
    mch("delivery", M1, "m", "2025-06-08 09:12", "a", gw=36, mode="cesarean", bw=2450,
        note="newborn side: twin told apart only by birth order and weight; " + AMBIGUOUS),
    mch("delivery", M1, "m", "2025-06-08 09:14", "b", gw=36, mode="cesarean", bw=2310,
        note="newborn side: twin told apart only by birth order and weight; " + AMBIGUOUS),
    vacc(M1, "a", "2025-06-08 11:00", "m", name="大宝", id_no=""),
    vacc(M1, "b", "2025-06-08 11:05", "m", name="二宝", id_no=""),
    mch("postpartum_visit", M1, "m", "2025-06-15", dad=7),
    vacc(C3, "a", "2025-07-08", "m", id_no="", dose=2),
    vacc(C3, "b", "2025-07-08 09:40", "m", id_no="", dose=2),
    mch("child_checkup", C3, "a", "2025-09-08", "m"),
    mch("child_checkup", C3, "b", "2025-09-08", "m"),
), (("m", "a", "A"), ("m", "b", "A")))

# TW02: twin girls with two valid IDs, and one hospital row with no ID and a placeholder name
# that resembles both (范宝宝, same birth date, phone and sex): it is 范思雨 (the ward knows),
# but nothing in the row says so. It must not chain the twins together.
_m = P("罗晓燕", "2", "1986-05-23", "18912560523", "张家港市塘桥镇人民路109号", "320582", 286)
_a = P("范思琪", "2", "2024-03-15", "", "", "320582", 82)
_b = P("范思雨", "2", "2024-03-15", "", "", "320582", 84)
TW02 = Case("TW02", "twins",
    "twin girls 范思琪 and 范思雨 (born 2024-03-15, IDs differing in the sequence) are two people; "
    "the no-ID row 范宝宝 resembles both and must not join them",
    {"m": _m, "a": _a, "b": _b}, (
    vacc(C1, "a", "2025-09-15", "m", vac="MMR", dose=2),
    vacc(C1, "b", "2025-09-15 09:50", "m", vac="MMR", dose=2),
    hosp(H2, "m", "2025-05-06"),
    mch("child_checkup", C1, "a", "2025-09-16", "m"),
    mch("child_checkup", C1, "b", "2025-09-16", "m"),
    hosp(H2, "b", "2025-11-03", name="范宝宝", id_no="", phone=_m.phone,
         note="row resembles both twins equally; truth from the ward; " + AMBIGUOUS),
), (("m", "a", "A"), ("m", "b", "A")))

# TW03: boy/girl twins under 钱之子/钱之女 (mother's surname), later 陶子安/陶子宁: sex tells
# them apart on every row. Only the girl's later checkup has her ID.
_m = P("钱美玲", "2", "1995-07-29", "13606210729", "吴中区郭巷街道东方大道8号", "320506", 120)
_a = P("陶子安", "1", "2025-11-11", "", "", "320506", 75)
_b = P("陶子宁", "2", "2025-11-11", "", "", "320506", 76)
TW03 = Case("TW03", "twins",
    "boy/girl twins of 钱美玲 born 2025-11-11: 钱之子 = 陶子安, 钱之女 = 陶子宁; sex separates "
    "them on every row; the mother is a third person",
    {"m": _m, "a": _a, "b": _b}, (
    mch("delivery", M1, "m", "2025-11-11 16:02", "a", gw=37, bw=2600),
    mch("delivery", M1, "m", "2025-11-11 16:05", "b", gw=37, bw=2480),
    vacc(M1, "a", "2025-11-11 18:00", "m", name="钱之子", id_no=""),
    vacc(M1, "b", "2025-11-11 18:10", "m", name="钱之女", id_no=""),
    vacc(C2, "a", "2025-12-11", "m", id_no="", dose=2),
    vacc(C2, "b", "2025-12-11 10:00", "m", id_no="", dose=2),
    mch("child_checkup", C2, "a", "2026-02-12", "m", id_no=""),
    mch("child_checkup", C2, "b", "2026-02-12", "m"),
), (("m", "a", "A"), ("m", "b", "A")))

# TW04: twin boys whose names differ in one character (林嘉言/林嘉语); each has an ID on some rows
# only, on opposite rows; one dose has the homophone typo 林家语 (家 for 嘉): the 语 decides.
_m = P("叶婷", "2", "1992-12-19", "17751231219", "工业园区金鸡湖大道1355号", "320571", 388)
_a = P("林嘉言", "1", "2023-08-30", "", "", "320571", 91)
_b = P("林嘉语", "1", "2023-08-30", "", "", "320571", 93)
TW04 = Case("TW04", "twins",
    "twin boys 林嘉言 and 林嘉语 (one character apart, same birth date, sex, guardian, phone) are "
    "two people; 林家语 is a homophone typo for 林嘉语",
    {"m": _m, "a": _a, "b": _b}, (
    vacc(C1, "a", "2025-02-28", "m", vac="MMR", dose=2),
    vacc(C1, "b", "2025-02-28 09:45", "m", id_no="", vac="MMR", dose=2),
    hosp(H1, "m", "2024-11-20"),
    vacc(C1, "b", "2025-03-01", "m", name="林家语", id_no="", vac="DTaP", dose=4),
    hosp(H1, "a", "2025-03-11", id_no="", phone=_m.phone),
    hosp(H1, "b", "2025-03-11 10:20", phone=_m.phone),
    mch("child_checkup", C1, "a", "2025-09-01", "m", id_no=""),
    mch("child_checkup", C1, "b", "2025-09-01", "m", id_no=""),
), (("m", "a", "A"), ("m", "b", "A")))

# NS01: three women named 王芳 born in 1985 in three districts; three share one hospital. One
# checkup has no ID but its phone and birth date point to one of them.
_a = P("王芳", "2", "1985-02-14", "13812340214", "姑苏区平江路120号", "320508", 128)
_b = P("王芳", "2", "1985-08-30", "13962670830", "昆山市周市镇青阳北路7号", "320583", 246)
_c = P("王芳", "2", "1985-11-19", "15106211119", "吴中区木渎镇中山东路2号", "320506", 64)
NS01 = Case("NS01", "namesakes",
    "three different women named 王芳, all born 1985, different IDs, districts and phones: three "
    "people; the no-ID checkup of c matches c on birth date and phone",
    {"a": _a, "b": _b, "c": _c}, (
    hosp(H1, "a", "2025-01-08"), chk(K1, "a", "2025-05-09"),
    hosp(H2, "b", "2025-02-17"), chk(K2, "b", "2025-06-23"), hosp(H1, "b", "2025-10-14"),
    hosp(H1, "c", "2025-04-01"), chk(K1, "c", "2025-11-03", id_no=""),
))

# NS02: two men named 张伟 with the SAME birth date, different IDs and phones. A third row, with
# neither ID nor phone, cannot be attributed from its content: truth says b.
_a = P("张伟", "1", "1990-01-15", "13913500115", "姑苏区人民路1008号", "320508", 13)
_b = P("张伟", "1", "1990-01-15", "13776210115", "常熟市琴川街道海虞北路5号", "320581", 15)
NS02 = Case("NS02", "namesakes",
    "two men named 张伟 born the same day 1990-01-15 in different districts: two people; the row "
    "with name and birth date only is b's",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-03-20"), chk(K1, "a", "2025-09-02"), vacc(C3, "a", "2025-11-10"),
    hosp(H1, "b", "2025-05-11"), chk(K2, "b", "2025-08-19"), hosp(H3, "b", "2025-12-05"),
    hosp(H2, "b", "2026-01-20", id_no="", phone="", address="", dept="急诊科",
         enc="emergency", note="name + birth date only, shared by a and b; " + AMBIGUOUS),
))

# NS03: two women named 李娜, same birth date, same district: their IDs differ only in the
# sequence digits and check character (both valid). Rows without ID are told apart by phone.
_a = P("李娜", "2", "1992-07-21", "18662220721", "工业园区唯亭街道葑亭大道58号", "320571", 242)
_b = P("李娜", "2", "1992-07-21", "13862190721", "工业园区斜塘街道淞江路12号", "320571", 246)
NS03 = Case("NS03", "namesakes",
    "two women 李娜 born 1992-07-21 in 320571, valid IDs one sequence apart: two people; the "
    "no-ID checkups follow their phones",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-02-26"), chk(K1, "a", "2025-07-30", id_no=""),
    hosp(H1, "b", "2025-03-04"), chk(K1, "b", "2025-08-06", id_no=""),
    mch("maternal_registration", C1, "b", "2025-12-01"),
))

# NS04: 刘洋 is a unisex name: a man and a woman, born the same year, at the same hospital.
_a = P("刘洋", "1", "1995-03-03", "13092150303", "昆山市花桥镇绿地大道88号", "320505", 33)
_b = P("刘洋", "2", "1995-12-28", "18951821228", "吴江区盛泽镇西环路18号", "320509", 82)
NS04 = Case("NS04", "namesakes",
    "a man and a woman both named 刘洋, born 1995, different IDs, sexes and phones: two people",
    {"a": _a, "b": _b}, (
    hosp(H2, "a", "2025-04-14"), chk(K2, "a", "2025-10-21"),
    hosp(H2, "b", "2025-06-09"), vacc(C2, "b", "2025-07-15", vac="HPV"), chk(K2, "b", "2026-01-12"),
))

# NS05: two families each registered their newborn as 陈宝宝 at the same MCH hospital three days
# apart; different mothers, phones and birth dates keep the babies apart.
_m = P("陈晓丽", "2", "1993-03-19", "13771523319", "吴中区城南街道宝带东路9号", "320506", 226)
_a = P("陈子豪", "1", "2025-10-03", "", "", "320506", 153)
_n = P("陆敏", "2", "1994-04-04", "15262514404", "吴江区同里镇中川北路3号", "320509", 344)
_b = P("陈思妍", "2", "2025-10-06", "", "", "320509", 124)
NS05 = Case("NS05", "namesakes",
    "two babies registered as 陈宝宝 three days apart by different mothers (陈晓丽, 陆敏): two "
    "babies and two mothers, four people",
    {"m": _m, "a": _a, "n": _n, "b": _b}, (
    mch("delivery", M1, "m", "2025-10-03 07:30", "a"),
    vacc(M1, "a", "2025-10-03 10:00", "m", name="陈宝宝", id_no=""),
    mch("delivery", M1, "n", "2025-10-06 19:45", "b"),
    vacc(M1, "b", "2025-10-06 21:00", "n", name="陈宝宝", sex="0", id_no=""),
    vacc(C2, "a", "2025-11-03", "m", id_no="", dose=2),
    vacc(C2, "b", "2025-11-06", "n", dose=2),
), (("m", "a", ""), ("n", "b", "")))

# fmt: on
TWINS = (TW01, TW02, TW03, TW04)
NAMESAKES = (NS01, NS02, NS03, NS04, NS05)
