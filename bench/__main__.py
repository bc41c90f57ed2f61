"""``python -m bench [NAME ...]``: run the named benchmarks (default: all) in this folder.

``python -m bench NAME --option ...`` passes the options to that one benchmark's ``main``
(``python -m bench scale --tier 1m``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _benchmarks() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(benchmark names, options for the one named): options start at the first ``-``."""
    first = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    return argv[:first], argv[first:]


def main(argv: list[str]) -> int:
    names, options = split_arguments(argv)
    if options and len(names) != 1:
        print("options go to one benchmark: python -m bench NAME --option ...")
        return 2
    names = names or _benchmarks()
    unknown = sorted(set(names) - set(_benchmarks()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(_benchmarks())}")
        return 2
    status = 0
    for name in names:
        print(f"== bench {name}", flush=True)
        status |= importlib.import_module(f"bench.{name}").main(options)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
