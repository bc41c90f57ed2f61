"""Hard cases: newborns and infants (newborn_infant), and mothers written on babies' records
(mother_baby_apart).

A baby is registered before it has a name or an ID: the birth doses of 乙肝疫苗 and 卡介苗 are
given within 24 hours under a placeholder made from a parent's name (张丽之子, 王宝宝, 小周), the
delivery record often leaves ``baby_name`` empty, the hospital's 新生儿科 files the baby under
the mother's name (sometimes with her ID), and the 户口/ID number arrives weeks or months later.
All of that is one child; the mother is a different person, decades older.

Each case defines its persons (``_m`` mother, ``_b`` baby, …) right before it, so a record can
write another person's value (the mother's ID on the baby's record) by name.
"""

from __future__ import annotations

from bench.scenarios.hard_cases_common import (
    C1,
    C2,
    C3,
    H1,
    H3,
    K1,
    K2,
    M1,
    M2,
    Case,
    chk,
    hosp,
    mch,
    vacc,
)
from bench.scenarios.hard_cases_common import Person as P

KID = ("m", "b", "")  # the usual mother–child relation of a case
# fmt: off

# NB01: birth doses under the placeholder 张丽之子, the 新生儿科 row under the mother's name, the
# real name (father's surname 李) from the 1-month dose, the ID only at 5 months. Same birth
# date, guardian, phone and birth institution tie the baby's mentions; the mother is 33 years older.
_m = P("张丽", "2", "1992-04-17", "13912340417", "姑苏区三香路88号3幢402室", "320508", 222)
_b = P("李沐阳", "1", "2025-09-12", "", "", "320508", 111)
NB01 = Case("NB01", "newborn_infant",
    "张丽之子 at the birth doses, the 新生儿科 row under the mother's name 张丽, then 李沐阳 "
    "without and with an ID: all the baby (born 2025-09-12, guardian 张丽); the mother (1992) is "
    "another person",
    {"m": _m, "b": _b}, (
    mch("maternal_registration", M1, "m", "2025-02-20"),
    hosp(H1, "m", "2025-05-07", dept="产科"),
    mch("prenatal_visit", M1, "m", "2025-06-10", gw=26),
    mch("delivery", M1, "m", "2025-09-12 08:35", "b"),
    vacc(M1, "b", "2025-09-12 10:05", "m", name="张丽之子", id_no="", vac="HepB"),
    vacc(M1, "b", "2025-09-13", "m", name="张丽之子", id_no="", vac="BCG"),
    hosp(M1, "b", "2025-09-14", name=_m.name, id_no="", phone=_m.phone),
    mch("postpartum_visit", M1, "m", "2025-09-19", dad=7),
    vacc(C3, "b", "2025-10-12", "m", id_no="", vac="HepB", dose=2),
    mch("child_checkup", C3, "b", "2025-10-24", "m", id_no=""),
    vacc(C3, "b", "2026-02-12", "m", vac="DTaP", dose=2),
), (KID,))

# NB02: placeholder from the father's surname (王宝宝) with sex 0 at the birth dose; the
# 新生儿科 row carries the mother's name AND her ID, but the baby's birth date and sex.
_m = P("陈静", "2", "1994-11-03", "13862571103", "吴中区长桥街道龙西路16号", "320506", 146)
_b = P("王若汐", "2", "2025-10-28", "", "", "320506", 62)
NB02 = Case("NB02", "newborn_infant",
    "王宝宝 (sex 0) and the hospital row under 陈静 with 陈静's own ID but birth 2025-10-28 are "
    "the baby 王若汐, whose ID arrives at 3 months; 陈静 (1994) is the mother, a separate person",
    {"m": _m, "b": _b}, (
    hosp(H1, "m", "2025-06-15", dept="产科"),
    mch("delivery", M1, "m", "2025-10-28 14:10", "b", mode="cesarean"),
    vacc(M1, "b", "2025-10-28 16:30", "m", name="王宝宝", sex="0", id_no=""),
    hosp(M1, "b", "2025-10-30", name=_m.name, id_no=_m.id_no, phone=_m.phone),
    vacc(C2, "b", "2025-11-28", "m", id_no="", dose=2),
    mch("child_checkup", C2, "b", "2025-12-10", "m", id_no=""),
    mch("child_checkup", C2, "b", "2026-01-28", "m"),
    vacc(C2, "b", "2026-02-28", "m", vac="DTaP"),
    chk(K1, "m", "2026-02-20"),
), (KID,))

