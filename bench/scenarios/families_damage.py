"""Data-entry damage for the families scenario, with a log of every damaged mention field.

Each kind has one documented rate (``RATES``) and one eligibility rule. A draw is made once per
*keyed entry*: the same archive keeps its typo on every record it exports (a mother's MCH
handbook, a child's province-wide vaccination archive, a hospital patient row), while a checkup
centre types each visit afresh. ``eligible``/``applied`` count draws; ``log`` has one row per
mention field that carries damage, for ``truth/damage.csv``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta

from bench.scenarios.families_ids import FULL_WIDTH, to_legacy15
from bench.scenarios.families_names import HOMOPHONES, homophone_typo, to_traditional

RATES: dict[str, float] = {
    # ID number fields (18-character values; legacy only for people born before 1966)
    "id_digit_typo": 0.015,
    "id_adjacent_swap": 0.010,
    "id_fullwidth": 0.010,
    "id_lowercase_x": 0.25,  # of IDs ending in X (9 % of IDs), i.e. about 2.3 % overall
    "id_legacy15": 0.20,  # of ID entries of people born before 1966, in hospital and checkup
    "id_mother_for_child": 0.02,  # of a child's own ID field
    # names (real names only; placeholders are not typed from an ID card)
    "name_homophone": 0.02,
    "name_traditional": 0.01,
    # birth dates
    "birth_month_day_swap": 0.01,  # of dates whose day is 1..12 and differs from the month
    "birth_one_day_off": 0.015,
    "birth_mother_for_child": 0.01,  # of a child's birth date field
    # others
    "phone_missing": 0.04,
    "sex_flip": 0.01,  # child checkups only
}
LEGACY_BEFORE = date(1966, 1, 1)


@dataclass(frozen=True)
class Ctx:
    """Where a value is written: which mention of which record."""

    source: str
    org_code: str
    record_id: str
    role: str


class Damager:
    """Applies damage with its own random stream, so the population does not depend on it."""

    def __init__(self, rng: random.Random, enabled: bool = True) -> None:
        self.rng = rng
        self.enabled = enabled
        self.eligible: Counter = Counter()
        self.applied: Counter = Counter()
        self.log: list[dict] = []
        self._cache: dict[Hashable, tuple[str, tuple[str, ...]]] = {}

    def _draw(self, kind: str) -> bool:
        self.eligible[kind] += 1
        hit = self.rng.random() < RATES[kind]
        self.applied[kind] += hit
        return hit

    def _keyed(
        self, key: Hashable | None, ctx: Ctx, field: str, fn: Callable[[list[str]], str]
    ) -> str:
        if key is not None and key in self._cache:
            value, done = self._cache[key]
        else:
            got: list[str] = []
            value = fn(got)
            done = tuple(got)
            if key is not None:
                self._cache[key] = (value, done)
        for kind in done:
            self.log.append(
                {
                    "source": ctx.source,
                    "org_code": ctx.org_code,
                    "record_id": ctx.record_id,
                    "role": ctx.role,
                    "field": field,
                    "kind": kind,
                }
            )
        return value

    def id_no(
        self,
        ctx: Ctx,
        field: str,
        clean: str,
        key: Hashable | None,
        *,
        birth: date | None = None,
        legacy_ok: bool = False,
        mother_id: str | None = None,
    ) -> str:
        """An ID field; ``mother_id`` marks a child's own field (the mother's may be typed)."""
        if not self.enabled:
            return clean

        def fn(kinds: list[str]) -> str:
            if mother_id and self._draw("id_mother_for_child"):
                kinds.append("id_mother_for_child")
                return mother_id
            if len(clean) != 18:
                return clean
            v = clean
            if (
                legacy_ok
                and birth is not None
                and birth < LEGACY_BEFORE
                and self._draw("id_legacy15")
            ):
                kinds.append("id_legacy15")
                return to_legacy15(v)
            if self._draw("id_digit_typo"):
                i = self.rng.randrange(17)
                v = v[:i] + self.rng.choice([d for d in "0123456789" if d != v[i]]) + v[i + 1 :]
                kinds.append("id_digit_typo")
            elif self._draw("id_adjacent_swap"):
                spots = [i for i in range(16) if v[i] != v[i + 1]]
                i = self.rng.choice(spots)
                v = v[:i] + v[i + 1] + v[i] + v[i + 2 :]
                kinds.append("id_adjacent_swap")
            if v.endswith("X") and self._draw("id_lowercase_x"):
                v = v[:-1] + "x"
                kinds.append("id_lowercase_x")
            if self._draw("id_fullwidth"):
                v = v.translate(FULL_WIDTH)
                kinds.append("id_fullwidth")
            return v

        return self._keyed(None if key is None else ("id", field, clean, key), ctx, field, fn)

    def name(self, ctx: Ctx, field: str, clean: str, key: Hashable | None) -> str:
        if not self.enabled or not clean:
            return clean

        def fn(kinds: list[str]) -> str:
            if any(c in HOMOPHONES for c in clean) and self._draw("name_homophone"):
                kinds.append("name_homophone")
                return homophone_typo(self.rng, clean) or clean
            if to_traditional(clean) != clean and self._draw("name_traditional"):
                kinds.append("name_traditional")
                return to_traditional(clean)
            return clean

        return self._keyed(None if key is None else ("name", field, clean, key), ctx, field, fn)

    def birth(
        self,
        ctx: Ctx,
        field: str,
        clean: date,
        key: Hashable | None,
        mother_birth: date | None = None,
    ) -> str:
        if not self.enabled:
            return clean.isoformat()

        def fn(kinds: list[str]) -> str:
            if mother_birth is not None and self._draw("birth_mother_for_child"):
                kinds.append("birth_mother_for_child")
                return mother_birth.isoformat()
            if clean.day <= 12 and clean.day != clean.month and self._draw("birth_month_day_swap"):
                kinds.append("birth_month_day_swap")
                return date(clean.year, clean.day, clean.month).isoformat()
            if self._draw("birth_one_day_off"):
                kinds.append("birth_one_day_off")
                return (clean + timedelta(days=self.rng.choice((-1, 1)))).isoformat()
            return clean.isoformat()

        return self._keyed(None if key is None else ("birth", field, clean, key), ctx, field, fn)

    def phone(self, ctx: Ctx, field: str, clean: str, key: Hashable | None) -> str:
        if not self.enabled or not clean:
            return clean

        def fn(kinds: list[str]) -> str:
            if self._draw("phone_missing"):
                kinds.append("phone_missing")
                return ""
            return clean

        return self._keyed(None if key is None else ("phone", field, clean, key), ctx, field, fn)

    def sex(self, ctx: Ctx, field: str, clean: str, key: Hashable | None) -> str:
        if not self.enabled or clean not in ("1", "2"):
            return clean

        def fn(kinds: list[str]) -> str:
            if self._draw("sex_flip"):
                kinds.append("sex_flip")
                return "2" if clean == "1" else "1"
            return clean

        return self._keyed(None if key is None else ("sex", field, clean, key), ctx, field, fn)
