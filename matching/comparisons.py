"""One comparison per identity field: a short ordered list of levels, most specific first.

Every level reads per-record feature columns made once by ``matching.features`` (never a
per-pair GB 11643 check or pinyin conversion). Fuzzy string functions (``levenshtein``,
``damerau_levenshtein``, ``hamming``) are only used on ASCII columns — pinyin and digits —
because DuckDB counts UTF-8 bytes, not characters. Chinese names are compared through
their character lists.

Level labels are stable: the review queue and the model JSON refer to them.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl

# "Same address code and birth date, different sequence": twins or relatives born the same day
# in the same place. EM learns it as a match signal (it is far likelier among blocked pairs than
# chance), so its m probability is pinned near zero: such a pair is almost never one person.
# The same holds for two babies of one mother born the same day under different names.
TWIN_M_PROBABILITY = 1e-9
# EM cannot see a child's mother-ID disagreement among true matches (the EM blocks that hold
# child pairs block on the mother's ID), and learns m = 0. A vaccination record names the
# guardian of the day — the mother two or three times in four, else the father or a
# grandparent — so one child's records carry two different guardians' numbers about one pair
# in five (v5; v4 had 0.05, which took four bits from a child's name and birth date agreeing).
MOTHER_ELSE_M_PROBABILITY = 0.2
# Evidence of two people, pinned far below any real damage rate and made cannot-link
# constraints (``matching.inference.cannot_link_sql``): two different checksum-valid resident
# ID numbers (a mistyped digit makes the check fail 10 times in 11), birth dates a generation
# apart (a mother's identity written on her baby's record), two birth orders of one mother's
# babies born one day (大宝 and 二宝).
DIFFERENT_PERSON_M_PROBABILITY = 1e-7
# A child's record whose guardian cannot be the mother (matching.features' not_a_mother macro):
# another guardian's number and phone on it say nothing about the child.
NOT_A_MOTHER = (
    "not_a_mother(mother_key_l, birth_year_l) OR not_a_mother(mother_key_r, birth_year_r)"
)
GENERATION_YEARS = 12

# Levels of identifiers (ID number, phone, mother's ID): a random pair agrees on them by a
# chance collision whose probability falls as 1/population, so their u values are rescaled
# with the number of mentions at scoring time (see ``matching.inference.population_scaled``).
IDENTIFIER_LEVELS = (
    ("id_no", "exact"),
    ("id_no", "one character mistyped"),
    ("id_no", "month and day swapped in the birth part"),
    ("id_no", "other ID one or two characters apart"),
    ("id_no", "same address and birth, other sequence"),
    ("phone", "exact"),
    ("phone", "last 8 digits"),
    ("mother", "exact"),
    ("mother", "one character mistyped"),
    ("address", "same address"),
)


def _null(col_l: str, col_r: str | None = None) -> cll.CustomLevel:
    col_r = col_r or col_l
    return cll.CustomLevel(f"{col_l}_l IS NULL OR {col_r}_r IS NULL", "null").configure(
        is_null_level=True
    )


def _else() -> cll.ElseLevel:
    return cll.ElseLevel()


def _near(col: str) -> str:
    """Two 18-character ID numbers one mistyped character or one adjacent swap apart (both
    ASCII, so DuckDB's byte-based distances are character distances here)."""
    return (
        f"length({col}_l) = 18 AND length({col}_r) = 18"
        f" AND (hamming({col}_l, {col}_r) = 1 OR (hamming({col}_l, {col}_r) = 2"
        f" AND damerau_levenshtein({col}_l, {col}_r) = 1))"
    )


def _pinned_apart(condition: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(condition, label).configure(
        m_probability=DIFFERENT_PERSON_M_PROBABILITY, fix_m_probability=True
    )


def id_no_comparison() -> cl.CustomComparison:
    """ID number, by kind: a resident ID number carries a check character, a passport or a
    Hong Kong/Macau/Taiwan permit does not.

    exact; a resident number one character mistyped (not both valid); its birth part's month
    and day swapped (not both valid); another ID one or two
    characters apart (no check to tell a typo from another person); same address+birth but
    another sequence (twins, pinned); a damaged resident number whose birth and sex parts
    agree; two different valid resident numbers (two people, pinned); else.
    """
    near = (
        "id_kind_l = 'resident' AND id_kind_r = 'resident'"
        " AND NOT (id_valid_l AND id_valid_r) AND ("
        # the check character itself mistyped: same 17 digits
        "id_body_l = id_body_r"
        # one digit mistyped or two adjacent digits swapped, check character copied unchanged
        " OR (id_check_l = id_check_r AND (hamming(id_body_l, id_body_r) = 1"
        " OR (hamming(id_body_l, id_body_r) = 2"
        " AND damerau_levenshtein(id_body_l, id_body_r) = 1))))"
    )
    # 19950705 written 19950507: the same address code, year and sequence, the birth part's
    # month and day exchanged (the check character, computed over the number as written, then
    # fails, so not both are valid)
    month_day_swapped = (
        "id_kind_l = 'resident' AND id_kind_r = 'resident'"
        " AND NOT (id_valid_l AND id_valid_r)"
        " AND substr(id_body_l, 1, 10) = substr(id_body_r, 1, 10)"
        " AND substr(id_body_l, 11, 2) = substr(id_body_r, 13, 2)"
        " AND substr(id_body_l, 13, 2) = substr(id_body_r, 11, 2)"
        " AND substr(id_body_l, 15, 3) = substr(id_body_r, 15, 3)"
        " AND substr(id_body_l, 11, 2) <> substr(id_body_l, 13, 2)"
    )
    return cl.CustomComparison(
        output_column_name="id_no",
        comparison_description="GB 11643 ID number, legacy numbers converted",
        comparison_levels=[
            _null("id_key"),
            cll.CustomLevel("id_key_l = id_key_r", "exact"),
            cll.CustomLevel(near, "one character mistyped"),
            cll.CustomLevel(month_day_swapped, "month and day swapped in the birth part"),
            cll.CustomLevel(
                "id_kind_l = 'other' AND id_kind_r = 'other'"
                " AND damerau_levenshtein(id_key_l, id_key_r) <= 2",
                "other ID one or two characters apart",
            ),
            cll.CustomLevel(
                "id_ab_l = id_ab_r", "same address and birth, other sequence"
            ).configure(m_probability=TWIN_M_PROBABILITY, fix_m_probability=True),
            # a damaged number (not both valid) whose birth-date and sex parts still agree:
            # an address code mistyped beyond one digit. Two VALID numbers that differ are two
            # people (namesakes born the same day), never this level.
            cll.CustomLevel(
                "NOT (id_valid_l AND id_valid_r)"
                " AND substr(id_body_l, 7, 8) = substr(id_body_r, 7, 8)"
                " AND (ascii(substr(id_body_l, 17, 1)) + ascii(substr(id_body_r, 17, 1))) % 2 = 0",
                "birth date and sex parts agree",
            ),
            _pinned_apart("id_valid_l AND id_valid_r", "two valid resident numbers"),
            _else(),
        ],
    )


def name_comparison() -> cl.CustomComparison:
    """Name: exact (a Latin name whatever its word order) with term frequencies; same pinyin
    (homophones); a close spelling (pinyin one edit; Jaro-Winkler ≥ 0.9 for Latin names, which
    are ASCII so DuckDB's byte-based similarity is a character one); a shared part (surname and
    a given-name character; a word of a Latin name); else."""
    latin = "name_latin_l AND name_latin_r"
    close = (
        f"CASE WHEN {latin} THEN jaro_winkler_similarity(name_key_l, name_key_r) >= 0.9"
        " ELSE damerau_levenshtein(name_pinyin_l, name_pinyin_r) <= 1 END"
    )
    part = (
        f"CASE WHEN {latin} THEN list_has_any(given_chars_l, given_chars_r)"
        " ELSE surname_l = surname_r AND list_has_any(given_chars_l, given_chars_r) END"
    )
    # a baby's record under its mother's name (a hospital registers the newborn as 王芳) against
    # another record of the baby that names the mother: the name is the mother's, not a clash
    mothers_name = (
        "role_group_l = 'child' AND role_group_r = 'child'"
        " AND (name_key_l = mother_name_r OR name_key_r = mother_name_l)"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Chinese names via characters and toneless pinyin, Latin names "
        "whatever their word order",
        comparison_levels=[
            _null("name_key"),
            cll.CustomLevel("name_key_l = name_key_r", "exact").configure(
                tf_adjustment_column="name_key"
            ),
            cll.CustomLevel(mothers_name, "the mother name of the other record"),
            cll.CustomLevel("name_pinyin_l = name_pinyin_r", "same pinyin"),
            cll.CustomLevel(close, "close spelling"),
            cll.CustomLevel(part, "a part of the name shared"),
            _else(),
        ],
    )


# Birth dates a generation apart are two people when one record is a child's (a mother's
# identity written on her baby's record) or the two carry different documents. Two adults'
# records of one document (the same ID number; or one passport, one or two characters apart)
# with birth dates decades apart are one person whose date was mistyped or replaced: the
# document outweighs the date (FEBRL replaces whole birth dates; a clerk types the year wrong).
_SAME_DOCUMENT = (
    "coalesce(id_key_l = id_key_r OR (id_kind_l = 'other' AND id_kind_r = 'other'"
    " AND damerau_levenshtein(id_key_l, id_key_r) <= 2), false)"
)
_GENERATION_APART = (
    f"abs(birth_year_l - birth_year_r) >= {GENERATION_YEARS}"
    f" AND (role_group_l = 'child' OR role_group_r = 'child' OR NOT {_SAME_DOCUMENT})"
)


def birth_date_comparison() -> cl.CustomComparison:
    """Birth date: exact; month and day swapped; one digit or one day off; a generation apart
    (two people, pinned: see ``_GENERATION_APART``); same year; else."""
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date, placeholder dates removed",
        comparison_levels=[
            _null("birth_key"),
            cll.CustomLevel("birth_key_l = birth_key_r", "exact").configure(
                tf_adjustment_column="birth_key"
            ),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r"
                " AND birth_day_l = birth_month_r",
                "month and day swapped",
            ),
            cll.CustomLevel(
                "damerau_levenshtein(birth_str_l, birth_str_r) <= 1"
                " OR abs(date_diff('day', birth_key_l, birth_key_r)) <= 1",
                "one digit or one day off",
            ),
            _pinned_apart(_GENERATION_APART, "a generation apart"),
            cll.CustomLevel("birth_year_l = birth_year_r", "same year"),
            _else(),
        ],
    )


