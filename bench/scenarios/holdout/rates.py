"""Every rate the holdout city uses, with the reason for its value.

The holdout is a measuring city, not a census: its rates are set from what a data engineer sees
in Suzhou-area HIS, 免疫规划 and 妇幼 deliveries, then deliberately pushed where a linker is
weakest (newborns, twins, borrowed IDs, manual entry) so that each hard kind has enough cases to
be measured. Where a rate is far from real life the comment says so.

Population (per 45 nights, ``scale = days / 45``):

* ``HOUSEHOLDS`` — a birth-heavy city: about 360 deliveries in 45 nights for ~4,000 people, about
  60 times Suzhou's real crude birth rate (~7 ‰ a year). Birth-centred families dominate because
  the MCH and vaccination systems are where identity is weakest.
* Visits per 45 nights (hospital: 0.30 school-age, 0.40 working age, 0.70 for 60+; employer
  checkups 0.22 of working adults in the May–June peak, 0.40 of 65+ in the spring campaign) are
  above a yearly average because the window is the busy season and the city must be measurable.
  People with special identities (foreigners, cross-strait residents, minorities, rare-character
  names, the planted namesakes) visit with 0.8 so each variant is seen.
* Twins are 4.5 % of deliveries (Jiangsu's real rate is ~2.5–3 % with assisted reproduction); the
  excess buys measurement power. Triplets: at least one set per build, about 0.5 % of deliveries.
* Migrants (ID address code from another province) are 45 % of adults, as in Suzhou's 常住人口,
  where about half the residents hold a hukou elsewhere.
"""

from __future__ import annotations

# Households per 45 nights, by what happens to them inside the window.
HOUSEHOLDS = {
    "birth": 360,  # a baby (or twins/triplets) is born inside the window
    "pregnant": 220,  # registered pregnancy, delivery after the window: prenatal care only
    "infant": 330,  # a baby born 0–12 months before the window: vaccination, child checkups
    "toddler": 170,  # a child of 1–6 years: boosters, kindergarten checkups, paediatrics
    "adult": 220,  # working-age adults (and their school-age children): hospital, checkups
    "elderly": 140,  # 65+: chronic-disease clinics, free 老年人体检 at community centres
}
TWIN_RATE = 0.045
TRIPLET_RATE = 0.005
OLDER_SIBLING = {"birth": 0.35, "pregnant": 0.30, "infant": 0.28, "toddler": 0.25}
GRANDPARENTS_MEAN = {"birth": 1.0, "pregnant": 0.2, "infant": 0.8, "toddler": 0.4}
MIGRANT_ADULT = 0.45
SECOND_CHILD_MOTHERS_SURNAME = 0.20  # 二孩随母姓: siblings with different surnames
TWIN_SPLIT_SURNAME = 0.15  # twins split between the parents' surnames (一个随父姓, 一个随母姓)
FATHER_ABSENT = 0.04  # single mothers or fathers working away (no father in the records)

# Special identities (share of adults unless noted). Far above real Suzhou rates for the
# foreign and cross-strait groups, which are tiny, because each must be measurable.
FOREIGNER = 0.012  # passports (id_type 03), Latin names; half of them in 工业园区
HK_MACAU = 0.004  # 回乡证 (06) and/or 810000/820000 residence permits
TAIWAN = 0.006  # 台胞证 (07) and/or 830000 residence permits (昆山 has many 台商)
MINORITY_DOT = 0.012  # Uyghur/Kazakh names with ·, from 新疆 address codes
RARE_CHAR = 0.02  # a given name with a character GB2312-era systems cannot type (喆, 堃, 玥 …)
LEGACY15_ELDERLY = 0.35  # people born before 1955 whose old HIS patient card holds the 15-digit ID
COMMON_NAME = 0.06  # given name drawn from the handful of very common names of a generation
HARD_NAMESAKE_PAIRS = 10  # same name AND birth date, different persons, per 45 nights
HOMOPHONE_PAIRS = 12  # distinct persons with homophone names, same birth year, per 45 nights

