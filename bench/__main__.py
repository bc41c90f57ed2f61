"""``python -m bench [NAME ...]``: run the named benchmarks (default: all) in this folder."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _benchmarks() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = argv or _benchmarks()
    unknown = sorted(set(names) - set(_benchmarks()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(_benchmarks())}")
        return 2
    status = 0
    for name in names:
        print(f"== bench {name}", flush=True)
        status |= importlib.import_module(f"bench.{name}").main([])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