def sex_comparison() -> cl.CustomComparison:
    """Sex (1 or 2 only; 0 and 9 are unknown): exact or else."""
    return _exact_or_else("sex_key", "sex", "GB/T 2261.1 sex, unknown codes as null")


def phone_comparison() -> cl.CustomComparison:
    """Phone: exact; same last 8 digits (prefix mistyped); else. Shared office phones removed.

    A child's phone is its guardian's (a vaccination record's ``guardian_phone``): where one
    record's guardian cannot be the mother (``NOT_A_MOTHER``, the father or a grandparent),
    another phone is that guardian's and says nothing (null), as the guardian's number does.
    """
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="mobile phone, shared numbers removed",
        comparison_levels=[
            _null("phone_key"),
            cll.CustomLevel("phone_key_l = phone_key_r", "exact"),
            cll.CustomLevel("phone8_l = phone8_r", "last 8 digits"),
            cll.CustomLevel(
                NOT_A_MOTHER, "other phones, one a guardian's not the mother"
            ).configure(is_null_level=True),
            _else(),
        ],
    )


def address_comparison() -> cl.CustomComparison:
    """Address: same text, similar text (character bigrams), same district, else.

    DuckDB's string distances count UTF-8 bytes, so Chinese addresses are compared through
    their character-bigram lists (made once per record): the share of the shorter address's
    bigrams found in the other.
    """
    share = "overlap_share(address_grams_l, address_grams_r)"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="current address: bigram overlap, then GB/T 2260 district",
        comparison_levels=[
            _null("address_grams"),
            cll.CustomLevel(f"{share} >= 0.9", "same address"),
            cll.CustomLevel(f"{share} >= 0.6", "similar address"),
            cll.CustomLevel("district_key_l = district_key_r", "same district"),
            _else(),
        ],
    )