# Newborns and infants.
NAME_AT_BIRTH = 0.25  # parents had the name ready at birth; otherwise named 3–30 days later
ID_ISSUE_DAYS = (10, 120)  # 出生登记 → 户口 → ID number, uniform days after birth
ID_LATE = 0.15  # migrant babies whose hukou registration takes over four months
NEWBORN_HOSPITAL_ROW = 0.60  # a separate HIS patient row (NICU, jaundice, billing)
NEWBORN_UNDER_MOTHER_NAME = 0.15  # that row is simply the mother's name
NEWBORN_MOTHER_ID = 0.70  # the mother's ID number on the newborn's HIS row
NEWBORN_MOTHER_BIRTH = 0.30  # … and the mother's birth date (else the baby's 55 %, empty 15 %)
NEWBORN_SEX_UNKNOWN = 0.70  # sex 0 at HIS registration
NEWBORN_RECHECK = 0.35  # outpatient jaundice recheck 3–10 days later: a second HIS row, 60 % of
NEWBORN_SECOND_ROW = 0.60  # those under a new patient_id (the classic newborn duplicate)
DELIVERY_BABY_NAME_EMPTY = 0.80
DELIVERY_CORRECTION = 0.08  # delivery row re-exported later with baby name / certificate number
VACC_PLACEHOLDER_AFTER_NAMING = 0.12  # clinic keeps the placeholder after the real name exists
VACC_CHILD_ID_WHEN_ISSUED = 0.60  # a dose record carries the child's own ID once it exists
VACC_ID_TYPE_HUKOU = 0.40  # … written as 02 居民户口簿 rather than 01
CHECKUP_CHILD_ID_WHEN_ISSUED = 0.50
GUARDIAN = {"mother": 0.68, "father": 0.20, "grandparent": 0.12}
VACC_EMPTY_NAME = 0.03  # birth-dose records with no recipient name at all

# Duplicate registrations and record life-cycle.
HOSPITAL_DUPLICATE = 0.05  # a second patient_id for the same person at the same hospital
HOSPITAL_REFRESH = 0.6  # at a return visit the desk fills a missing phone or ID into the row
VACC_CORRECTION = 0.04  # a dose re-exported later with a corrected name or ID
VACC_VOID = 0.02  # a dose voided (duplicate entry or wrong child); exported again as voided
MCH_CORRECTION = 0.05  # prenatal/postpartum/registration rows re-exported with a fixed ID

# Minimum numbers of special people per build (whatever the scale): small builds must still hold
# every variant. Taken from adults of households without children.
MIN_SPECIAL = {"foreign": 4, "hk_macau": 1, "taiwan": 2, "minority": 2, "rare": 2}
MIN_FOREIGN_VARIANTS = 2  # at least this many foreigners with a middle name, and with kanji
SPECIAL_VISIT = 0.8
# Rare damage would be absent from a small build; until a kind has been applied three times its
# rate is multiplied by WARM_START. At 45 nights this adds a handful of cases, no more.
WARM_START = 5.0

