"""Phones, dates, sex codes and districts."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.standardise.values import (
    find_districts,
    standardise_dates,
    standardise_phones,
    standardise_sex,
)


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13912345678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width digits
        ("0512-65123456", None),  # a landline is not a mobile
        ("1391234567", None),  # 10 digits
        ("12912345678", None),  # no mobile starts 12
        ("", None),
        (None, None),
    ],
)
def test_phones(raw: str | None, phone: str | None) -> None:
    out = standardise_phones(pd.Series([raw], dtype=object))[0]
    assert (None if pd.isna(out) else out) == phone


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("1990-01-02", "1990-01-02"),
        ("1990/01/02", "1990-01-02"),
        ("19900102", "1990-01-02"),
        ("1990.01.02", "1990-01-02"),
        ("1990年1月2日", "1990-01-02"),
        ("1990-02-30", None),
        ("", None),
        ("unknown", None),
    ],
)
def test_dates(raw: str, day: str | None) -> None:
    out = standardise_dates(pd.Series([raw]))[0]
    assert (None if pd.isna(out) else out) == (day and pd.Timestamp(day))


def test_sex_labels_become_codes_and_codes_are_kept() -> None:
    raw = pd.Series(["男", "女", "1", "2", "0", "9", " 女 ", "x", None])
    assert standardise_sex(raw).tolist() == ["1", "2", "1", "2", "0", "9", "2", None, None]


def test_the_district_named_first_in_the_address() -> None:
    districts = {"虎丘区": "320505", "吴中区": "320506", "苏州工业园区": "320571"}
    addresses = pd.Series(
        ["江苏省苏州市吴中区木渎镇", "苏州工业园区星湖街", "吴中区某路近虎丘区", "上海市", None]
    )
    assert find_districts(addresses, districts).tolist() == [
        "320506",
        "320571",
        "320506",
        None,
        None,
    ]