# NB03: two different placeholders for the same baby on consecutive days (小周, 周之子 — from the
# mother's surname), then the real name with the father's surname 吴, the ID from 6 months.
_m = P("周敏", "2", "1990-08-21", "15150820821", "工业园区星湖街999号5栋1201", "320571", 308)
_b = P("吴昊天", "1", "2025-07-05", "", "", "320571", 35)
NB03 = Case("NB03", "newborn_infant",
    "小周 and 周之子 (birth doses) and 吴昊天 are one boy born 2025-07-05 to 周敏; same guardian "
    "and phone on every dose; 周敏's own registration, delivery and postpartum rows are hers",
    {"m": _m, "b": _b}, (
    mch("maternal_registration", C1, "m", "2024-12-16"),
    mch("delivery", M1, "m", "2025-07-05 03:50", "b", gw=38),
    vacc(M1, "b", "2025-07-05 09:10", "m", name="小周", id_no=""),
    vacc(M1, "b", "2025-07-06", "m", name="周之子", id_no="", vac="BCG"),
    mch("postpartum_visit", C1, "m", "2025-07-14", dad=9),
    vacc(C1, "b", "2025-08-05", "m", id_no="", dose=2),
    mch("child_checkup", C1, "b", "2025-08-16", "m", id_no=""),
    vacc(C1, "b", "2025-09-05", "m", id_no="", vac="IPV"),
    vacc(C1, "b", "2026-01-05", "m", dose=3),
    mch("child_checkup", C1, "b", "2026-01-07", "m"),
), (KID,))

# NB04: the delivery row already has the baby's name (sometimes filled); the clinic still uses
# 刘之女 for the birth doses, once with sex 0; the 新生儿科 row is 刘雅琴之女.
_m = P("刘雅琴", "2", "1988-02-26", "18051260226", "昆山市玉山镇前进西路22号", "320583", 424)
_b = P("顾心怡", "2", "2025-12-03", "", "", "320583", 86)
NB04 = Case("NB04", "newborn_infant",
    "刘之女 (twice, once sex 0), 刘雅琴之女 at the hospital and 顾心怡 with and without ID are "
    "one girl born 2025-12-03 at 昆山妇幼; her mother 刘雅琴 (1988) is a separate person",
    {"m": _m, "b": _b}, (
    chk(K2, "m", "2025-03-15"),
    mch("maternal_registration", M2, "m", "2025-05-14"),
    mch("prenatal_visit", M2, "m", "2025-09-03", gw=26),
    mch("delivery", M2, "m", "2025-12-03 22:15", "b", baby_name="顾心怡"),
    vacc(M2, "b", "2025-12-03 23:40", "m", name="刘之女", id_no=""),
    vacc(M2, "b", "2025-12-04", "m", name="刘之女", sex="0", id_no="", vac="BCG"),
    hosp(M2, "b", "2025-12-05", name="刘雅琴之女", id_no="", phone=_m.phone),
    vacc(M2, "b", "2026-01-03", "m", id_no="", dose=2),
    mch("child_checkup", M2, "b", "2026-01-14", "m", id_no=""),
    mch("child_checkup", M2, "b", "2026-03-03", "m"),
), (KID,))

# NB05: siblings three years apart, both registered at birth as "黄晓雯之子/之女" with the same
# guardian, phone and address: the placeholders are similar but the birth dates differ.
_m = P("黄晓雯", "2", "1991-06-30", "13771630630", "吴江区松陵镇笠泽路8号", "320509", 268)
_c = P("沈一航", "1", "2022-05-19", "", "", "320509", 157)
_b = P("沈一诺", "2", "2025-08-24", "", "", "320509", 244)
NB05 = Case("NB05", "newborn_infant",
    "黄晓雯之子 (2022) is 沈一航 and 黄晓雯之女 (2025) is 沈一诺: two children of one mother, "
    "apart by birth date and sex though guardian and phone are shared; the mother is a third "
    "person",
    {"m": _m, "c": _c, "b": _b}, (
    vacc(M1, "c", "2022-05-19 11:00", "m", name="黄晓雯之子", id_no=""),
    hosp(H1, "c", "2024-02-10", id_no="", phone=_m.phone),
    hosp(H1, "m", "2025-03-12"),
    mch("delivery", M1, "m", "2025-08-24 06:20", "b"),
    vacc(M1, "b", "2025-08-24 09:00", "m", name="黄晓雯之女", id_no=""),
    vacc(C2, "b", "2025-09-24", "m", id_no="", dose=2),
    mch("child_checkup", C2, "b", "2025-10-08", "m", id_no=""),
    mch("child_checkup", C2, "c", "2025-11-19", "m"),
    vacc(C2, "c", "2026-01-19", "m", vac="MPSV", dose=2),
), (("m", "c", ""), KID))

