"""Hard cases about how names are written: Latin names of foreigners and Chinese names.

Latin names come surname-first (passport MRZ order) or given-name-first, with or without a
middle name, in any case, with or without accents (José/JOSE) and with ICAO transliteration
(Müller/MUELLER). Chinese names vary by homophones typed through pinyin input (王伟/王玮),
traditional characters (張), compound surnames (欧阳, 司马), the separator dot of minority
names (·), and polyphonic surnames whose surname reading differs from the common one
(单 shan, 曾 zeng, 区 ou), which a pinyin input method then turns into a homophone.
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
    M2,
    Case,
    chk,
    hosp,
    vacc,
)
from bench.scenarios.hard_cases_common import Person as P

# fmt: off

# LN01: given name and surname in either order and case; one row without the passport.
_p = P("Michael Brown", "1", "1980-01-29", "13862011929", "工业园区星港街168号", doc="533912746",
       doc_type="03")
LN01 = Case("LN01", "latin_names",
    "Michael Brown = BROWN MICHAEL = Brown Michael = MICHAEL BROWN (order and case only), same "
    "passport or birth date and phone: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-03-05"),
    chk(K1, "p", "2025-07-08", name="BROWN MICHAEL"),
    hosp(H2, "p", "2025-09-30", name="Brown Michael", id_no=""),
    vacc(C1, "p", "2025-12-02", name="MICHAEL BROWN", vac="Rabies"),
))

# LN02: a middle name present on some rows only, in either order.
_p = P("Maria Elena Garcia", "2", "1987-04-14", "13771871414", "工业园区现代大道1699号",
       doc="PAE381920", doc_type="03")
LN02 = Case("LN02", "latin_names",
    "Maria Elena Garcia, GARCIA MARIA, Garcia Maria Elena and Maria Garcia: the middle name "
    "dropped and the order changed; same passport: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-13"),
    chk(K1, "p", "2025-05-21", name="GARCIA MARIA"),
    hosp(H2, "p", "2025-08-25", name="Garcia Maria Elena"),
    vacc(C1, "p", "2025-11-18", name="Maria Garcia", vac="HPV"),
))

# LN03: accents kept or dropped (José Martínez / JOSE MARTINEZ).
_p = P("José Martínez", "1", "1979-11-22", "18551811122", "姑苏区三元路2号", doc="XDB614207",
       doc_type="03")
LN03 = Case("LN03", "latin_names",
    "José Martínez = JOSE MARTINEZ = MARTINEZ JOSE = Jose Martinez (accents, case, order): one "
    "person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-24"),
    chk(K2, "p", "2025-06-30", name="JOSE MARTINEZ"),
    hosp(H2, "p", "2025-10-06", name="MARTINEZ JOSE", id_no=""),
    vacc(C1, "p", "2025-12-09", name="Jose Martinez"),
))

# LN04: the umlaut as ü, as u, and as the ICAO transliteration UE of the passport's MRZ.
_p = P("Anna Müller", "2", "1990-07-07", "17625120707", "工业园区苏州大道东265号", doc="C4J8R2T61",
       doc_type="03")
LN04 = Case("LN04", "latin_names",
    "Anna Müller = MUELLER ANNA = Anna Muller (ü, ICAO ue, plain u), same passport: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-04-16"),
    chk(K1, "p", "2025-08-20", name="MUELLER ANNA"),
    hosp(H2, "p", "2025-11-24", name="Anna Muller"),
))

# LN05: Thomas Martin and Martin Thomas are two men; surname-first order makes one look like the
# other (THOMAS MARTIN is Martin Thomas, surname THOMAS). Passport and birth date decide.
_a = P("Thomas Martin", "1", "1984-02-08", "13962140208", "姑苏区南门路58号", doc="18AB45021",
       doc_type="03")
_b = P("Martin Thomas", "1", "1988-09-30", "15850210930", "工业园区东沙湖路9号", doc="533120498",
       doc_type="03")
LN05 = Case("LN05", "latin_names",
    "Thomas Martin (1984) and Martin Thomas (1988) are two men; the checkup row THOMAS MARTIN "
    "carries Martin Thomas's passport and birth date: his",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-03-10"), chk(K1, "a", "2025-09-09", name="MARTIN THOMAS"),
    hosp(H1, "b", "2025-04-28"), chk(K1, "b", "2025-09-09", name="THOMAS MARTIN"),
))

# CN01: a homophone typed through pinyin input (伟/玮, both wei), once without the ID.
_p = P("王伟", "1", "1984-06-12", "13913580612", "相城区元和街道嘉元路1060号", "320507", 55)
CN01 = Case("CN01", "chinese_names",
    "王伟 and 王玮 (same pinyin wang wei) with the same ID, or the same birth date and phone: one "
    "person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-06"),
    chk(K1, "p", "2025-05-12", name="王玮"),
    vacc(C1, "p", "2025-10-27"),
    hosp(H2, "p", "2026-01-19", name="王玮", id_no=""),
))

# CN02: the traditional form of the surname (張) from a traditional-character input setting.
_p = P("张嘉慧", "2", "1997-09-09", "15862509909", "姑苏区观前街18号", "320508", 322)
CN02 = Case("CN02", "chinese_names",
    "張嘉慧 is 张嘉慧 in traditional characters, same ID: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-12"),
    chk(K1, "p", "2025-06-24", name="張嘉慧"),
    hosp(H2, "p", "2025-09-22", name="張嘉慧"),
    vacc(C3, "p", "2025-11-05", vac="HPV"),
))

# CN03: a compound surname, once split by a space (姓/名 fields joined), once with a homophone.
_p = P("欧阳晓燕", "2", "1982-12-24", "13092511224", "常熟市虞山街道黄河路22号", "320581", 188)
CN03 = Case("CN03", "chinese_names",
    "欧阳晓燕, 欧阳小燕 (homophone) and 欧阳 晓燕 (surname field and given-name field joined) with "
    "one ID: one person; 欧阳 is the surname, not 欧",
    {"p": _p}, (
    hosp(H3, "p", "2025-03-31"),
    chk(K2, "p", "2025-08-11", name="欧阳小燕"),
    hosp(H1, "p", "2025-12-16", name="欧阳 晓燕"),
))

# CN04: 司马亮 (compound surname 司马, given name 亮) and 马亮 (surname 马) are two men.
_a = P("司马亮", "1", "1977-03-31", "13806210331", "虎丘区狮山路35号", "320505", 19)
_b = P("马亮", "1", "1978-08-05", "13962180805", "姑苏区桃花坞大街7号", "320508", 77)
CN04 = Case("CN04", "chinese_names",
    "司马亮 and 马亮 share the characters 马亮 but not the surname; different IDs, birth dates and "
    "phones: two people",
    {"a": _a, "b": _b}, (
    hosp(H1, "a", "2025-04-07"), chk(K1, "a", "2025-10-20"),
    hosp(H1, "b", "2025-04-21"), chk(K1, "b", "2025-10-20"), hosp(H2, "b", "2025-12-30"),
))

# CN05: a Uyghur name with the separator ·, without it, with an ASCII dot, with a bullet •
# (U+2022 cannot be written in GBK, so it only appears in the JSON vaccination export).
_p = P("阿依古丽·买买提", "2", "1993-05-05", "18206130505", "工业园区松涛街20号", "320571", 402)
CN05 = Case("CN05", "chinese_names",
    "阿依古丽·买买提 / 阿依古丽买买提 / 阿依古丽.买买提 / 阿依古丽•买买提 differ only in the "
    "separator; same ID: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-02-03"),
    chk(K1, "p", "2025-06-09", name="阿依古丽买买提"),
    hosp(H2, "p", "2025-09-01", name="阿依古丽.买买提"),
    vacc(C1, "p", "2025-10-13", name="阿依古丽•买买提"),
))

# CN06: the surname 单 reads shan; a clerk typing shan got 善. That row has no ID.
_p = P("单丽华", "2", "1975-10-13", "13773011013", "吴中区胥口镇孙武路12号", "320506", 108)
CN06 = Case("CN06", "chinese_names",
    "善丽华 is 单丽华 typed by its surname reading shan; same birth date and phone: one person",
    {"p": _p}, (
    hosp(H1, "p", "2025-01-20"),
    chk(K1, "p", "2025-05-28"),
    hosp(H2, "p", "2025-09-08", name="善丽华", id_no=""),
    vacc(C2, "p", "2025-10-22"),
))

# CN07: the surname 曾 reads zeng; typed as 增 at the checkup centre, without the ID.
_p = P("曾志强", "1", "1986-01-18", "15250181118", "张家港市杨舍镇港城大道500号", "320582", 155)
CN07 = Case("CN07", "chinese_names",
    "增志强 is 曾志强 typed by its surname reading zeng; same birth date and phone: one person",
    {"p": _p}, (
    hosp(H3, "p", "2025-02-17"),
    chk(K2, "p", "2025-07-22", name="增志强", id_no=""),
    hosp(H2, "p", "2025-11-17", id_no=""),
))

# CN08: the Cantonese surname 区 reads ou: typed as 欧, and once in the traditional 區; her HPV
# dose at 昆山妇幼 is written correctly.
_p = P("区嘉欣", "2", "1999-04-26", "13451260426", "昆山市玉山镇朝阳东路100号", "320583", 246)
CN08 = Case("CN08", "chinese_names",
    "欧嘉欣 (typed by the reading ou) and 區嘉欣 (traditional) are 区嘉欣; same birth date and "
    "phone: one person",
    {"p": _p}, (
    hosp(H2, "p", "2025-03-12"),
    vacc(M2, "p", "2025-06-16", vac="HPV"),
    chk(K2, "p", "2025-08-18", name="欧嘉欣", id_no=""),
    hosp(H1, "p", "2025-12-01", name="區嘉欣", id_no=""),
))

# fmt: on
LATIN_NAMES = (LN01, LN02, LN03, LN04, LN05)
CHINESE_NAMES = (CN01, CN02, CN03, CN04, CN05, CN06, CN07, CN08)
