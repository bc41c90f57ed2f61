"""``python -m bench.scenarios build --what hard_cases|febrl1…4 --out DIR``: see :mod:`.cli`."""

from __future__ import annotations

import sys

from bench.scenarios.cli import main

if __name__ == "__main__":
    sys.exit(main())
