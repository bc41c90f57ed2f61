"""Two children's records whose names sound alike but are written otherwise, decided by hand.

邵浩宇 typed 邵豪宇 is the commonest slip of a pinyin keyboard, but twins are named so too (周诗雨,
周诗语), and twins born before the delivery registers reach leave no trace of their birth: the
pair waits for a reviewer. One child's own ID number on both records says one child, whatever
the names.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kernel import idno
from matching.clustering import classify_pairs
from matching.features import build_features
from matching.inference import score_new
from matching.model import load_model
from tests.matching.matching_pairs import frame, mention

BORN = date(2024, 2, 1)
MOTHER = idno.make("320507", date(1997, 8, 16), 42)
SECOND_MOTHER = idno.make("320506", date(1995, 3, 2), 22)
OTHER_MOTHER = idno.make("320508", date(1993, 1, 9), 62)
CHILD = idno.make("320507", BORN, 11)


def _vaccine(record_id: str, name: str, mother: str, **fields: object) -> dict:
    return mention(record_id, source="vaccination", org_code="V01", dataset="vaccination.dose",
                   role="recipient", name=name, sex_code="1", birth_date=BORN,
                   mother_id_no=mother, phone="18630851142", **fields)  # fmt: skip


def _twins_register(mother: str) -> list[dict]:
    return [mention(f"dl{n}-{mother[-4:]}", source="mch", org_code="M01",
                    dataset="mch.delivery", role="newborn", mother_id_no=mother,
                    birth_date=BORN, sex_code="1") for n in (1, 2)]  # fmt: skip


PAIRS = {
    # one child, its own number on both records
    "same ID": (
        _vaccine("a1", "邵浩宇", MOTHER, id_no=CHILD),
        _vaccine("a2", "邵豪宇", MOTHER, id_no=CHILD),
    ),
    # no number; one mother, one phone, one birth day, nothing saying twins
    # (another mother: one mother's babies of one day under two names would say twins)
    "no ID, one birth": (
        _vaccine("b1", "王浩宇", SECOND_MOTHER),
        _vaccine("b2", "王豪宇", SECOND_MOTHER),
    ),
    # the same, but her delivery register shows two babies that day
    "no ID, twins on record": (
        _vaccine("c1", "王浩宇", OTHER_MOTHER),
        _vaccine("c2", "王豪宇", OTHER_MOTHER),
    ),
}


@pytest.fixture(scope="module")
def decided() -> dict[str, tuple[str, str | None]]:
    model = load_model()
    rows = [row for pair in PAIRS.values() for row in pair] + _twins_register(OTHER_MOTHER)
    con = duckdb.connect()
    con.register("m", frame(*rows))
    build_features(con, "m")
    score_new(con, model.settings, new="mention_features", index=None,
              blocking_rules=["1 = 1"])  # fmt: skip
    con.execute("""CREATE TABLE nothing_decided (unique_id_l VARCHAR, unique_id_r VARCHAR,
                   decision VARCHAR, decision_id VARCHAR)""")
    classify_pairs(con, model.settings, model.thresholds, "mention_features", "scored_pairs",
                   "nothing_decided")  # fmt: skip
    out = {}
    for case, (a, b) in PAIRS.items():
        left, right = sorted((a["mention_id"], b["mention_id"]))
        out[case] = con.execute(
            "SELECT decision, reason FROM pair_decisions WHERE unique_id_l = ? AND unique_id_r = ?",
            [left, right],
        ).fetchone()
    return out


def test_one_id_number_is_one_child_whatever_the_names(decided) -> None:
    assert decided["same ID"] == ("auto", None)


def test_a_homophone_without_an_id_number_waits_even_with_nothing_saying_twins(decided) -> None:
    assert decided["no ID, one birth"][0] == "review"


def test_a_homophone_of_a_twin_birth_waits_for_a_reviewer(decided) -> None:
    decision, reason = decided["no ID, twins on record"]
    assert decision == "review"
    assert "twins" in reason or "multiple birth" in reason
