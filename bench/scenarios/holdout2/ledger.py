"""The build context: window, random streams, record numbering, and the truth being kept.

Every person mention goes through :meth:`Ledger.mention` (the writer's truth row and a count),
every deliberate damage through :meth:`Ledger.damaged` (a ``truth/damage.csv`` row and, where it
says something about the person, a ``truth/kinds.csv`` kind). Random streams are one per part of
the build, seeded from the scenario seed and the part's name, so that adding records to one
source does not reshuffle another.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bench.scenarios.deliver import SourcesWriter
from bench.scenarios.holdout2.rates import NOMINAL_DAYS

# Every kind of truth/damage.csv, by field: what the desk or the export did to the record.
DAMAGE_KINDS = (
    # ID number
    "id_typo",
    "id_transposed",
    "id_truncated",
    "id_spaces",
    "id_lowercase_x",
    "id_fullwidth",
    "id_legacy15",
    "id_missing",
    "id_of_mother",
    "id_of_relative",
    "id_travel_permit",
    "passport_typo",
    # name
    "name_homophone",
    "name_traditional",
    "name_dot_variant",
    "name_rare_char_sub",
    "name_mother_form",
    "name_placeholder",
    "name_milk_name",
    "name_latin_order",
    "name_middle_dropped",
    "name_latin_translit",
    "name_unknown",
    # sex, birth date, phone
    "sex_missing",
    "sex_flipped",
    "date_md_swap",
    "date_off_by_one",
    "date_year_typo",
    "date_lunar",
    "date_of_mother",
    "birth_missing",
    "phone_of_mother",
    "phone_typo",
    # the record: registered twice, re-delivered with the same record_id on a later night
    "duplicate_registration",
    "renamed_on_redelivery",
    "birth_date_corrected_later",
    "name_corrected_later",
    "voided",
    "voided_entered_on_twin",
    "reexported_after_review",
)

# damage kind -> person kind it implies (None: a property of the record, not of the person)
PERSON_KIND = {
    "id_typo": "damaged_id",
    "id_transposed": "damaged_id",
    "id_truncated": "damaged_id",
    "id_spaces": "damaged_id",
    "id_lowercase_x": "damaged_id",
    "id_fullwidth": "damaged_id",
    "passport_typo": "damaged_id",
    "id_of_mother": "relative_id_used",
    "id_of_relative": "relative_id_used",
    "id_legacy15": "non_checksummed_id",
    "date_md_swap": "damaged_date",
    "date_off_by_one": "damaged_date",
    "date_year_typo": "damaged_date",
    "date_lunar": "damaged_date",
    "date_of_mother": "damaged_date",
    "id_travel_permit": "non_checksummed_id",
}


@dataclass
class Ledger:
    writer: SourcesWriter
    start: date
    days: int
    seed: int
    damage: list[dict] = field(default_factory=list)
    kinds: dict[str, set[str]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    mentions_of: Counter = field(default_factory=Counter)
    desk_cache: dict = field(default_factory=dict)
    _serial: Counter = field(default_factory=Counter)
    _streams: dict[str, random.Random] = field(default_factory=dict)

    @property
    def nominal(self) -> int:
        return max(self.days, NOMINAL_DAYS)

    @property
    def window(self) -> list[date]:
        return [self.start + timedelta(n) for n in range(self.days)]

    @property
    def end(self) -> date:
        """The first day after the window."""
        return self.start + timedelta(self.days)

    def rng(self, part: str) -> random.Random:
        if part not in self._streams:
            self._streams[part] = random.Random(f"holdout2:{self.seed}:{part}")
        return self._streams[part]

    def in_window(self, day: date) -> bool:
        return self.start <= day < self.end

    def chance(self, rng: random.Random, rate: float) -> bool:
        """A contact of ``rate`` per 40 nights, over the nominal span of this build."""
        return rng.random() < min(0.97, rate * self.nominal / NOMINAL_DAYS)

    def some_day(self, rng: random.Random, first: int = 0) -> date | None:
        """A uniformly drawn night of the nominal span, None when it falls past the window."""
        offset = rng.randrange(first, self.nominal)
        return self.start + timedelta(offset) if offset < self.days else None

    def early_day(self, rng: random.Random) -> date:
        """A night early enough that a short build still has it (forced hard cases)."""
        return self.start + timedelta(rng.randrange(min(self.days, 6)))

    def serial(self, key: str) -> int:
        self._serial[key] += 1
        return self._serial[key]

    def mention(self, source: str, org: str, record_id: str, role: str, person) -> None:
        self.writer.truth(source, org, record_id, role, person.pid)
        key = (source, org, str(record_id), role)
        if key not in self._seen:
            self._seen.add(key)
            self.counts[(source, role)] += 1
            self.mentions_of[person.pid] += 1

    def damaged(self, source, org, record_id, role, column, kind, person=None) -> None:
        if kind not in DAMAGE_KINDS:
            raise ValueError(f"undocumented damage kind {kind!r}")
        row = {
            "source": source,
            "org_code": org,
            "record_id": str(record_id),
            "role": role,
            "field": column,
            "kind": kind,
        }
        if row not in self.damage[-4:]:
            self.damage.append(row)
        self._kinds_seen.add(kind)
        if person is not None and PERSON_KIND.get(kind):
            self.kind(person, PERSON_KIND[kind])

    def first(self, kind: str) -> bool:
        """True until a damage of ``kind`` has been recorded: the first eligible record gets a
        rare damage for sure, so that a short build still has every kind."""
        return kind not in self._kinds_seen

    def kind(self, person, kind: str) -> None:
        self.kinds.setdefault(person.pid, set()).add(kind)

    def __post_init__(self) -> None:
        self._seen: set[tuple] = set()
        self._kinds_seen: set[str] = set()


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour % 24, minute, second))


def clock(rng: random.Random, day: date, first: int = 8, last: int = 17) -> datetime:
    """A time of day within working hours (or any hours given)."""
    return at(day, rng.randrange(first, last), rng.randrange(60), rng.randrange(60))
