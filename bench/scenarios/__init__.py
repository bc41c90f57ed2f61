"""Independent test scenarios for the record-linkage model, delivered through the source interface.

Everything here is written from ``spec/SOURCES.md`` and the contracts in ``schemas/`` alone, never
from the linkage code it is meant to test: :mod:`bench.scenarios.deliver` writes a sources root
(front-end SQLite databases, JSON Lines, CSV and GBK CSV deliveries with manifests, and
``truth/``); :mod:`bench.scenarios.hard_cases` is a hand-built suite of worked hard cases whose
expected grouping comes from domain knowledge (newborns under placeholder names, twins, damaged
dates and ID numbers, namesakes, …); :mod:`bench.scenarios.febrl` puts the public FEBRL 1–4
benchmarks through the same interface. Build one with
``python -m bench.scenarios.cli build --what hard_cases --out DIR``.
"""

from __future__ import annotations


def main(argv: list[str]) -> int:
    """Entry point for ``python -m bench`` (which calls every bench module's ``main([])``).

    Building scenarios needs an output folder, so with no arguments this only prints usage and
    succeeds: running all benchmarks must not fail because of a data builder.
    """
    from bench.scenarios.cli import main as cli_main

    return cli_main(argv)
