"""Simulated time: local wall-clock seconds (Asia/Shanghai, no DST) and epoch days, vectorised.

The simulator keeps every instant as int64 seconds since 1970-01-01 00:00 *local* time, so a
day number is ``seconds // 86400`` and formatting never needs a time-zone database.
"""

from __future__ import annotations

from datetime import date

import numpy as np

DAY = 86_400
HOUR = 3_600
OFFSET = "+08:00"


def epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def iso_stamps(seconds: np.ndarray) -> np.ndarray:
    """``2026-03-01T08:15:30+08:00`` for each instant."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="int64").astype("datetime64[s]"))
    return np.char.add(text, OFFSET).astype(object)


def plain_stamps(seconds: np.ndarray) -> np.ndarray:
    """``2026-03-01 08:15:30`` (local time, as many Chinese vendor systems write it)."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="int64").astype("datetime64[s]"))
    return np.char.replace(text, "T", " ").astype(object)


def iso_dates(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` for each epoch day."""
    return np.datetime_as_string(np.asarray(days, dtype="int64").astype("datetime64[D]")).astype(
        object
    )


def years(days: np.ndarray) -> np.ndarray:
    return (
        np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[Y]").astype(int)
        + 1970
    )


def age_years(birth: np.ndarray, on_day: int | np.ndarray) -> np.ndarray:
    """Completed years of age (approximate to a day or so at leap years; good for rates)."""
    return ((np.asarray(on_day) - np.asarray(birth)) / 365.2425).astype(np.int32)


def clinic_seconds(rng: np.random.Generator, n: int, start_h: float, end_h: float) -> np.ndarray:
    """Uniform times of day within opening hours, as seconds after midnight."""
    return (rng.uniform(start_h, end_h, n) * HOUR).astype(np.int64)
