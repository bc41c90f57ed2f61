"""ID numbers: every damage kind is repaired or flagged, never silently fixed."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kernel import idno
from pipelines.standardise.ids import standardise_ids

GOOD = idno.make("320505", date(1995, 5, 17), 24)  # a woman born 1995-05-17
ENDS_X = "11010519491231002X"  # STANDARDS.md's example: valid, check character X
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
WRONG_CHECK = GOOD[:17] + ("1" if GOOD[17] != "1" else "2")
# one digit of the sequence mistyped, and two adjacent digits of it swapped: MOD 11-2 catches both
MISTYPED = GOOD[:15] + str((int(GOOD[15]) + 1) % 10) + GOOD[16:]
SWAPPED = GOOD[:14] + GOOD[15] + GOOD[14] + GOOD[16:]  # sequence 024 → 204

# (delivered, id_type, expected id_no, expected valid, expected damage)
CASES = [
    (GOOD, "01", GOOD, True, "none"),
    (f" {GOOD[:6]} {GOOD[6:]} ", "01", GOOD, True, "whitespace"),
    (GOOD.translate(WIDE), "01", GOOD, True, "fullwidth"),
    (ENDS_X.lower(), "01", ENDS_X, True, "lowercase_x"),
    (idno.to_legacy15(GOOD), "01", GOOD, True, "legacy15"),  # 15 → 18, check char recomputed
    (WRONG_CHECK, "01", WRONG_CHECK, False, "bad_checksum"),  # kept for fuzzy comparison
    (MISTYPED, "01", MISTYPED, False, "bad_checksum"),
    (SWAPPED, "01", SWAPPED, False, "bad_checksum"),
    (GOOD[:16], "01", GOOD[:16], False, "bad_length"),
    (GOOD + "1", "01", GOOD + "1", False, "bad_length"),
    ("3205051995023002A4", "01", "3205051995023002A4", False, "bad_format"),  # a letter inside
    ("320505199502300241", "01", "320505199502300241", False, "bad_format"),  # 2月30日
    ("", "01", None, False, "empty"),
    ("   ", "01", None, False, "empty"),
    (None, None, None, False, "empty"),
    ("e1234567 ", "03", "E1234567", False, "other_type"),  # passport: normalised, not checked
    (GOOD, "居民身份证", GOOD, True, "none"),  # the label instead of the code
    (GOOD, None, GOOD, True, "none"),  # no type delivered: read as 居民身份证
    (f" {WRONG_CHECK.lower()}", "01", WRONG_CHECK, False, "bad_checksum"),  # worst damage wins
]


@pytest.mark.parametrize(("raw", "id_type", "id_no", "valid", "damage"), CASES)
def test_each_damage_kind(
    raw: str | None, id_type: str | None, id_no: str | None, valid: bool, damage: str
) -> None:
    out = standardise_ids(pd.Series([raw], dtype=object), pd.Series([id_type], dtype=object)).iloc[
        0
    ]
    assert (None if pd.isna(out["id_no"]) else out["id_no"]) == id_no
    assert bool(out["id_no_valid"]) is valid
    assert out["id_damage"] == damage


def test_a_valid_number_gives_birth_date_and_sex() -> None:
    out = standardise_ids(pd.Series([GOOD, ENDS_X, WRONG_CHECK])).reset_index(drop=True)
    # GOOD: sequence 024, even → woman (2); ENDS_X: sequence 002 → woman; invalid → nothing
    assert out["id_birth_date"][0] == pd.Timestamp("1995-05-17") and out["id_sex_code"][0] == "2"
    assert out["id_birth_date"][1] == pd.Timestamp("1949-12-31") and out["id_sex_code"][1] == "2"
    assert pd.isna(out["id_birth_date"][2]) and pd.isna(out["id_sex_code"][2])
