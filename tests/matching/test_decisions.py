"""Reviewers' decisions files: every bad line named, nothing stored unless all are good."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matching import decisions
from matching.decisions import DecisionError, pair_id

A, B, C = "hospital:H01:hospital.patient:1:patient", "mch:M01:mch.delivery:9:newborn", "x:y:z:1:r"
KNOWN = {A, B, C}
GOOD = {
    "pair_id": pair_id(A, B),
    "mention_id_l": A,
    "mention_id_r": B,
    "decision": "match",
    "reviewer": "li.na",
    "reason": "same ID number",
}


def _csv(tmp_path: Path, rows: list[dict], text: str | None = None) -> Path:
    path = tmp_path / "decisions.csv"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    else:
        pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _check(path: Path) -> pd.DataFrame:
    return decisions.validate(decisions.read_csv(path), path, KNOWN)


# (what is wrong, the rows, a phrase the error must contain)
BAD = [
    ("unknown decision", [{**GOOD, "decision": "maybe"}], "line 2: decision 'maybe'"),
    ("empty reviewer", [{**GOOD, "reviewer": " "}], "line 2: reviewer is empty"),
    ("empty reason", [{**GOOD, "reason": ""}], "line 2: reason is empty"),
    (
        "pair id of other mentions",
        [{**GOOD, "pair_id": pair_id(A, C)}],
        "does not belong to these two mentions",
    ),
    (
        "unknown mention",
        [{**GOOD, "mention_id_r": "nope", "pair_id": pair_id(A, "nope")}],
        "unknown mention id(s) nope",
    ),
    (
        "a mention with itself",
        [{**GOOD, "mention_id_r": A, "pair_id": pair_id(A, A)}],
        "paired with itself",
    ),
    ("both ways", [GOOD, {**GOOD, "decision": "non-match"}], "line 3: pair"),
    (
        "missing column",
        [{k: v for k, v in GOOD.items() if k != "reviewer"}],
        "missing column(s): reviewer",
    ),
]


@pytest.mark.parametrize(
    ("rows", "phrase"), [(r, p) for _, r, p in BAD], ids=[name for name, _, _ in BAD]
)
def test_bad_decisions_are_refused_with_the_line(tmp_path: Path, rows, phrase: str) -> None:
    with pytest.raises(DecisionError, match="nothing applied") as raised:
        _check(_csv(tmp_path, rows))
    assert phrase in str(raised.value)


def test_not_a_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DecisionError, match="no decisions"):
        _check(
            _csv(tmp_path, [], text="pair_id,mention_id_l,mention_id_r,decision,reviewer,reason\n")
        )


def test_good_decisions_are_trimmed_and_ordered(tmp_path: Path) -> None:
    # the mentions come right-to-left and padded: stored left < right, trimmed
    row = {**GOOD, "mention_id_l": f" {B}", "mention_id_r": A, "decision": "non-match "}
    out = _check(_csv(tmp_path, [row]))
    assert out[["mention_id_l", "mention_id_r", "decision"]].values.tolist() == [
        [A, B, "non-match"]
    ]


def test_storing_twice_is_a_no_op_and_the_latest_decision_wins(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _check(_csv(tmp_path, [GOOD]))
    stored = decisions.store(data, first)
    assert not stored.already_applied and stored.path.parent == decisions.decisions_dir(data)
    assert decisions.store(data, first).already_applied
    # a later file reverses the decision: the replay keeps only the latest
    decisions.store(data, first.assign(decision="non-match"))
    replay = decisions.load(data)
    assert replay.pairs[["unique_id_l", "unique_id_r", "decision"]].values.tolist() == [
        [A, B, "non-match"]
    ]
    assert replay.non_matches == {frozenset((A, B))} and replay.matches.empty