# NB06: the 新生儿科 row names the baby 孙丽娟之子 and carries the mother's ID; the baby takes the
# mother's surname (孙浩宇) and gets an ID at one month, yet a later child checkup omits it.
_m = P("孙丽娟", "2", "1996-01-09", "15962541009", "张家港市杨舍镇暨阳湖花园3-502", "320582", 20)
_b = P("孙浩宇", "1", "2026-01-16", "", "", "320582", 13)
NB06 = Case("NB06", "newborn_infant",
    "孙丽娟之子 (with the mother's ID) and 孙宝宝 (sex 0, then 1) are the newborn 孙浩宇; the "
    "mother's inpatient and postpartum rows are hers: same surname and ID, 30 years apart",
    {"m": _m, "b": _b}, (
    hosp(M1, "m", "2026-01-14", dept="产科", enc="inpatient"),
    mch("delivery", M1, "m", "2026-01-16 11:40", "b"),
    hosp(M1, "b", "2026-01-16 13:00", name="孙丽娟之子", id_no=_m.id_no, phone=_m.phone),
    vacc(M1, "b", "2026-01-16 15:20", "m", name="孙宝宝", sex="0", id_no=""),
    vacc(M1, "b", "2026-01-17", "m", name="孙宝宝", id_no="", vac="BCG"),
    mch("postpartum_visit", M1, "m", "2026-01-23", dad=7),
    vacc(C3, "b", "2026-02-16", "m", dose=2),
    hosp(H1, "b", "2026-02-20", id_no="", phone=_m.phone),
    mch("child_checkup", C3, "b", "2026-03-02", "m", id_no=""),
), (KID,))

# MB01: the clinic typed the mother's name and ID into the recipient fields of the baby's dose,
# and a hospital filed the baby under the mother's name and ID — the same hospital that has the
# mother's own row. Birth dates 2024-11-30 vs 1989-03-27 can never be one person.
_m = P("马晓红", "2", "1989-03-27", "13584203327", "相城区元和街道御窑路51号", "320507", 186)
_b = P("杜嘉乐", "1", "2024-11-30", "", "", "320507", 73)
MB01 = Case("MB01", "mother_baby_apart",
    "rows with 马晓红's name and ID but birth 2024-11-30 and sex 男 are her son 杜嘉乐; her own "
    "rows (1989, 女) stay hers — same name, ID and phone, 35 years apart: never one person",
    {"m": _m, "b": _b}, (
    hosp(H1, "b", "2025-02-03", name=_m.name, id_no=_m.id_no, phone=_m.phone),
    vacc(C1, "b", "2025-05-30", "m", name=_m.name, id_no=_m.id_no, vac="HepB", dose=3),
    vacc(C1, "b", "2025-07-30", "m", id_no="", vac="MMR"),
    hosp(H1, "m", "2025-08-12"),
    mch("child_checkup", C1, "b", "2025-12-01", "m"),
    chk(K1, "m", "2026-01-09"),
), (KID,))

# MB02: a 4-year-old's hospital row under the mother's name and ID (the mother registered the
# visit with her own card); the same child at another hospital under her own name, no ID.
_m = P("何佳", "2", "1993-09-14", "15850369914", "太仓市城厢镇上海东路18号", "320585", 340)
_b = P("蒋欣然", "2", "2021-04-02", "", "", "320585", 148)
MB02 = Case("MB02", "mother_baby_apart",
    "the 儿科 row 何佳 + 何佳's ID with birth 2021-04-02 is the daughter 蒋欣然; 何佳 (1993) is "
    "the mother: same sex, name, ID and phone, but a birth date 28 years later",
    {"m": _m, "b": _b}, (
    mch("child_checkup", C3, "b", "2025-04-03", "m"),
    hosp(H1, "b", "2025-07-19", name=_m.name, id_no=_m.id_no, phone=_m.phone),
    hosp(H3, "m", "2025-10-02"),
    hosp(H3, "b", "2025-10-02 15:30", id_no="", phone=_m.phone),
    chk(K1, "m", "2025-12-12"),
), (KID,))

# MB03: the child checkup has the mother's ID in child_id_no (and again in mother_id_no).
_m = P("郭丹丹", "2", "1987-12-05", "13915121205", "虎丘区狮山街道竹园路66号", "320505", 402)
_b = P("韩子墨", "1", "2023-06-18", "", "", "320505", 115)
MB03 = Case("MB03", "mother_baby_apart",
    "the checkup row 韩子墨 with child_id_no = 郭丹丹's ID is the boy (born 2023-06-18, 男); "
    "郭丹丹's own pregnancy rows with the same ID are the mother's",
    {"m": _m, "b": _b}, (
    vacc(C3, "b", "2024-12-18", "m", vac="DTaP", dose=4),
    mch("child_checkup", C3, "b", "2025-06-20", "m", id_no=_m.id_no),
    mch("maternal_registration", M1, "m", "2025-11-05"),
    hosp(H1, "b", "2026-01-22", id_no="", phone=_m.phone),
    mch("prenatal_visit", M1, "m", "2026-02-11", gw=24),
), (KID,))

# fmt: on
NEWBORN_INFANT = (NB01, NB02, NB03, NB04, NB05, NB06)
MOTHER_BABY_APART = (MB01, MB02, MB03)
