"""``python -m simulator.bulk --data DIR``: land a bulk city's person mentions in a lake.

Writes ``lake/std/person_mention`` under DIR, one partition per night, as the standardise
stage would have; with ``--sources`` also ``truth/record_person.csv`` there, for
``healtharchive evaluate``. ``python -m matching.training --data DIR`` trains on them.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from simulator.bulk.city import bulk_city
from simulator.bulk.lake import write_std, write_truth
from simulator.config import SimConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 3, 1))
    parser.add_argument("--nights", type=int, default=2)
    parser.add_argument("--per-person", type=float, default=3.0)
    parser.add_argument("--noise-scale", type=float, default=1.0)
    parser.add_argument("--sources", type=Path, help="also write truth/ under this folder")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    city = bulk_city(
        args.persons,
        args.seed,
        args.start,
        nights=args.nights,
        per_person=args.per_person,
        config=SimConfig(noise_scale=args.noise_scale),
    )
    for path in write_std(city.table, args.data):
        print(path)
    if args.sources:
        print(write_truth(city.mentions, args.sources))
    seconds = time.perf_counter() - began
    print(f"{city.table.num_rows:,} mentions of {args.persons:,} people in {seconds:.1f} s")


if __name__ == "__main__":
    main()