def mother_comparison() -> cl.CustomComparison:
    """The mother of a newborn or child mention: her ID number, else her name.

    Two babies of one mother are twins, not one child, when they come from two records of
    the same delivery register, or are born the same day under wholly different names:
    pinned near zero like the ID twin level. Where one record lacks her number, the same
    mother's name (a child checkup's 母亲姓名, a vaccination guardian, a delivery row) is
    evidence too, weaker than a number; two different numbers are "else" (the guardian may be
    the father), and a missing number with another name says nothing (null). Nor does another
    number that cannot be a mother's (``NOT_A_MOTHER``): a man's, or a grandmother's — the
    child's two records name two guardians, which says nothing of two children.
    """
    both_ids = "mother_key_l IS NOT NULL AND mother_key_r IS NOT NULL"
    same_name = f"mother_name_l = mother_name_r AND NOT ({both_ids})"
    # (a name that is the mother's, on a baby's record registered under her, is no twin's)
    twins_by_name = (
        "mother_key_l = mother_key_r AND birth_key_l = birth_key_r"
        " AND name_pinyin_l <> name_pinyin_r"
        " AND damerau_levenshtein(name_pinyin_l, name_pinyin_r) > 1"
        " AND NOT list_has_any(given_chars_l, given_chars_r)"
        " AND NOT coalesce(name_key_l IN (mother_name_l, mother_name_r)"
        " OR name_key_r IN (mother_name_l, mother_name_r), false)"
    )
    return cl.CustomComparison(
        output_column_name="mother",
        comparison_description="mother's (guardian's) ID number, else name, of a child mention",
        comparison_levels=[
            cll.CustomLevel(
                f"NOT ({both_ids}) AND NOT coalesce({same_name}, false)", "null"
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "mother_key_l = mother_key_r AND delivery_key_l = delivery_key_r",
                "same mother, two babies of one delivery register",
            ).configure(m_probability=TWIN_M_PROBABILITY, fix_m_probability=True),
            cll.CustomLevel(twins_by_name, "same mother and birth, other name").configure(
                m_probability=TWIN_M_PROBABILITY, fix_m_probability=True
            ),
            _pinned_apart(
                "mother_key_l = mother_key_r AND birth_key_l = birth_key_r"
                " AND birth_order_l <> birth_order_r",
                "same mother and birth, other birth order",
            ),
            cll.CustomLevel("mother_key_l = mother_key_r", "exact"),
            cll.CustomLevel(_near("mother_key"), "one character mistyped"),
            cll.CustomLevel(same_name, "same mother's name"),
            cll.CustomLevel(NOT_A_MOTHER, "another guardian, not a mother").configure(
                is_null_level=True
            ),
            _else().configure(m_probability=MOTHER_ELSE_M_PROBABILITY, fix_m_probability=True),
        ],
    )


def _exact_or_else(col: str, name: str, description: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=name,
        comparison_description=description,
        comparison_levels=[
            _null(col),
            cll.CustomLevel(f"{col}_l = {col}_r", "exact"),
            _else(),
        ],
    )


def all_comparisons() -> list[cl.CustomComparison]:
    """The model's comparisons, in the order of their gamma columns."""
    return [
        id_no_comparison(),
        name_comparison(),
        birth_date_comparison(),
        sex_comparison(),
        phone_comparison(),
        address_comparison(),
        mother_comparison(),
    ]
