"""Bulk standardised person mentions, from the simulator's own person model.

The simulator has one model of the city — its residents and households (``population``),
their names and ID numbers (``identity``), the institutions, their care networks and
data-quality profiles (``institutions``, ``noise``) — and two outputs:

- source deliveries, a simulated day at a time, per spec/SOURCES.md (``simulate_city``);
- here, ``std.person_mention`` rows in bulk with ``person_id`` (the truth): a million people
  and three million mentions in a minute or so (two cores, 4 GiB at peak), for the linkage
  benchmark, and small cities for tests and training.

No days of care are simulated: each person gets a few records of datasets that serve their
age (``plan``); each record carries the identity its source would deliver —
``identity.as_of``, the source's paperwork rule, the institution's damage — in the columns
the source contract names (``delivered``); and the rows are made from those raw tables by
the standardise stage's ``build_person_mentions`` (``lake``), exactly as the nightly run
would make them.

``bulk_city(persons, seed, start)`` builds the world with ``simulator.city.build_world``, so
its people are those of ``simulate_city(out, persons, start, days, seed)``. ``next_night`` adds
a night of mentions of known and new people (the incremental benchmark); ``small_city`` is the
variant for tests and training, every institution at the typical profile's rates.
Same arguments, same rows.
"""

from simulator.bulk.city import (
    SMALL,
    BulkCity,
    bulk_city,
    bulk_mentions,
    next_night,
    small_city,
    typical,
)
from simulator.bulk.lake import write_std, write_truth

__all__ = [
    "SMALL",
    "BulkCity",
    "bulk_city",
    "bulk_mentions",
    "next_night",
    "small_city",
    "typical",
    "write_std",
    "write_truth",
]
