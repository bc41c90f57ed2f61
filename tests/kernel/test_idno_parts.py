from __future__ import annotations

from datetime import date

import pytest

from kernel import idno


def test_standard_example_is_valid() -> None:
    # STANDARDS.md: 11010519491231002X is valid (sequence 002 even → female)
    assert idno.is_valid("11010519491231002X")
    assert idno.birth_date("11010519491231002X") == date(1949, 12, 31)
    assert idno.sex_code("11010519491231002X") == "2"


@pytest.mark.parametrize(
    "damaged",
    [
        "11010519491231002x",  # lowercase check character
        "11010519491231003X",  # one substituted digit
        "11010591491231002X",  # two adjacent digits swapped
        "1101051949123100",  # too short
        "",
        None,
    ],
)
def test_damaged_numbers_are_invalid(damaged: str | None) -> None:
    assert not idno.is_valid(damaged)


def test_legacy_15_round_trip() -> None:
    legacy = idno.to_legacy15("11010519491231002X")
    assert legacy == "110105491231002"
    assert idno.from_legacy15(legacy) == "11010519491231002X"


def test_make_composes_valid_numbers_with_sex_in_sequence() -> None:
    man = idno.make("320505", date(1980, 2, 29), 17)
    assert idno.is_valid(man) and idno.sex_code(man) == "1"


def test_impossible_birth_date_is_invalid() -> None:
    first17 = "32050519800230001"  # 30 February
    assert not idno.is_valid(first17 + idno.check_char(first17))
