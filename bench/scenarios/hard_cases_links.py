"""Hard cases about the links themselves: two valid IDs (different people), re-registration with
a legacy number or a changed phone and address (one person), and people seen by several sources.

Two checksum-valid resident ID numbers are two people even when everything else looks alike
(siblings, a couple sharing an address and a phone, brothers). Conversely one person keeps one
number across a 15→18-digit re-registration, a marriage and a move. The cross-source cases put
one person through hospital, vaccination, MCH and GBK checkup deliveries, some of them with only
name, birth date and phone.
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
    legacy,
    mch,
    vacc,
)
from bench.scenarios.hard_cases_common import Person as P

# fmt: off

# DV01: brother and sister with homophone names (轩/萱, both xuan), same mother, phone and
# address, two years apart, each with a valid ID of their own.
_m = P("唐雅", "2", "1986-09-18", "13962280412", "工业园区金鸡湖路88号6-1102", "320571", 264)
_s = P("周子轩", "1", "2015-04-12", "", "工业园区金鸡湖路88号6-1102", "320571", 57)
_d = P("周子萱", "2", "2017-09-03", "", "工业园区金鸡湖路88号6-1102", "320571", 128)
DV01 = Case("DV01", "different_valid_ids",
    "siblings 周子轩 (2015, 男) and 周子萱 (2017, 女): homophone names, shared mother, phone and "
    "address, but two valid IDs: two people (and their mother a third)",
    {"m": _m, "s": _s, "d": _d}, (
    vacc(C1, "s", "2021-04-13", "m", vac="DT", dose=2),
    vacc(C1, "d", "2023-09-05", "m", vac="DT", dose=2),
    hosp(H1, "s", "2025-03-18", phone=_m.phone),
    hosp(H1, "d", "2025-03-18 10:30", phone=_m.phone),
    hosp(H1, "m", "2025-05-26"),
    hosp(H2, "d", "2025-12-08", id_no="", phone=_m.phone),
), (("m", "s", ""), ("m", "d", "")))

# DV02: husband 徐明 and wife 徐敏 (homophones), same age and address; the wife's checkup gives
# the husband's phone. Two valid IDs, sexes and birth dates: two people.
_a = P("徐明", "1", "1982-03-14", "13915260314", "姑苏区道前街100号2-301", "320508", 35)
_b = P("徐敏", "2", "1982-05-26", "15850260526", "姑苏区道前街100号2-301", "320508", 66)
DV02 = Case("DV02", "different_valid_ids",
    "徐明 (男) and 徐敏 (女) sound alike, share an address and once a phone, but have two valid "
    "IDs and birth dates: two people",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-02-10"), chk(K1, "a", "2025-06-16"),
    hosp(H1, "b", "2025-02-10 11:00"), chk(K1, "b", "2025-06-16", phone=_a.phone),
    vacc(C3, "b", "2025-10-29"),
))

# DV03: brothers 汪建国 and 汪建军 (one character apart), same hospital and checkup centre; the
# younger gives the elder's phone at the checkup.
_a = P("汪建国", "1", "1963-10-01", "13506230001", "常熟市琴川街道书院弄5号", "320581", 11)
_b = P("汪建军", "1", "1966-08-01", "13506231966", "常熟市琴川街道书院弄5号", "320581", 13)
DV03 = Case("DV03", "different_valid_ids",
    "brothers 汪建国 (1963) and 汪建军 (1966): names one character apart, same address and once "
    "the same phone, two valid IDs: two people",
    {"a": _a, "b": _b}, (
    hosp(H3, "a", "2025-01-29"), chk(K2, "a", "2025-05-14"), vacc(C2, "a", "2025-10-09"),
    hosp(H3, "b", "2025-02-26"), chk(K2, "b", "2025-05-14", phone=_a.phone),
))

# LR01: the old 15-digit number, no phone and the old address at one hospital; 18 digits,
# phone and new address elsewhere.
_p = P("史国平", "1", "1955-12-08", "13013621208", "姑苏区金阊新城虎池路20号", "320508", 57)
LR01 = Case("LR01", "legacy_reregistration",
    "史国平: 15-digit number (registered in the 1990s, old address, no phone) and 18-digit number "
    "are the same; birth date and name agree: one person",
    {"p": _p}, (
    hosp(H2, "p", "2024-11-06", id_no=legacy(_p.id_no), phone="", address="姑苏区东中市32号"),
    hosp(H1, "p", "2025-04-15"),
    chk(K1, "p", "2025-10-28"),
))

# LR02: a woman who married and moved: phone and address changed (name and ID did not).
_p = P("丁文静", "2", "1996-06-06", "18252210606", "工业园区方洲路518号3-801", "320507", 126)
LR02 = Case("LR02", "legacy_reregistration",
    "丁文静 before marriage (old phone 13962170606, 相城 address) and after (new phone, 园区): "
    "same name, ID and birth date: one person",
    {"p": _p}, (
    hosp(H1, "p", "2015-08-03", phone="13962170606", address="相城区黄桥街道胡湾路10号"),
    chk(K1, "p", "2019-07-01", phone="13962170606"),
    mch("maternal_registration", M1, "p", "2025-05-10"),
    mch("prenatal_visit", M1, "p", "2025-08-01", gw=22),
    hosp(H2, "p", "2025-09-16", address=""),
))

# LR03: born on a leap day; the 15-digit number and the pre-demolition address at one
# hospital, the 18-digit number and the resettlement address everywhere since.
_p = P("杭德福", "1", "1948-02-29", "13584230229", "昆山市玉山镇同心家园12-101", "320583", 17)
LR03 = Case("LR03", "legacy_reregistration",
    "杭德福 (born 1948-02-29): 15-digit number with the old address and no phone vs 18-digit "
    "number with a new address: one person",
    {"p": _p}, (
    hosp(H2, "p", "2024-12-11", id_no=legacy(_p.id_no), phone="", address="昆山市玉山镇老街45号"),
    chk(K2, "p", "2025-05-07"),
    vacc(C2, "p", "2025-10-14", vac="PPV23"),
    hosp(H1, "p", "2026-02-09"),
))

# XS01: one adult, clean data, four sources (two hospitals, checkup in GBK, vaccination).
_p = P("俞红梅", "2", "1978-08-19", "13862110819", "虎丘区金山路88号", "320505", 68)
XS01 = Case("XS01", "cross_source",
    "俞红梅 seen by two hospitals, a checkup centre and a clinic with the same identity: one "
    "person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-14"), hosp(H2, "p", "2025-04-09"), chk(K1, "p", "2025-07-02"),
    vacc(C3, "p", "2025-10-17"),
))

# XS02: an adult known at two sources by name, birth date and phone only (no ID, no address).
_p = P("郑凯", "1", "1991-11-30", "15051671130", "吴江区松陵镇开平路300号", "320509", 139)
XS02 = Case("XS02", "cross_source",
    "郑凯: the checkup and one hospital have only name, birth date and phone, equal to his ID "
    "rows: one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-02-04"),
    chk(K2, "p", "2025-06-05", id_no=""),
    hosp(H1, "p", "2025-09-25", id_no="", address=""),
    vacc(C2, "p", "2025-12-23", vac="Rabies"),
))

# XS03: a pregnancy through the whole MCH chain (registration, prenatal at two institutions,
# delivery, postpartum), the mother's own hospital and checkup rows, and the baby named at birth.
_m = P("姚静怡", "2", "1997-02-03", "19951620203", "工业园区斜塘街道星湖街328号", "320571", 288)
_b = P("秦悦", "2", "2026-01-05", "", "", "320571", 46)
XS03 = Case("XS03", "cross_source",
    "姚静怡's checkup, registration, visits, inpatient stay, delivery and postpartum visit are "
    "hers; the newborn 秦悦 (named at birth, ID at one month) is another person",
    {"m": _m, "b": _b}, (
    chk(K1, "m", "2025-03-20"),
    mch("maternal_registration", C1, "m", "2025-06-16"),
    mch("prenatal_visit", C1, "m", "2025-07-21", gw=15),
    mch("prenatal_visit", M1, "m", "2025-12-15", gw=36),
    hosp(M1, "m", "2026-01-04", dept="产科", enc="inpatient"),
    mch("delivery", M1, "m", "2026-01-05 05:25", "b", baby_name="秦悦"),
    vacc(M1, "b", "2026-01-05 08:00", "m", id_no=""),
    mch("postpartum_visit", C1, "m", "2026-01-12", dad=7),
    vacc(C1, "b", "2026-02-05", "m", dose=2),
    mch("child_checkup", C1, "b", "2026-02-16", "m", id_no=""),
), (("m", "b", ""),))

# XS04: an elderly man with name + birth date + phone only at the checkup; a hospital has his
# son's phone on file.
_p = P("钟伯年", "1", "1950-04-17", "13338200417", "张家港市杨舍镇沙洲中路16号", "320582", 57)
XS04 = Case("XS04", "cross_source",
    "钟伯年: ID rows at hospitals and the clinic, a no-ID checkup with name, birth date and "
    "phone, a hospital row with another phone: one person",
    {"p": _p}, (
    hosp(H3, "p", "2025-03-04"),
    chk(K2, "p", "2025-05-21", id_no=""),
    vacc(C2, "p", "2025-10-23", vac="PPV23"),
    hosp(H1, "p", "2026-01-26", phone="13914520417"),
))

# fmt: on
DIFFERENT_VALID_IDS = (DV01, DV02, DV03)
LEGACY_REREGISTRATION = (LR01, LR02, LR03)
CROSS_SOURCE = (XS01, XS02, XS03, XS04)
