"""Every rate of the second holdout city in one place, with why it has the value it has.

The city is older, more migrant and more family-heavy than a typical simulated one:

* **Elderly (60–92)** are the largest group: close to a third of the people with records. Most
  have a chronic disease (高血压 I10, 2型糖尿病 E11, 冠心病 I25, COPD J44, 脑梗死后遗症 I69 …), see
  a community centre's 全科 for monthly 配药 and a district hospital now and then, and many take
  the free annual 老年人体检 (it runs in summer, inside this window). Their cards were often first
  registered in a HIS as 15-digit numbers (see :mod:`.orgs` for which hospital kept them).
* **Migrants (新苏州人)** are 42 % of working-age adults and 45 % of mothers: other-province ID
  codes, factory 入职体检 at the 昆山 checkup centre, a second phone number (a new SIM after a job
  change) in a quarter of them, and children whose 户口 — and ID code — stayed at home.
* **Families** have two or three young children close in age (12–30 months apart) more often than
  one: the 三孩 policy city. A second child takes the mother's surname 15 % of the time
  (一孩随父姓、二孩随母姓, common in 苏南). Twins are 3 % of births (IVF), and one set of triplets
  is born in the window.
* **Foreigners** work in the 园区 (Japanese, Korean, German, American, Indian); Taiwan and Hong
  Kong residents hold both a residence permit and a travel permit.

Rates per 40 nights are chances that a person has that kind of contact in the window; a contact is
placed on a uniformly drawn night, so a shorter build delivers proportionally less.
"""

from __future__ import annotations

NOMINAL_DAYS = 40  # rates below are "in 40 nights"

# --- population sizes (persons generated; only those with a record in the window appear) -------
ELDERLY = 1250
ADULTS = 1120
PREGNANT_FAMILIES = 330  # a pregnancy under care at the start of the window
YOUNG_FAMILIES = 520  # children 0–6 and no current pregnancy
FOREIGN = 28
HK, TW = 4, 8
MINORITY = 22
NAMESAKE_PAIRS = 16  # forced pairs (same name, same birth year); 6 of them also same birth date
NAMESAKE_SAME_DATE = 6

MIGRANT_ADULT = 0.42
MIGRANT_MOTHER = 0.45
MIGRANT_SECOND_PHONE = 0.25
MIGRANT_CHILD_HOME_HUKOU = 0.6  # a migrant's child registered in the home county
INVALID_CHECKSUM_ID = 0.004  # issued with a wrong check character, same everywhere
ELDERLY_LANDLINE = 0.15  # an elderly person who gives the home fixed line instead of a mobile

# --- pregnancies and births --------------------------------------------------------------------
DELIVER_IN_WINDOW = 0.45  # of pregnant families, the share whose baby comes within 40 nights
TWIN_BIRTH = 0.03
PRETERM = 0.07
CESAREAN = 0.38
NICU = 0.12  # a newborn admitted to 新生儿科 (preterm, jaundice, 湿肺)
SIBLINGS = {0: 0.0, 1: 0.45, 2: 0.40, 3: 0.15}  # children of a young family
SIBLINGS_PREGNANT = {0: 0.55, 1: 0.35, 2: 0.10}  # existing children of a pregnant family
SECOND_CHILD_MOTHER_SURNAME = 0.15
ID_AFTER_BIRTH_DAYS = (12, 60)  # 落户 and the child's ID number, days after birth

# --- contacts in 40 nights ---------------------------------------------------------------------
ELDERLY_CHC = 0.62  # 家庭医生 配药 at the community centre (when it runs a HIS)
ELDERLY_HOSPITAL = 0.65
ELDERLY_SECOND_HOSPITAL = 0.28
ELDERLY_CHECKUP = 0.45  # 老年人体检, 65 and over
ELDERLY_INPATIENT = 0.12  # of hospital contacts
ADULT_CHECKUP = 0.6
ADULT_HOSPITAL = 0.55
ADULT_SECOND_HOSPITAL = 0.16
PARENT_HOSPITAL = 0.3
PARENT_CHECKUP = 0.22
CHILD_HOSPITAL = 0.33
CHILD_SECOND_HOSPITAL = 0.08
VACCINE_DELAY_DAYS = (0, 21)  # a dose given this many days after it falls due
NON_NIP_UPTAKE = {"EV71": 0.6, "VarV": 0.8, "PCV13": 0.35}  # 非免疫规划 (自费) vaccines
CHECKUP_DELAY_DAYS = (-7, 14)
PRENATAL_EVERY_WEEKS = ((28, 4), (36, 2), (99, 1))  # before week 28 every 4 weeks, …
POSTPARTUM_DAYS = ((3, 7), (26, 30))  # 产后访视 and the 28-day visit

# --- the desk: identity damage per mention -----------------------------------------------------
ID_MISSING = {"hospital": 0.04, "checkup": 0.01, "mch": 0.02}
ID_DAMAGE = {"hospital": 0.02, "checkup": 0.025, "mch": 0.015, "vaccination": 0.02}
ID_DAMAGE_KINDS = ("id_typo", "id_transposed", "id_truncated", "id_spaces", "id_lowercase_x")
STRAY_FULLWIDTH = 0.003
LEGACY_ELDERLY_ELSEWHERE = 0.03  # elderly born before 1950 at a hospital without the habit
NAME_HOMOPHONE = 0.015
NAME_DOT_VARIANT = 0.5  # a minority name with a dot written some other way
TRAD_FOR_TW_HK = 0.6
SEX_MISSING = 0.01
SEX_FLIPPED = 0.003
BIRTH_DAMAGE = 0.015
BIRTH_DAMAGE_KINDS = ("date_md_swap", "date_off_by_one", "date_year_typo")
PHONE_TYPO = 0.015
PASSPORT_TYPO = 0.25  # a foreigner's passport number copied wrongly at one desk
LATIN_MIDDLE_DROPPED = 0.5
RELATIVE_ID_ELDERLY = 0.025  # an elderly patient registered with an adult child's card
RELATIVE_ID_CHILD = 0.06  # a child registered with a parent's card (H_KSY: see orgs)
DUPLICATE_REGISTRATION = 0.02  # default; per-hospital in orgs
UNKNOWN_PATIENTS = 4  # 无名氏 emergency admissions, later re-registered under their own names

# --- vaccination and corrections ---------------------------------------------------------------
GUARDIAN = {"mother": 0.7, "father": 0.2, "grandparent": 0.1}
CHILD_ID_ON_DOSE = 0.55  # a dose record carrying the child's ID once the child has one
CHILD_ID_ON_CHECKUP = 0.4
PLACEHOLDER_RENAMED = 0.3  # a birth dose re-exported with the child's name once registered
BIRTH_DATE_CORRECTED = 0.02  # a dose exported with a damaged birth date, re-exported corrected
VOIDED = 0.015  # a dose voided the next days (wrong batch; forced: two entered on the wrong twin)
CHECKUP_REEXPORT = 0.08  # a 体检 row re-exported after 总检 with its conclusion (and name fix)
