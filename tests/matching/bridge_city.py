"""A hand-made index with a bridge: one man split over two residents on night 1, then a
mention on night 2 that links to both. Shared by the incremental and review-page tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from kernel import idno
from kernel.city import city
from matching import link_date
from simulator.bulk import small_city
from tests.matching.landing import land
from tests.matching.matching_pairs import mention

D1 = date(2024, 3, 1)
NIGHT = [D1 + timedelta(days=n) for n in range(6)]
BORN = date(1980, 5, 9)
ID = idno.make("320505", BORN, 11)  # a man
PERSON = {"id_no": ID, "name": "王建国", "birth_date": BORN, "phone": "13912345678"}
# the same man at another hospital: no ID number, month and day of birth swapped, no sex
NO_ID = {"name": "王建国", "birth_date": date(1980, 9, 5), "phone": "13912345678"}
OTHER = {
    "id_no": idno.make("320506", date(1975, 2, 3), 22),
    "name": "李秀英",
    "birth_date": date(1975, 2, 3),
    "phone": "13800001111",
    "sex_code": "2",
}


def _id(n: str, org: str = "H01") -> str:
    return f"hospital:{org}:hospital.patient:{n}:patient"


A1, A2, A3, B1 = _id("a1"), _id("a2", "H02"), _id("a3", "H03"), _id("b1")


def bridge_city(data: Path, auto_merge: bool = False) -> None:
    """Land and link nights 1 and 2 of the scenario in ``data``. Without ``auto_merge`` the
    city sends every bridge to review (its ``link_auto_merge_weight`` set out of reach), so
    the review path is what is tested; with it the strong bridge merges the two residents."""
    with _auto_merge(auto_merge):
        _nights(data)


@contextmanager
def _auto_merge(allowed: bool) -> Iterator[None]:
    name = "HEALTHARCHIVE_CITY_LINK_AUTO_MERGE_WEIGHT"
    old = os.environ.get(name)
    if not allowed:
        os.environ[name] = "1e9"
    city.cache_clear()
    try:
        yield
    finally:
        os.environ.pop(name, None) if old is None else os.environ.__setitem__(name, old)
        city.cache_clear()


def _nights(data: Path) -> None:
    # a background population so that frequencies and the prior are realistic
    background = small_city(300, seed=8, start=D1, nights=1).mentions
    # night 1: one man twice — a1 without phone, a2 without ID number: they share no
    # blocking key, so they become two residents — and another woman
    a1 = {**PERSON, "phone": None, "sex_code": "1"}
    land(
        data,
        NIGHT[0],
        mention("a1", **a1),
        mention("a2", org_code="H02", **NO_ID),
        mention("b1", **OTHER),
        background=background,
    )
    link_date(data, NIGHT[0])
    # night 2: the man with ID number and phone: he links to both of his residents (a bridge)
    land(data, NIGHT[1], mention("a3", org_code="H03", **PERSON))
    link_date(data, NIGHT[1])
