"""Reviewers' decisions: validated, stored for good, replayed by every nightly run.

A decisions file is a CSV with one row per reviewed pair: ``pair_id, mention_id_l,
mention_id_r, decision`` (``match`` or ``non-match``), ``reviewer``, ``reason``. Applying it
stores a normalised copy under ``data/mpi/decisions/``; every run reads all stored files, the
latest decision per pair winning, and they override the model forever (``matching.link``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kernel.atomic import atomic_path
from kernel.layout import Layout

COLUMNS = ("pair_id", "mention_id_l", "mention_id_r", "decision", "reviewer", "reason")
DECISIONS = ("match", "non-match")
MAX_LISTED_PROBLEMS = 20


class DecisionError(ValueError):
    """A decisions file that cannot be applied; ``problems`` says which lines and why."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n  ".join(shown) + (f"\n  … and {more} more" if more else "")
        super().__init__(f"{path}: {len(problems)} problem(s), nothing applied:\n  {text}")


def pair_id(mention_a: str, mention_b: str) -> str:
    """Stable id of an unordered pair of mentions (the review queue's ``pair_id``)."""
    low, high = sorted((mention_a, mention_b))
    return hashlib.sha256(f"{low}|{high}".encode()).hexdigest()[:16]


def decisions_dir(data: Path) -> Path:
    return Layout(data).decisions_dir


def read_csv(path: Path) -> pd.DataFrame:
    """The decisions CSV as text columns (a BOM from spreadsheet software is tolerated)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(path, [f"cannot read the file as UTF-8 text: {exc}"]) from exc
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DecisionError(path, [f"not a CSV table: {exc}"]) from exc


def validate(frame: pd.DataFrame, path: Path, known_mentions: Collection[str]) -> pd.DataFrame:
    """The decisions, trimmed and in canonical pair order; raises DecisionError listing every
    problem with its CSV line number (header = line 1)."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DecisionError(
            path, [f"missing column(s): {', '.join(missing)}; expected {', '.join(COLUMNS)}"]
        )
    frame = frame[list(COLUMNS)].apply(lambda col: col.str.strip())
    if frame.empty:
        raise DecisionError(path, ["no decisions in the file"])
    problems = []
    seen: dict[str, tuple[int, str]] = {}
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        problems += [f"line {line}: {p}" for p in _row_problems(row, known_mentions)]
        if row.pair_id in seen and seen[row.pair_id][1] != row.decision:
            problems.append(
                f"line {line}: pair {row.pair_id} decided differently on line "
                f"{seen[row.pair_id][0]}"
            )
        seen.setdefault(row.pair_id, (line, row.decision))
    if problems:
        raise DecisionError(path, problems)
    low = frame[["mention_id_l", "mention_id_r"]].min(axis=1)
    high = frame[["mention_id_l", "mention_id_r"]].max(axis=1)
    return frame.assign(mention_id_l=low, mention_id_r=high).drop_duplicates("pair_id")


def _row_problems(row: tuple, known: Collection[str]) -> list[str]:
    problems = []
    if row.decision not in DECISIONS:
        problems.append(f"decision {row.decision!r} is not one of {', '.join(DECISIONS)}")
    for col in ("reviewer", "reason", "mention_id_l", "mention_id_r"):
        if not getattr(row, col):
            problems.append(f"{col} is empty")
    if row.mention_id_l and row.mention_id_l == row.mention_id_r:
        problems.append("a mention cannot be paired with itself")
    elif row.mention_id_l and row.mention_id_r:
        if row.pair_id != pair_id(row.mention_id_l, row.mention_id_r):
            problems.append(
                f"pair_id {row.pair_id!r} does not belong to these two mentions "
                f"(expected {pair_id(row.mention_id_l, row.mention_id_r)})"
            )
        unknown = [m for m in (row.mention_id_l, row.mention_id_r) if m not in known]
        if unknown:
            problems.append(f"unknown mention id(s) {', '.join(unknown)}")
    return problems


@dataclass
class Stored:
    path: Path
    already_applied: bool


def store(data: Path, decisions: pd.DataFrame, now: datetime | None = None) -> Stored:
    """Keep validated decisions for good: ``decisions-<UTC time>-<content hash>.csv``.

    Storing the same content twice is a no-op, so re-applying a file changes nothing.
    """
    body = decisions[list(COLUMNS)].to_csv(index=False, lineterminator="\n")
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    folder = decisions_dir(data)
    existing = sorted(folder.glob(f"decisions-*-{digest}.csv"))
    if existing:
        return Stored(existing[0], True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"decisions-{stamp}-{digest}.csv"
    with atomic_path(path) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return Stored(path, False)


@dataclass
class Replay:
    """Every stored decision, the latest per pair (file order, then line)."""

    pairs: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "decision", "decision_id"], dtype="str"
        )
    )

    @property
    def matches(self) -> pd.DataFrame:
        return self.pairs[self.pairs["decision"] == "match"]

    @property
    def non_matches(self) -> set[frozenset[str]]:
        apart = self.pairs[self.pairs["decision"] == "non-match"]
        return {frozenset(p) for p in zip(apart["unique_id_l"], apart["unique_id_r"], strict=True)}


def load(data: Path) -> Replay:
    files = sorted(decisions_dir(data).glob("decisions-*.csv"))
    if not files:
        return Replay()
    parts = []
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["decision_id"] = [f"{path.stem}:{line}" for line in range(2, len(frame) + 2)]
        parts.append(frame)
    every = pd.concat(parts, ignore_index=True)
    latest = every.drop_duplicates("pair_id", keep="last")
    pairs = latest.rename(columns={"mention_id_l": "unique_id_l", "mention_id_r": "unique_id_r"})
    cols = ["unique_id_l", "unique_id_r", "decision", "decision_id"]
    return Replay(pairs[cols].sort_values(cols[:2], ignore_index=True))
