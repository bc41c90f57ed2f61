"""The city simulator: a realistic city's source deliveries (spec/SOURCES.md) with ground truth.

``simulate_city(out, residents, start, days, seed)`` writes hospitals' front-end databases,
vaccination JSON Lines, MCH and checkup CSVs, reference data and ``truth/``; see ``city.py``.
``simulator.bulk`` mentions the same people in bulk, as standardised ``std.person_mention``
rows, for benchmarks, tests and training.

Conventions a reader of the output should know (all within spec/SOURCES.md):
- hospital timestamps and vaccination/MCH ``exported_at`` are ISO 8601 with ``+08:00``; the
  checkup vendor writes ``YYYY-MM-DD HH:MM:SS`` (local time) and CRLF line ends, in GBK;
- an empty value is NULL in SQLite, an empty CSV field, and in JSON ``null`` or ``""``
  depending on the clinic's vendor;
- a quarter of hospitals write diagnoses in the national clinical edition (``J06.900``,
  ``I10.x00``); vaccine names vary by clinic under one ``vaccine_code``;
- ``truth/`` also holds ``person.csv`` (every simulated person as they really are) and
  ``institution_profiles.csv`` (each institution's tier and damage rates).
"""

from simulator.city import SimulationSummary, simulate_city
from simulator.config import SimConfig

__all__ = ["SimConfig", "SimulationSummary", "simulate_city"]
