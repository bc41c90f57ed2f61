"""Delivered text → typed values: each spelling a source uses, and what must stay unreadable."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from kernel.values import parse_dates, parse_decimals, parse_integers, parse_timestamps

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:00:00+08:00", datetime(2026, 3, 1, 10, tzinfo=SH)),
        ("2026-03-01 10:00:00", datetime(2026, 3, 1, 10, tzinfo=SH)),  # no offset: local time
        ("2026-03-01T02:00:00Z", datetime(2026, 3, 1, 10, tzinfo=SH)),  # 02:00 UTC = 10:00 +08
        ("2026/3/1 10:00", datetime(2026, 3, 1, 10, tzinfo=SH)),
        ("2026-03-01T10:00:00.250+0800", datetime(2026, 3, 1, 10, 0, 0, 250000, tzinfo=SH)),
        ("20260301", datetime(2026, 3, 1, tzinfo=SH)),
    ],
)
def test_timestamps_in_every_spelling(text: str, expected: datetime) -> None:
    assert parse_timestamps([text])[0].as_py() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-01-02", date(1990, 1, 2)),
        ("1990/01/02", date(1990, 1, 2)),
        ("19900102", date(1990, 1, 2)),
        ("1990.1.2", date(1990, 1, 2)),
        (" 1990-01-02 08:00:00", date(1990, 1, 2)),  # the written date, time ignored
        ("2024-02-29", date(2024, 2, 29)),  # a leap day
    ],
)
def test_dates_in_every_spelling(text: str, expected: date) -> None:
    assert parse_dates(pd.Series([text]))[0].as_py() == expected


# Negative cases: (input, parser) → null, so the caller quarantines the row.
@pytest.mark.parametrize(
    ("text", "parser"),
    [
        ("2026-02-30", parse_dates),  # no such day
        ("2023-02-29", parse_dates),  # not a leap year
        ("2026-13-01", parse_dates),
        ("01/03/2026", parse_dates),  # day-first is not a spelling sources use
        ("yesterday", parse_timestamps),
        ("2026-03-01 25:00:00", parse_timestamps),
        ("3.5", parse_integers),  # not whole
        ("abc", parse_integers),
        ("1,5", parse_decimals),
    ],
)
def test_unreadable_values_become_null(text: str, parser) -> None:
    assert parser(pd.Series([text]))[0].as_py() is None


def test_whole_numbers_written_as_decimals_are_integers() -> None:
    # a database or JSON may hand over 2.0 for 2
    assert parse_integers(pd.Series(["2.0", "7", "-3"])).to_pylist() == [2, 7, -3]
