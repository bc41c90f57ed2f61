"""Small shared helpers of the families scenario: delivery lag, timestamps, phones, growth."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta
from itertools import pairwise

from bench.scenarios.families_model import TZ, Person, Scenario

# Most file deliveries go out the night of the event; a few clinics batch their exports and send
# them a night or two late (network outages, staff entering paper forms the next morning).
P_LAG_1 = 0.06
P_LAG_2 = 0.02


def delivery_day(rng: random.Random, sc: Scenario, event_day: date, org: str) -> date:
    """The night an event's record is delivered: the event day, sometimes 1–2 days later.

    Lateness belongs to one institution's export of one day, so all its records come together.
    """
    key = (org, event_day)
    if key not in sc.lags:
        r = rng.random()
        sc.lags[key] = 2 if r < P_LAG_2 else 1 if r < P_LAG_2 + P_LAG_1 else 0
    return min(sc.end, event_day + timedelta(days=sc.lags[key]))


def at(day: date, rng: random.Random, start_hour: int = 8, end_hour: int = 17) -> datetime:
    """A time of day within opening hours."""
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    return datetime(
        day.year, day.month, day.day, minutes // 60, minutes % 60, rng.randrange(60), tzinfo=TZ
    )


def iso(ts: datetime) -> str:
    return ts.isoformat(timespec="seconds")


def exported_at(day: date, rng: random.Random) -> str:
    """The export timestamp of a nightly delivery (the job runs late in the evening)."""
    return iso(
        datetime(day.year, day.month, day.day, 22, rng.randrange(60), rng.randrange(60), tzinfo=TZ)
    )


def phone_at_org(rng: random.Random, p: Person, fallback: str = "") -> str:
    """The phone an institution holds for an adult.

    A woman who changed her number after marrying and moving (maiden/married phone) still has the
    old one at about 40 % of institutions; people without a phone give a relative's.
    """
    if p.old_phone and rng.random() < 0.4:
        return p.old_phone
    return p.phone or fallback


# WHO child growth medians (both sexes averaged) by age in months: weight kg, length cm, head cm.
GROWTH = (
    (0, 3.3, 49.9, 34.5),
    (1, 4.5, 54.7, 37.3),
    (3, 6.2, 61.4, 40.5),
    (6, 7.8, 67.6, 43.3),
    (8, 8.5, 70.6, 44.4),
    (12, 9.6, 75.7, 46.1),
    (18, 10.9, 82.3, 47.4),
    (24, 12.2, 87.1, 48.3),
    (36, 14.3, 96.1, 49.5),
    (48, 16.3, 103.3, 50.2),
    (60, 18.3, 110.0, 50.7),
    (72, 20.5, 116.0, 51.2),
    (180, 50.0, 165.0, 55.0),
)


def growth(rng: random.Random, months: float) -> tuple[float, float, float]:
    """Weight, length and head circumference of a child, around the WHO medians."""
    for (m0, *a), (m1, *b) in pairwise(GROWTH):
        if m0 <= months <= m1:
            f = (months - m0) / (m1 - m0)
            w, h, c = (x + (y - x) * f for x, y in zip(a, b, strict=True))
            break
    else:
        w, h, c = GROWTH[-1][1:]
    return (
        round(w * rng.gauss(1, 0.08), 1),
        round(h * rng.gauss(1, 0.03), 1),
        round(c * rng.gauss(1, 0.025), 1),
    )


def age_months(birth: date, day: date) -> float:
    return (day - birth).days / 30.44


def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from a string (Python's hash() is salted per process)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32