# Damage, per mention, by source. Hospitals read ID cards with a card reader at most desks, so ID
# typos are rare there; MCH and vaccination desks type numbers by hand (guardian IDs above all);
# checkup centres import employers' Excel lists, the worst of all (truncated precision, full-width
# digits from IME mode). Birth dates are typed in MCH and checkup but derived from the ID in most
# HIS. Phones change often among migrants.
DAMAGE = {
    "hospital": {
        "id_digit_typo": 0.010,
        "id_adjacent_swap": 0.006,
        "id_wrong_check": 0.004,
        "id_lowercase_x": 0.25,
        "id_fullwidth": 0.004,
        "id_spaces": 0.006,
        "id_mmdd_swap": 0.004,
        "id_missing": 0.05,
        "birth_mmdd_swap": 0.006,
        "birth_one_day_off": 0.008,
        "birth_year_typo": 0.003,
        "birth_default_today": 0.004,
        "birth_missing": 0.03,
        "name_homophone": 0.012,
        "name_traditional": 0.006,
        "name_wu_dialect": 0.006,
        "name_space_inserted": 0.004,
        "phone_typo": 0.015,
        "phone_changed": 0.04,
        "phone_missing": 0.10,
        "phone_landline": 0.015,
        "sex_wrong": 0.004,
        "relative_id_used": 0.015,
    },
    "vaccination": {
        "id_digit_typo": 0.030,
        "id_adjacent_swap": 0.012,
        "id_wrong_check": 0.006,
        "id_lowercase_x": 0.30,
        "id_fullwidth": 0.008,
        "id_spaces": 0.010,
        "id_mmdd_swap": 0.006,
        "birth_mmdd_swap": 0.010,
        "birth_one_day_off": 0.020,
        "birth_year_typo": 0.004,
        "name_homophone": 0.025,
        "name_traditional": 0.004,
        "name_wu_dialect": 0.008,
        "phone_typo": 0.020,
        "phone_changed": 0.05,
        "phone_missing": 0.03,
        "sex_wrong": 0.008,
    },
    "mch": {
        "id_digit_typo": 0.030,
        "id_adjacent_swap": 0.012,
        "id_wrong_check": 0.008,
        "id_lowercase_x": 0.40,
        "id_fullwidth": 0.010,
        "id_spaces": 0.012,
        "id_mmdd_swap": 0.006,
        "id_missing": 0.04,
        "birth_mmdd_swap": 0.012,
        "birth_one_day_off": 0.015,
        "birth_year_typo": 0.005,
        "name_homophone": 0.020,
        "name_traditional": 0.004,
        "name_wu_dialect": 0.010,
        "phone_typo": 0.020,
        "phone_changed": 0.05,
        "phone_missing": 0.05,
        "sex_wrong": 0.006,
    },
    "checkup": {
        "id_digit_typo": 0.020,
        "id_adjacent_swap": 0.010,
        "id_wrong_check": 0.006,
        "id_lowercase_x": 0.45,
        "id_fullwidth": 0.020,
        "id_spaces": 0.015,
        "id_mmdd_swap": 0.006,
        "id_excel_zeroed": 0.015,
        "id_missing": 0.03,
        "birth_mmdd_swap": 0.010,
        "birth_one_day_off": 0.010,
        "birth_year_typo": 0.004,
        "birth_placeholder_1900": 0.006,
        "birth_missing": 0.04,
        "name_homophone": 0.015,
        "name_traditional": 0.006,
        "name_wu_dialect": 0.008,
        "name_space_inserted": 0.008,
        "phone_typo": 0.020,
        "phone_changed": 0.06,
        "phone_missing": 0.20,
        "phone_landline": 0.03,
        "phone_prefix86": 0.010,
        "sex_wrong": 0.006,
    },
}
# Damage that depends on who the person is, whatever the source.
LUNAR_BIRTHDAY_ELDERLY = 0.06  # 65+ giving the 农历 birthday (20–50 days later) when asked
RARE_CHAR_SUBSTITUTED = 0.50  # of a rare-character person's mentions (old systems, GB2312)
MINORITY_DOT_VARIANT = 0.55  # of a minority person's mentions: ．, -, space, or no separator
LATIN_ORDER_SWAPPED = 0.40  # GIVEN FAMILY instead of FAMILY GIVEN
LATIN_MIDDLE_DROPPED = 0.25
LATIN_CASE_SPACING = 0.30  # mixed case, commas, joined words
KANJI_FOR_LATIN = 0.35  # Japanese/Korean people written in their kanji/hanja name
PASSPORT_TYPO = 0.10  # one (70 %) or two (30 %) mistyped passport characters (O/0, I/1, …)
PERMIT_INSTEAD = 0.50  # a cross-strait resident showing the travel permit instead of the
# 8x0000 residence permit (or the other way round)
